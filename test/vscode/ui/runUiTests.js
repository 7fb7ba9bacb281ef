// UI test: packages the extension, installs the .vsix into a fresh code-server, opens a temp copy of demo/ and drives
// the workbench with Debian chromium (playwright-core). A screenshot is saved at every step, and FAIL-<step>.png on failure,
// under test-results/ui/. Ends with "ui: N passed, M failed"; exits non-zero on any failure.
// Usage: node test/vscode/ui/runUiTests.js [--no-package]   (VSIX=path uses another .vsix; KEEP_TMP=1 keeps temp dirs)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, demoDir, copyWorkspace, removeWorkspaceCopy, startCodeServer, launchBrowser, listExtensions } = require('../harness');
const { findFileStoreRuns, appendMetricPoint } = require('./mlrunsOnDisk');
const { escapeRe, uiRun } = require('./uiKit');

const EXTENSION_ID = 'mlops-workbench.mlops-workbench';
const SHOTS = path.join(ROOT, 'test-results/ui');
const VSIX = path.resolve(process.env.VSIX || path.join(ROOT, 'dist/mlops-workbench.vsix'));
const STATUSES = 'RUNNING|SCHEDULED|FINISHED|FAILED|KILLED';

const ui = uiRun(SHOTS, { numberShots: true, waitTimeoutMs: 10000 });

function packageVsix() {
  const t0 = Date.now();
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`packaged ${path.relative(ROOT, VSIX)} (${(fs.statSync(VSIX).size / 1024).toFixed(0)} KB) in ${Date.now() - t0} ms`);
}

