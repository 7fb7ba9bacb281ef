// UI test of the Compare panel: installs the packaged extension (VSIX, made by runUiTests.js or `npm run package`)
// into a fresh code-server on a temp copy of demo/, opens Compare on three runs from the Runs view (multi-select,
// context menu), and checks inside the webview's frame: the table's differing params, drawn pixels in every chart,
// legend hover highlighting, hiding, zoom, smoothing, CSV exports through the real save dialog, zero CSP
// violations, light and dark themes. Screenshots in test-results/ui/compare/. Ends with "ui: N passed, M failed".
// Usage: VSIX=dist/mlops-workbench.vsix node test/vscode/ui/compare.ui.js   (KEEP_TMP=1 keeps temp dirs)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, demoDir, copyWorkspace, removeWorkspaceCopy, startCodeServer, launchBrowser } = require('../harness');
const { findFileStoreRuns } = require('./mlrunsOnDisk');
const { assert, escapeRe, uiRun } = require('./uiKit');

const SHOTS = path.join(ROOT, 'test-results/ui/compare');
const VSIX = path.resolve(process.env.VSIX || path.join(ROOT, 'dist/mlops-workbench.vsix'));
const RUNS = ['baseline', 'strong-l2', 'slow-and-long'];
const ui = uiRun(SHOTS, { waitTimeoutMs: 15000 });

