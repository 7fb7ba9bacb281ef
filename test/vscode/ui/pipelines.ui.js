// UI test of the Pipelines feature: installs the packaged extension (VSIX, made by runUiTests.js or `npm run package`)
// into a fresh code-server on a temp copy of demo/ in which `generate`'s output is deleted and a param of `train` is
// changed, then: the Pipelines view with each stage's status, the CodeLens on dvc.yaml, a click on `Run` that turns
// `generate` up to date (the run shown in a terminal), the DAG panel (a node per stage, coloured by status, zero CSP
// violations), a click on a node that opens its stage, "Run Changed Stages" from the panel, light and dark themes.
// Screenshots in test-results/ui/pipelines/. Ends with "ui: N passed, M failed".
// Usage: VSIX=dist/mlops-workbench.vsix node test/vscode/ui/pipelines.ui.js   (KEEP_TMP=1 keeps temp dirs)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, demoDir, copyWorkspace, removeWorkspaceCopy, startCodeServer, launchBrowser } = require('../harness');
const { assert, escapeRe, uiRun } = require('./uiKit');

const SHOTS = path.join(ROOT, 'test-results/ui/pipelines');
const VSIX = path.resolve(process.env.VSIX || path.join(ROOT, 'dist/mlops-workbench.vsix'));
const STAGES = ['generate', 'prepare', 'train', 'evaluate@train', 'evaluate@test'];

const ui = uiRun(SHOTS);

/** The demo copy, set up so that stages need running whatever the machine's DVC cache holds. */
function prepareWorkspace() {
  const workspace = copyWorkspace(demoDir(), 'demo');
  // A clone of the demo has no cached outputs (git ignores them): run the pipeline once, as its user would have,
  // with our CLI's built-in runner (dvc.lock stays byte-identical), then make the changes the test looks for.
  for (const dir of ['data/prepared', 'models', '.dvc/cache']) fs.rmSync(path.join(workspace, dir), { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'repro', '--runner', 'builtin', '--workspace', workspace], { stdio: 'pipe', env: { ...process.env, MLOPS_HASH_CACHE: 'off' } });
  fs.rmSync(path.join(workspace, 'data', 'raw', 'iris.csv'), { force: true });
  const params = path.join(workspace, 'params.yaml');
  const text = fs.readFileSync(params, 'utf8');
  if (!/shrink: 0\.1\b/.test(text)) throw new Error(`demo/params.yaml has no "shrink: 0.1" to change:\n${text}`);
  fs.writeFileSync(params, text.replace(/shrink: 0\.1\b/, 'shrink: 0.2'));
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'mlops.pipeline.runner': 'builtin' }, null, 1));
  return workspace;
}