async function main() {
  const t0 = Date.now();
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  if (!process.argv.includes('--no-package') && !process.env.VSIX) packageVsix();

  const workspace = copyWorkspace(demoDir(), 'demo');
  const runsOnDisk = findFileStoreRuns(workspace);
  const cs = await startCodeServer({ workspace, vsix: VSIX });
  const browser = await launchBrowser();
  const { page } = browser;
  page.setDefaultTimeout(20000);
  ui.usePage(page);
  const { shot, step, waitUntil, runCommand } = ui;

  // The Runs tree in the sidebar, and its rows.
  const sidebar = page.locator('.part.sidebar');
  const treeItems = sidebar.getByRole('treeitem');
  const runRows = sidebar.getByRole('treeitem', { name: new RegExp(` (${STATUSES})\\b`) });
  // A row without a description has no .label-description element at all.
  const descriptionOf = async (row) => (await row.locator('.label-description').allInnerTexts()).join(' ').trim();

  const state = {};
  try {
    await step('vsix installs into code-server', async () => {
      const installed = listExtensions(cs.profile);
      if (!installed.some((e) => e.toLowerCase().startsWith(`${EXTENSION_ID}@`))) {
        throw new Error(`${EXTENSION_ID} not listed after --install-extension; listed: ${installed.join(', ') || 'nothing'}; CLI said: ${cs.installOutput.trim()}`);
      }
    });

    await step('workbench loads', async () => {
      await page.goto(cs.workbenchUrl(workspace));
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
      await page.locator('.monaco-workbench .part.statusbar').waitFor();
      await shot('workbench');
    });

    await step('MLOps activity-bar tab opens the Runs view', async () => {
      const tab = page.locator('.part.activitybar').getByRole('tab', { name: /^MLOps/ });
      await tab.waitFor({ timeout: 30000 });
      await tab.click();
      // The container holds Runs, Pipelines and Data: the sidebar title reads "MLOPS" and each view has a pane header.
      await sidebar.locator('.composite.title', { hasText: /MLOPS/i }).first().waitFor();
      await sidebar.locator('.pane-header', { hasText: /^\s*Runs/i }).first().waitFor();
      await treeItems.first().waitFor({ timeout: 30000 });
      await shot('runs-view');
    });

    await step('Runs view shows experiments and their runs', async () => {
      const experiments = [...new Set(runsOnDisk.map((r) => r.experimentName))];
      if (experiments.length === 0) throw new Error(`no runs found on disk under ${workspace}`);
      const expRow = sidebar.getByRole('treeitem', { name: new RegExp(`^(${experiments.map(escapeRe).join('|')})$|^(${experiments.map(escapeRe).join('|')})\\b`) }).first();
      await expRow.waitFor({ timeout: 30000 });
      const expName = (await expRow.locator('.label-name').first().innerText()).trim();
      if ((await expRow.getAttribute('aria-expanded')) === 'false') await expRow.click();
      await waitUntil('run rows appear under the experiments', async () => (await runRows.count()) > 0 || `0 of ${await treeItems.count()} rows are runs`, 20000);
      const names = runsOnDisk.filter((r) => r.experimentName === expName).map((r) => r.runName);
      const shown = await runRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
      if (!shown.some((label) => names.some((n) => label.startsWith(`${n} `)))) {
        throw new Error(`none of the runs of "${expName}" on disk (${names.join(', ')}) is shown; rows: ${shown.join(' | ')}`);
      }
      state.expName = expName;
      await shot('experiments-and-runs');
    });

    await step('appending a metric point updates the run description', async () => {
      const target = await pickRunWithKeyMetric(runRows, descriptionOf, runsOnDisk);
      const row = runRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(target.run.runName)}$`) }) }).first();
      await shot('before-metric-append');
      const newValue = target.value === 0.4242 ? 0.5151 : 0.4242;
      appendMetricPoint(target.run, target.metric, newValue);
      const expected = new RegExp(`${escapeRe(target.metric)} ${String(newValue).slice(0, 5).replace('.', '\\.')}`);
      await waitUntil(`"${target.run.runName}" shows ${target.metric} ${newValue} within 10 s (was "${target.description}")`,
        async () => { const d = await descriptionOf(row).catch(() => ''); return expected.test(d) || d; }, 10000);
      state.metric = target.metric;
      await shot('metric-updated');
    });

    await step('filter via the command palette shows fewer runs, then clears', async () => {
      const shownNames = async () => (await runRows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
      const { expression, excluded, kept } = await filterExpressionExcludingSome(runRows, descriptionOf, state.metric);
      const totalBefore = await experimentRunTotal(treeItems, descriptionOf);
      await runCommand('MLOps: Filter Runs…');
      const box = page.locator('.quick-input-widget input');
      await box.waitFor();
      await page.waitForTimeout(200);
      await box.fill(expression);
      await shot('filter-input');
      await page.keyboard.press('Enter');
      await waitUntil(`runs with ${state.metric} below the threshold (${excluded.join(', ')}) disappear after "${expression}"`, async () => {
        const names = await shownNames();
        return (excluded.every((n) => !names.includes(n)) && kept.every((n) => names.includes(n))) || names;
      });
      await shot('filtered');
      // The view's message counts what the filter keeps of every store's runs (rows scrolled out of sight included).
      let counted;
      await waitUntil('the view says how many runs the filter keeps', async () => {
        const text = (await sidebar.locator('.pane-body').first().innerText()).replace(/\s+/g, ' ');
        const m = /\((\d+) of (\d+) runs\)/.exec(text);
        counted = m ? { shown: Number(m[1]), total: Number(m[2]) } : undefined;
        return counted !== undefined || text.slice(0, 200);
      });
      if (!(counted.shown < counted.total)) throw new Error(`the filter kept ${counted.shown} of ${counted.total} runs`);
      if (totalBefore !== undefined && counted.total < totalBefore) throw new Error(`the message counts ${counted.total} runs, the experiments ${totalBefore}`);
      // The user must be able to see that a filter is on (the brief: the view's description shows it).
      const filterText = sidebar.getByText(expression, { exact: false });
      const visible = await filterText.evaluateAll((els) => els.some((e) => e.checkVisibility()));
      state.filterChecked = true;
      if (!visible) {
        const hidden = await filterText.evaluateAll((els) => els.map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> in ${e.closest('.pane-header') ? 'a hidden .pane-header' : 'a hidden element'}`));
        state.filterNotShown = `the filter "${expression}" is not visible in the sidebar${hidden.length ? ` (it is only in ${hidden.join(', ')})` : ''}`;
      }
      await runCommand('MLOps: Clear Run Filter');
      await waitUntil(`the filtered-out runs (${excluded.join(', ')}) come back after clearing the filter`, async () => {
        const names = await shownNames();
        return excluded.every((n) => names.includes(n)) || names;
      });
      await shot('filter-cleared');
    });

    await step('a bad filter is pointed at by column in the input box, and nothing changes', async () => {
      await runCommand('MLOps: Filter Runs…');
      const box = page.locator('.quick-input-widget input');
      await box.waitFor();
      await page.waitForTimeout(200);
      await box.fill('metrics.accuracy >> 0.5');
      const message = page.locator('.quick-input-widget .quick-input-message', { hasText: /column \d+/ });
      await message.waitFor({ timeout: 10000 });
      const text = (await message.innerText()).trim();
      if (!/at column 19/.test(text)) throw new Error(`expected the error at column 19 (the second '>'), got: ${text}`);
      await shot('bad-filter');
      await page.keyboard.press('Escape');
    });

    await step('hovering a run shows its tooltip with run id, metrics and params', async () => {
      const row = runRows.first();
      await row.locator('.label-name').hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Run ID' }).first();
      await hover.waitFor({ timeout: 10000 });
      const text = await hover.innerText();
      for (const part of ['Run ID', 'Metrics', 'Params']) if (!text.includes(part)) throw new Error(`tooltip lacks "${part}": ${text.slice(0, 200)}`);
      await shot('run-tooltip');
      await page.mouse.move(700, 450);
    });

    await step('the active filter is visible in the Runs view', async () => {
      if (!state.filterChecked) throw new Error('the filter step did not get as far as applying the filter');
      if (state.filterNotShown) throw new Error(state.filterNotShown);
    });
  } finally {
    await browser.close();
    await cs.stop();
    removeWorkspaceCopy(workspace);
  }
  console.log(`UI tests: code-server start ${cs.startMs} ms, total ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${path.relative(ROOT, SHOTS)}/`);
  return ui.finish();
}