async function main() {
  const t0 = Date.now();
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const workspace = copyWorkspace(demoDir(), 'demo');
  const exportsDir = path.join(path.dirname(workspace), 'exports');
  fs.mkdirSync(exportsDir, { recursive: true });
  const onDisk = findFileStoreRuns(workspace);
  const cs = await startCodeServer({ workspace, vsix: VSIX });
  const browser = await launchBrowser({ width: 1500, height: 1000 });
  const { page } = browser;
  page.setDefaultTimeout(20000);
  const consoleMessages = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text(), url: m.location().url }));

  ui.usePage(page);
  const { shot, step, waitUntil, runCommand } = ui;
  const webviewShot = (name) => page.locator('iframe.webview.ready').first().screenshot({ path: path.join(SHOTS, `${name}.png`) });
  /** Picks an option of a vscode-single-select inside the webview. */
  const choose = async (control, label) => {
    await frame.locator(`vscode-single-select[data-control="${control}"]`).click();
    await frame.locator(`vscode-single-select[data-control="${control}"]`).getByRole('option', { name: label, exact: true }).click();
  };
  /** The real save dialog: code-server shows VS Code's simple file dialog, a path box in the quick input. */
  const answerSaveDialog = async (file) => {
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await page.waitForTimeout(300);
    await input.fill(file);
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const overwrite = page.locator('.dialog-box, .monaco-dialog-box').getByRole('button', { name: /Replace|OK|Yes/ });
    if (await overwrite.isVisible().catch(() => false)) await overwrite.click();
  };

  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const inWebview = (fn, arg) => frame.locator('body').evaluate(fn, arg);
  const sidebar = page.locator('.part.sidebar');
  const runRow = (name) => sidebar.getByRole('treeitem').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) }).first();
  const runIdOf = (name) => {
    const run = onDisk.find((r) => r.runName === name);
    if (!run) throw new Error(`no run ${name} on disk`);
    return path.basename(run.runDir);
  };

  /** Counts drawn pixels of each chart canvas, and pixels near each given colour. */
  const chartPixels = (colors = []) => inWebview((body, cols) => {
    const parse = (c) => {
      const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
    };
    const targets = cols.map(parse);
    return [...body.querySelectorAll('.chart-card canvas')].map((canvas) => {
      const g = canvas.getContext('2d');
      const { width, height } = canvas;
      if (!g || width === 0 || height === 0) return { metric: canvas.dataset.metric, width, height, drawn: 0, near: targets.map(() => 0) };
      const d = g.getImageData(0, 0, width, height).data;
      let drawn = 0;
      const near = targets.map(() => 0);
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] === 0) continue;
        drawn++;
        targets.forEach((t, k) => {
          if (t && d[i + 3] > 180 && Math.abs(d[i] - t[0]) + Math.abs(d[i + 1] - t[1]) + Math.abs(d[i + 2] - t[2]) < 60) near[k]++;
        });
      }
      return { metric: canvas.dataset.metric, width, height, drawn, near, highlight: canvas.dataset.highlight, datasets: canvas.dataset.datasets };
    });
  }, colors);

  const state = {};
  try {
    await step('workbench loads with the Runs view', async () => {
      await page.goto(cs.workbenchUrl(workspace));
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
      const tab = page.locator('.part.activitybar').getByRole('tab', { name: /^MLOps/ });
      await tab.waitFor({ timeout: 30000 });
      await tab.click();
      // Other views of the container (pipelines, data) are collapsed so the runs are rendered (the tree is virtual).
      await sidebar.locator('.pane-header').first().waitFor({ timeout: 30000 });
      await page.waitForTimeout(1000);
      const headers = sidebar.locator('.pane-header');
      for (let i = 0; i < await headers.count(); i++) {
        const header = headers.nth(i);
        const title = (await header.innerText()).trim().split('\n')[0];
        if (!/^runs$/i.test(title) && (await header.getAttribute('aria-expanded')) === 'true') await header.click();
      }
      await runRow(RUNS[0]).waitFor({ timeout: 30000 });
    });

    await step('three runs picked in the Runs view open Compare from the context menu', async () => {
      await runRow(RUNS[0]).click();
      for (const name of RUNS.slice(1)) await runRow(name).click({ modifiers: ['Control'] });
      await waitUntil('three rows selected', async () => (await sidebar.locator('.monaco-list-row.selected').count()) === 3 || await sidebar.locator('.monaco-list-row.selected').count());
      await runRow(RUNS[2]).click({ button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: /^Compare Runs$/ }).first();
      await item.waitFor();
      await shot('01-context-menu');
      await item.click();
      await page.locator('.tab', { hasText: /Compare: / }).first().waitFor();
      await frame.locator('body[data-first-paint="done"]').waitFor({ timeout: 30000 });
      state.opened = true;
      return { title: (await page.locator('.tab.active').first().innerText()).trim() };
    });
    if (!state.opened) throw new Error('the panel did not open; the remaining steps need it');

    await step('the panel is a polished page: tabs, toolbar, legend with the three runs', async () => {
      await page.mouse.move(1400, 960); // off the tree (its run tooltips would cover the panel) and off the charts
      await page.waitForTimeout(800);
      await shot('02-compare-light');
      await webviewShot('02-compare-light-webview');
      const legend = await frame.locator('.legend-item .legend-name').allInnerTexts();
      assert(RUNS.every((n) => legend.includes(n)), `legend shows ${legend.join(', ')}`);
      const tabs = await frame.locator('vscode-tab-header').allInnerTexts();
      assert(tabs.map((t) => t.trim()).join('|') === 'Charts|Table|Param plots', `tabs: ${tabs}`);
      return { legend };
    });

    await step('every chart canvas has drawn pixels', async () => {
      const cards = frame.locator('.chart-card');
      const n = await cards.count();
      assert(n >= 4, `only ${n} chart cards`);
      for (let i = 0; i < n; i++) await cards.nth(i).scrollIntoViewIfNeeded();
      await frame.locator('.chart-card').first().scrollIntoViewIfNeeded();
      await waitUntil('every chart drew its data', async () => {
        const px = await chartPixels();
        return px.every((p) => p.drawn > 3000) || px.map((p) => `${p.metric}:${p.drawn}`);
      });
      const px = await chartPixels();
      return px.map((p) => `${p.metric} ${p.width}x${p.height} ${p.drawn}px`);
    });

    await step('hovering a legend entry highlights that run in every chart', async () => {
      const colors = {};
      for (const name of RUNS) {
        colors[name] = await frame.locator('.legend-item', { hasText: name }).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
      }
      const order = RUNS.map((n) => colors[n]);
      const before = await chartPixels(order);
      await frame.locator('.legend-item', { hasText: 'strong-l2' }).hover();
      const target = runIdOf('strong-l2');
      await waitUntil('charts mark the highlighted run', async () => (await chartPixels(order)).every((p) => p.highlight === target) || (await chartPixels(order)).map((p) => p.highlight));
      const during = await chartPixels(order);
      await webviewShot('03-legend-hover');
      // The other runs fade to a faint line: far fewer of their pixels keep their full colour, and the
      // highlighted one, drawn wider, gains pixels.
      let checked = 0;
      for (let i = 0; i < during.length; i++) {
        const other = before[i].near[0] + before[i].near[2];
        if (other < 50) continue; // a chart of single final points: a marker or two
        checked++;
        assert(during[i].near[0] + during[i].near[2] < other * 0.5, `${during[i].metric}: other runs' pixels ${other} -> ${during[i].near[0] + during[i].near[2]} while strong-l2 is highlighted`);
        assert(during[i].near[1] > before[i].near[1], `${during[i].metric}: strong-l2's pixels ${before[i].near[1]} -> ${during[i].near[1]}`);
      }
      assert(checked >= 3, `only ${checked} charts had enough line pixels to compare`);
      await frame.locator('.chart-grid').hover({ position: { x: 5, y: 5 } });
      await page.mouse.move(5, 500);
      await waitUntil('the highlight clears', async () => (await chartPixels()).every((p) => !p.highlight));
      return { colors, loss: during.find((p) => p.metric === 'loss') };
    });

    await step('clicking a legend entry hides its run, clicking again shows it', async () => {
      const count = async () => Number((await chartPixels()).find((p) => p.metric === 'loss').datasets);
      assert(await count() === 3, `loss draws ${await count()} lines`);
      await frame.locator('.legend-item', { hasText: 'slow-and-long' }).click();
      await waitUntil('two lines left', async () => (await count()) === 2 || count());
      await webviewShot('04-run-hidden');
      await frame.locator('.legend-item', { hasText: 'slow-and-long' }).click();
      await waitUntil('three lines again', async () => (await count()) === 3 || count());
    });

    await step('smoothing draws a smoothed line over a faint raw one', async () => {
      const slider = frame.locator('input[data-control="smoothing"]');
      await slider.evaluate((el) => {
        el.value = '0.8';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await waitUntil('raw + smoothed datasets', async () => Number((await chartPixels()).find((p) => p.metric === 'loss').datasets) === 6);
      await webviewShot('05-smoothing');
      await slider.evaluate((el) => {
        el.value = '0';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await waitUntil('back to one line per run', async () => Number((await chartPixels()).find((p) => p.metric === 'loss').datasets) === 3);
    });

    await step('the x axis switches to relative time: every chart is asked for again and redrawn', async () => {
      await choose('x-axis', 'Relative time');
      await waitUntil('charts redrawn in relative time', async () => {
        const px = await inWebview((body) => [...body.querySelectorAll('.chart-card canvas')].map((c) => c.dataset.xAxis));
        return px.every((x) => x === 'relativeTime') || px;
      });
      await waitUntil('and drawn', async () => (await chartPixels()).every((p) => p.drawn > 3000));
      await webviewShot('06-relative-time');
      await choose('x-axis', 'Step');
      await waitUntil('back to steps', async () => (await inWebview((body) => [...body.querySelectorAll('.chart-card canvas')].every((c) => c.dataset.xAxis === 'step'))));
    });

    await step('grouping by a param draws each group\'s mean with a band', async () => {
      await choose('group-by', 'params.lr');
      await waitUntil('two group means in the loss chart', async () => {
        const loss = (await chartPixels()).find((p) => p.metric === 'loss');
        const grouped = await frame.locator('.chart-card[data-metric="loss"] canvas').getAttribute('data-grouped');
        return (grouped === 'true' && loss.datasets === '2') || { grouped, datasets: loss.datasets };
      });
      const groups = await frame.locator('.legend-item .legend-name').allInnerTexts();
      assert([...groups].sort().join('|') === '0.05 (1)|0.1 (2)', `legend groups: ${groups.join(', ')}`);
      await page.waitForTimeout(300);
      await webviewShot('07-grouped');
      await choose('group-by', 'No grouping');
      await waitUntil('ungrouped again', async () => (await frame.locator('.chart-card[data-metric="loss"] canvas').getAttribute('data-grouped')) === 'false');
      return { groups };
    });

    await step('dragging on a chart zooms (the host re-decimates the range), double-click resets', async () => {
      const card = frame.locator('.chart-card[data-metric="loss"]');
      const canvas = card.locator('canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = await canvas.boundingBox();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5, { steps: 5 });
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
      await page.mouse.up();
      await card.locator('.chart-badge:not([hidden])').waitFor();
      await webviewShot('06-zoomed');
      await canvas.dblclick({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
      await card.locator('.chart-badge[hidden]').waitFor({ state: 'attached' });
    });

    await step('the table shows the differing params, highlighted', async () => {
      await frame.locator('vscode-tab-header[data-tab="table"]').click();
      await frame.locator('table.compare-table').first().waitFor();
      const differing = await frame.locator('tr.data-row.differs[data-section="param"]').evaluateAll((rows) => rows.map((r) => r.dataset.key).sort());
      assert(JSON.stringify(differing) === JSON.stringify(['epochs', 'l2', 'lr']), `differing params: ${differing}`);
      const lr = await frame.locator('tr.data-row[data-section="param"][data-key="lr"] td .value').allInnerTexts();
      const heads = await frame.locator('table.compare-table').first().locator('th.run-col .run-name').allInnerTexts();
      const byRun = Object.fromEntries(heads.map((h, i) => [h, lr[i]]));
      assert(byRun.baseline === '0.1' && byRun['strong-l2'] === '0.1' && byRun['slow-and-long'] === '0.05', `lr row: ${JSON.stringify(byRun)}`);
      const same = await frame.locator('tr.data-row[data-section="param"][data-key="batch_size"]').getAttribute('class');
      assert(!/differs/.test(same), 'batch_size is the same for all three and is not marked');
      await webviewShot('08-table-light');
      await frame.locator('vscode-checkbox[data-control="only-differences"]').click();
      await waitUntil('only differing rows remain', async () => (await frame.locator('tr.data-row:not(.differs)').count()) === 0);
      await webviewShot('09-table-only-differences');
      return { differing, lr: byRun };
    });

    await step('a baseline run shows deltas', async () => {
      await frame.locator('th.run-col', { hasText: 'baseline' }).hover();
      await frame.locator('th.run-col', { hasText: 'baseline' }).locator('button[data-action="baseline"]').click();
      await frame.locator('tr.data-row[data-key="lr"] .delta').first().waitFor();
      const deltas = await frame.locator('tr.data-row[data-key="lr"] .delta').allInnerTexts();
      assert(deltas.some((d) => /^−0\.05 \(−50%\)$/.test(d)), `lr deltas: ${deltas}`);
      await webviewShot('10-baseline-deltas');
      return { deltas };
    });

    await step('table CSV export writes the table through the save dialog', async () => {
      const file = path.join(exportsDir, 'runs.csv');
      await frame.locator('vscode-button[data-action="export-table-csv"]').click();
      await answerSaveDialog(file);
      await waitUntil(`${file} is written`, async () => fs.existsSync(file));
      const lines = fs.readFileSync(file, 'utf8').trim().split('\r\n');
      const header = lines[0].split(',');
      assert(header[0] === 'section' && header[1] === 'key' && RUNS.every((r) => header.includes(r)), `header: ${lines[0]}`);
      const lrLine = lines.find((l) => l.startsWith('param,lr,'));
      assert(lrLine, 'an lr row');
      const values = lrLine.split(',').slice(2);
      assert(values.sort().join(' ') === '0.05 0.1 0.1', `lr row: ${lrLine}`);
      assert(lines.every((l) => !l.startsWith('param,batch_size')), 'only differences: equal rows are left out');
      return { rows: lines.length };
    });

    await step('chart CSV export writes every point of every run', async () => {
      await frame.locator('vscode-tab-header[data-tab="charts"]').click();
      const file = path.join(exportsDir, 'loss.csv');
      await frame.locator('.chart-card[data-metric="loss"] vscode-toolbar-button[data-action="csv"]').click();
      await answerSaveDialog(file);
      await waitUntil(`${file} is written`, async () => fs.existsSync(file));
      const lines = fs.readFileSync(file, 'utf8').trim().split('\r\n');
      assert(lines[0] === 'run,run_id,step,value', `header: ${lines[0]}`);
      let expected = 0;
      for (const name of RUNS) {
        const run = onDisk.find((r) => r.runName === name);
        const points = fs.readFileSync(path.join(run.runDir, 'metrics', 'loss'), 'utf8').trim().split('\n').map((l) => l.split(' '));
        expected += points.length;
        const rows = lines.filter((l) => l.startsWith(`${name},`));
        assert(rows.length === points.length, `${name}: ${rows.length} rows, ${points.length} points on disk`);
        const first = rows[0].split(',');
        const [, value, stepNo] = points[0];
        assert(first[1] === path.basename(run.runDir) && Number(first[2]) === Number(stepNo) && Number(first[3]) === Number(value), `${name} first row ${rows[0]} vs ${points[0].join(' ')}`);
      }
      assert(lines.length === expected + 1, `${lines.length - 1} data rows, ${expected} points`);
      await frame.locator('.toast.visible').waitFor();
      await webviewShot('11-exported');
      return { rows: lines.length - 1 };
    });

    await step('param plots: scatter and parallel coordinates draw', async () => {
      await frame.locator('vscode-tab-header[data-tab="plots"]').click();
      await waitUntil('the scatter has a point per run and the parallel plot a line per run', async () => {
        const s = await frame.locator('canvas[data-plot="scatter"]').getAttribute('data-points');
        const p = await frame.locator('canvas[data-plot="parallel"]').getAttribute('data-lines');
        return (s === '3' && p === '3') || { s, p };
      });
      await page.waitForTimeout(300);
      await webviewShot('12-param-plots');
    });

    await step('zero CSP violations and no script errors in the webview', async () => {
      const count = await inWebview((body) => Number(body.dataset.cspViolations ?? '0'));
      const cspText = /Content Security Policy|Refused to|Trusted Type/i;
      const isWebview = (m) => /webview|vscode-cdn|vscode-resource/.test(m.url);
      const csp = consoleMessages.filter((m) => cspText.test(m.text));
      const errors = consoleMessages.filter((m) => m.type === 'error' && isWebview(m));
      assert(count === 0 && csp.length === 0, `CSP violations: ${count} counted in the page, console: ${csp.map((m) => m.text.slice(0, 160)).join(' | ')}`);
      assert(errors.length === 0, `webview errors: ${errors.map((m) => m.text.slice(0, 160)).join(' | ')}`);
      const policy = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert(!/unsafe-inline|unsafe-eval/.test(policy), `policy: ${policy}`);
      return { policy };
    });

    await step('dark theme: the charts are recoloured from the new --vscode-* variables', async () => {
      await frame.locator('vscode-tab-header[data-tab="charts"]').click();
      const tickBefore = await inWebview(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-descriptionForeground').trim());
      await runCommand('Preferences: Toggle between Light/Dark Themes');
      await waitUntil('the webview body is dark', async () => inWebview((body) => body.classList.contains('vscode-dark')));
      await page.waitForTimeout(600);
      const tickAfter = await inWebview(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-descriptionForeground').trim());
      assert(tickBefore !== tickAfter, `descriptionForeground did not change: ${tickAfter}`);
      const px = await chartPixels();
      assert(px.every((p) => p.drawn > 3000), `charts after the theme change: ${px.map((p) => p.drawn)}`);
      await shot('13-compare-dark');
      await webviewShot('13-compare-dark-webview');
      await frame.locator('vscode-tab-header[data-tab="table"]').click();
      await page.waitForTimeout(300);
      await webviewShot('14-table-dark');
      await frame.locator('vscode-tab-header[data-tab="charts"]').click();
      return { tickBefore, tickAfter };
    });

    await step('the palette\'s quick pick starts from the view\'s selection; unticking one and Enter compares the other two', async () => {
      await runCommand('View: Close All Editors');
      await runCommand('MLOps: Compare Runs');
      const header = page.locator('.quick-input-header');
      await header.filter({ hasText: '3 Selected' }).waitFor();
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(RUNS[1])}$`) }) }).first();
      await row.locator('.monaco-custom-toggle, .monaco-checkbox, input[type="checkbox"]').first().click();
      await header.filter({ hasText: '2 Selected' }).waitFor();
      await shot('15-quick-pick');
      await page.keyboard.press('Enter');
      // The panel lists the runs in the quick pick's order (newest first).
      const tab = page.locator('.tab', { hasText: /^Compare: / }).filter({ hasText: RUNS[0] }).filter({ hasText: RUNS[2] }).first();
      await tab.waitFor();
      const title = (await tab.innerText()).trim();
      await frame.locator('body[data-first-paint="done"]').waitFor({ timeout: 30000 });
      const legend = await frame.locator('.legend-item .legend-name').allInnerTexts();
      assert(legend.length === 2 && !legend.some((t) => t.includes(RUNS[1])), `legend: ${legend.join(' | ')}`);
      state.reopenTitle = title;
      return { title, legend };
    });

    await step('after a window reload the panel comes back with its runs and its view (x axis, hidden run)', async () => {
      await choose('x-axis', 'Relative time');
      await frame.locator('.legend-item', { hasText: RUNS[0] }).click();
      await waitUntil('the run is hidden', async () => (await frame.locator('.legend-item.off').count()) === 1);
      await page.waitForTimeout(1000); // the page saves its view with setState; VS Code keeps it with the editor
      // The workbench's own reload: it shuts down properly (the editors and the webview's state are saved) first.
      await runCommand('Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 30000 });
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
      const tab = page.locator('.tab', { hasText: state.reopenTitle ?? /^Compare: / }).first();
      await tab.waitFor({ timeout: 30000 });
      await tab.click();
      await frame.locator('body[data-first-paint="done"]').waitFor({ timeout: 60000 });
      const restored = await inWebview((body) => ({
        // Charts below the fold have no data (nor axis) until scrolled to.
        xAxes: [...body.querySelectorAll('.chart-card canvas')].map((c) => c.dataset.xAxis).filter(Boolean),
        hidden: [...body.querySelectorAll('.legend-item.off .legend-name')].map((e) => e.textContent),
        shown: [...body.querySelectorAll('.legend-item:not(.off) .legend-name')].map((e) => e.textContent),
      }));
      assert(restored.xAxes.length > 0 && restored.xAxes.every((x) => x === 'relativeTime'), `x axes after reload: ${restored.xAxes.join(', ')}`);
      assert(restored.hidden.length === 1 && restored.hidden[0] === RUNS[0], `hidden after reload: ${restored.hidden.join(', ')}`);
      assert(restored.shown.length === 1 && restored.shown[0] === RUNS[2], `shown after reload: ${restored.shown.join(', ')}`);
      await waitUntil('the restored charts are drawn', async () => (await chartPixels()).some((p) => p.drawn > 3000));
      await webviewShot('16-restored-after-reload');
      return restored;
    });
  } finally {
    await browser.close();
    await cs.stop();
    removeWorkspaceCopy(workspace);
  }
  console.log(`Compare UI tests: total ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${path.relative(ROOT, SHOTS)}/`);
  return ui.finish();
}

main().then((code) => process.exit(code), ui.crash);