async function main() {
  const t0 = Date.now();
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const workspace = prepareWorkspace();
  const cs = await startCodeServer({ workspace, vsix: VSIX });
  const browser = await launchBrowser({ width: 1500, height: 950 });
  const { page } = browser;
  page.setDefaultTimeout(20000);
  const consoleMessages = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text(), url: m.location().url }));

  ui.usePage(page);
  const { shot, step, waitUntil, runCommand } = ui;

  const sidebar = page.locator('.part.sidebar');
  const stageRow = (name) => sidebar.getByRole('treeitem').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) }).first();
  const descriptionOf = async (row) => (await row.locator('.label-description').allInnerTexts()).join(' ').trim();
  const lenses = page.locator('.monaco-editor .codelens-decoration');
  const lensFor = (text) => lenses.filter({ hasText: text }).first();
  const webviewFrame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const inWebview = (fn, arg) => webviewFrame.locator('body').evaluate(fn, arg);
  const nodeStates = () => inWebview((body) => Object.fromEntries([...body.querySelectorAll('g.node')].map((g) => [g.querySelector('.node-name')?.textContent ?? '', g.getAttribute('data-state')])));

  try {
    await step('workbench loads and the Pipelines view lists the stages with their status', async () => {
      await page.goto(cs.workbenchUrl(workspace));
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
      const tab = page.locator('.part.activitybar').getByRole('tab', { name: /^MLOps/ });
      await tab.waitFor({ timeout: 30000 });
      await tab.click();
      await stageRow('generate').waitFor({ timeout: 30000 });
      await waitUntil('every stage has a verdict (no "Checking…")', async () => {
        const d = await Promise.all(STAGES.map(async (n) => descriptionOf(stageRow(n))));
        return d.every((x) => x && !/Checking/.test(x)) || d;
      }, 30000);
      const generate = await descriptionOf(stageRow('generate'));
      const train = await descriptionOf(stageRow('train'));
      assert(/iris\.csv/.test(generate), `generate's reason names its missing output: "${generate}"`);
      assert(/fit\.shrink/.test(train), `train's reason names the changed param: "${train}"`);
      await page.mouse.move(700, 5);
      await shot('01-pipelines-view');
      return { generate, train };
    });

    await step('dvc.yaml shows CodeLens above each stage: Run, Run downstream, the status', async () => {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('dvc.yaml');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'dvc.yaml' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'dvc.yaml' }).waitFor();
      await waitUntil('a lens above each of the four stage keys', async () => (await lenses.count()) >= 4 || lenses.count());
      const texts = (await lenses.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      assert(texts.every((t) => /^Run \| Run downstream \| /.test(t)), `lens texts: ${texts.join(' || ')}`);
      assert(texts.some((t) => /Changed · Output data\/raw\/iris\.csv/.test(t)), `generate's lens says why: ${texts.join(' || ')}`);
      assert(texts.some((t) => /Param params\.yaml:fit\.shrink changed: 0\.1 -> 0\.2/.test(t)), `train's lens names the param: ${texts.join(' || ')}`);
      assert(texts.some((t) => /train: .* \| test: /.test(t)), `the foreach key shows both generated stages: ${texts.join(' || ')}`);
      await page.mouse.move(700, 5);
      await shot('02-codelens-light');
      return { lenses: texts.length };
    });

    await step('clicking Run on generate runs it in a terminal and the lens turns up to date', async () => {
      const lens = lensFor('iris.csv');
      await lens.getByText('Run', { exact: true }).click();
      const terminal = page.locator('.terminal-wrapper, .xterm').first();
      await terminal.waitFor({ timeout: 20000 });
      await waitUntil('generate\'s lens says Up to date', async () => {
        const texts = (await lenses.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        return texts.some((t) => /^Run \| Run downstream \| Up to date \| ran /.test(t)) || texts;
      }, 60000);
      const tabs = await page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').allInnerTexts().catch(() => []);
      await page.waitForTimeout(400);
      await shot('03-after-run-terminal');
      const row = await descriptionOf(stageRow('generate'));
      assert(row === 'Up to date', `the tree says "${row}"`);
      return { tabs };
    });

    await step('the DAG panel draws a node per stage, coloured by status, with zero CSP violations', async () => {
      await runCommand('MLOps: Show Pipeline DAG');
      await webviewFrame.locator('body[data-first-paint="done"]').waitFor({ timeout: 30000 });
      await waitUntil('5 nodes and 6 edges', async () => {
        const counts = await inWebview((body) => [body.querySelectorAll('g.node').length, body.querySelectorAll('path.edge').length]);
        return (counts[0] === 5 && counts[1] === 6) || counts;
      });
      await waitUntil('generate and prepare up to date, train changed', async () => {
        const s = await nodeStates();
        return (s.generate === 'upToDate' && s.prepare === 'upToDate' && s.train === 'changed') || s;
      });
      // Status colours come from the theme: up to date and changed are drawn in different colours.
      const colours = await inWebview((body) => Object.fromEntries([...body.querySelectorAll('g.node')].map((g) => [g.getAttribute('data-state'), getComputedStyle(g.querySelector('.node-stripe')).fill])));
      assert(colours.upToDate && colours.changed && colours.upToDate !== colours.changed, `stripe colours: ${JSON.stringify(colours)}`);
      // Left to right: each stage is right of what it depends on.
      const xs = await inWebview((body) => Object.fromEntries([...body.querySelectorAll('g.node')].map((g) => [g.querySelector('.node-name').textContent, g.getBoundingClientRect().x])));
      assert(xs.generate < xs.prepare && xs.prepare < xs.train && xs.train < xs['evaluate@test'], `x positions: ${JSON.stringify(xs)}`);
      const csp = await inWebview((body) => body.dataset.cspViolations);
      assert(csp === '0', `${csp} CSP violations in the page`);
      await page.mouse.move(5, 400);
      await page.waitForTimeout(300);
      await shot('04-dag-light');
      return { states: await nodeStates(), colours };
    });

    await step('clicking a node opens its stage in dvc.yaml', async () => {
      await webviewFrame.locator('g.node', { has: webviewFrame.locator('.node-name', { hasText: /^train$/ }) }).locator('.node-box').click();
      await page.locator('.tab.active', { hasText: 'dvc.yaml' }).waitFor();
      await waitUntil('the cursor is on train\'s key (line 26)', async () => {
        const text = (await page.locator('.statusbar').innerText()).replace(/\s+/g, ' ');
        return /Ln 26, Col \d+/.test(text) || text.slice(0, 200);
      });
    });

    await step('dark theme: the panel is recoloured from the theme', async () => {
      await runCommand('MLOps: Show Pipeline DAG');
      await webviewFrame.locator('body[data-first-paint="done"]').waitFor();
      const before = await inWebview(() => getComputedStyle(document.body).backgroundColor);
      await runCommand('Preferences: Toggle between Light/Dark Themes');
      await waitUntil('the webview body is dark', async () => inWebview((body) => body.classList.contains('vscode-dark')));
      await page.waitForTimeout(500);
      const after = await inWebview(() => getComputedStyle(document.body).backgroundColor);
      assert(before !== after, `background stayed ${after}`);
      await page.mouse.move(5, 400);
      await shot('05-dag-dark');
      return { before, after };
    });

    await step('"Run Changed Stages" in the panel runs train and evaluate; every node turns up to date', async () => {
      await webviewFrame.locator('vscode-button[data-action="run-all"]').click();
      await waitUntil('every node up to date', async () => {
        const s = await nodeStates();
        return STAGES.every((n) => s[n] === 'upToDate') || s;
      }, 90000);
      await page.waitForTimeout(500);
      await shot('06-dag-dark-all-up-to-date');
    });

    await step('dark theme: a param edited on disk shows on the CodeLens with its old and new value', async () => {
      const file = path.join(workspace, 'params.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('shrink: 0.2', 'shrink: 0.1'));
      // Keys typed while the webview has focus stay in its frame: switch editors with the tab.
      await page.locator('.tab', { hasText: 'dvc.yaml' }).first().click();
      await page.locator('.tab.active', { hasText: 'dvc.yaml' }).waitFor();
      await waitUntil('train\'s lens names the param and both values', async () => {
        const texts = (await lenses.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        return texts.some((t) => /fit\.shrink changed: 0\.2 -> 0\.1/.test(t)) || texts;
      }, 30000);
      await page.mouse.move(700, 5);
      await page.waitForTimeout(300);
      await shot('07-codelens-dark');
    });

    await step('zero CSP violations and no script errors in the webview', async () => {
      const cspText = /Content Security Policy|Refused to|Trusted Type/i;
      const isWebview = (m) => /webview|vscode-cdn|vscode-resource/.test(m.url);
      const csp = consoleMessages.filter((m) => cspText.test(m.text));
      const errors = consoleMessages.filter((m) => m.type === 'error' && isWebview(m));
      assert(csp.length === 0, `console: ${csp.map((m) => m.text.slice(0, 160)).join(' | ')}`);
      assert(errors.length === 0, `webview errors: ${errors.map((m) => m.text.slice(0, 160)).join(' | ')}`);
    });
  } finally {
    await browser.close();
    await cs.stop();
    removeWorkspaceCopy(workspace);
  }
  console.log(`Pipelines UI tests: total ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${path.relative(ROOT, SHOTS)}/`);
  return ui.finish();
}

main().then((code) => process.exit(code), ui.crash);
