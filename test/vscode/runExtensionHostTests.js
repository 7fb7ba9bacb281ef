// Runs the mocha suites in test/vscode/suite inside a real VS Code extension host (code-server), the way
// @vscode/test-electron would: the workbench URL's `payload` carries extensionDevelopmentPath (the repo root) and
// extensionTestsPath (out/test/vscode/suite/index.js); when run() settles the page calls codeAutomationExit(code).
// Usage: node test/vscode/runExtensionHostTests.js [--no-build]   (VERBOSE=1 shows all extension-host console output,
// KEEP_TMP=1 keeps the temp dirs, MLOPS_DEMO=dir opens a copy of another workspace)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { ROOT, demoDir, copyWorkspace, removeWorkspaceCopy, startCodeServer, launchBrowser } = require('./harness');

// MLOPS_OUT_DIR: where tsc emitted (default out/), e.g. a private out dir while others build out/.
const OUT_DIR = path.resolve(ROOT, process.env.MLOPS_OUT_DIR || 'out');
const SUITE_INDEX = path.join(OUT_DIR, 'test/vscode/suite/index.js');
const TIMEOUT_MS = Number(process.env.MLOPS_EXT_TEST_TIMEOUT_MS || 300000);

function build() {
  // dist/extension.js is what package.json's "main" loads; out/ holds the compiled suites.
  execFileSync(process.execPath, ['esbuild.mjs', '--dev'], { cwd: ROOT, stdio: 'inherit' });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.', '--outDir', OUT_DIR], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    console.log('(tsc reported type errors; the emitted JavaScript is used anyway)');
  }
}

/** Mocha's spec output, from an extension-host console message forwarded to the page as ('%c INFO', css, ...args). */
function extensionHostLine(values) {
  if (typeof values[0] !== 'string' || !/^%c\s+(INFO|LOG|ERR|WARN)/.test(values[0])) return undefined;
  const rest = values.slice(2);
  if (typeof rest[0] === 'string' && rest[0].startsWith('%s%s')) rest[0] = rest[0].slice(2);
  return util.format(...rest);
}

async function main() {
  const t0 = Date.now();
  if (!process.argv.includes('--no-build')) build();
  if (!fs.existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: compile with \`npx tsc -p .\``);
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');

  const workspace = copyWorkspace(demoDir(), 'demo');
  const cs = await startCodeServer({ workspace });
  const browser = await launchBrowser();
  let code = 'not started';
  let summarySeen = false;
  try {
    const { context, page } = browser;
    const exited = new Promise((resolve) => context.exposeBinding('codeAutomationExit', (_source, c) => resolve(c)));
    page.on('console', async (msg) => {
      let values;
      try { values = await Promise.all(msg.args().map((a) => a.jsonValue())); } catch { return; }
      const line = extensionHostLine(values);
      if (line === undefined) { if (process.env.VERBOSE) console.log(`[page] ${msg.text()}`); return; }
      if (/^mocha: \d+ passed, \d+ failed/.test(line)) summarySeen = true;
      // Mocha's spec reporter lines (indented titles, ✔, numbered failures with their stacks, totals) and our summary.
      if (process.env.VERBOSE || /^\s*(✔|✓|\d+\)|\d+ (passing|failing|pending)|mocha:)|^\s{2,}\S|^\s*$/.test(line)) console.log(line);
    });
    page.on('pageerror', (e) => { if (process.env.VERBOSE) console.log(`[pageerror] ${e.message}`); });
    const remote = (p) => `vscode-remote://${cs.authority}${p}`;
    const payload = [['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(SUITE_INDEX)]];
    await page.goto(cs.workbenchUrl(workspace, { payload: JSON.stringify(payload) }));
    code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(`timeout after ${TIMEOUT_MS} ms`), TIMEOUT_MS))]);
  } finally {
    await browser.close();
    await cs.stop();
    removeWorkspaceCopy(workspace);
  }
  // A suite that crashed before mocha ran still needs a parsable count for the summary.
  if (!summarySeen) console.log(`mocha: 0 passed, 1 failed (the suite did not run: exit ${code})`);
  console.log(`extension-host tests: exit code ${code}, code-server start ${cs.startMs} ms, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code === 0 ? 0 : 1;
}

main().then((c) => process.exit(c), (e) => {
  console.error(e);
  console.log('mocha: 0 passed, 1 failed (the extension-host runner failed)');
  process.exit(1);
});