/** A shown run whose description starts with "<metric> <value>" and whose name is unique among file-store runs on disk. */
async function pickRunWithKeyMetric(runRows, descriptionOf, runsOnDisk) {
  const n = await runRows.count();
  const seen = [];
  for (let i = 0; i < n; i++) {
    const row = runRows.nth(i);
    const name = (await row.locator('.label-name').first().innerText()).trim();
    const description = (await descriptionOf(row)).trim();
    seen.push(`${name}: ${description}`);
    const m = /^(\S+) (\S+)/.exec(description.split(' · ')[0]);
    const matches = runsOnDisk.filter((r) => r.runName === name);
    if (!m || matches.length !== 1 || !matches[0].metrics.includes(m[1])) continue;
    return { run: matches[0], metric: m[1], value: Number(m[2]), description };
  }
  throw new Error(`no shown run has a key metric in its description and a unique name on disk; shown: ${seen.join(' | ')}`);
}

/**
 * "metrics.<key> > t" with t between the two smallest distinct shown values, so at least one shown run drops out;
 * returns the shown run names expected to drop out and to stay.
 */
async function filterExpressionExcludingSome(runRows, descriptionOf, metric) {
  const shown = [];
  const n = await runRows.count();
  for (let i = 0; i < n; i++) {
    const row = runRows.nth(i);
    const m = new RegExp(`^${escapeRe(metric)} (\\S+)`).exec(await descriptionOf(row));
    const name = (await row.locator('.label-name').first().innerText()).trim();
    if (m && Number.isFinite(Number(m[1]))) shown.push({ name, value: Number(m[1]) });
  }
  const distinct = [...new Set(shown.map((r) => r.value))].sort((a, b) => a - b);
  if (distinct.length < 2) throw new Error(`need two different ${metric} values among the shown runs, saw ${JSON.stringify(shown)}`);
  const threshold = Number(((distinct[0] + distinct[1]) / 2).toPrecision(6));
  const key = /^[A-Za-z_][\w.]*$/.test(metric) ? metric : `\`${metric}\``;
  const unique = (list) => list.filter((r) => shown.filter((o) => o.name === r.name).length === 1).map((r) => r.name);
  return {
    expression: `metrics.${key} > ${threshold}`,
    excluded: unique(shown.filter((r) => r.value < threshold)),
    kept: unique(shown.filter((r) => r.value > threshold)),
  };
}

/** Sum of the "N runs" in the experiments' descriptions, or undefined when none shows a count. */
async function experimentRunTotal(treeItems, descriptionOf) {
  let total;
  const n = await treeItems.count();
  for (let i = 0; i < n; i++) {
    const m = /^(\d+) runs?\b/.exec(await descriptionOf(treeItems.nth(i)));
    if (m) total = (total ?? 0) + Number(m[1]);
  }
  return total;
}

main().then((code) => process.exit(code), ui.crash);
