// What the UI scripts (test/vscode/ui/*.ui.js, runUiTests.js) share: named steps counted as `ok` / `FAIL` lines with
// a screenshot on failure, screenshots, polling the page until a probe holds, the command palette, and the closing
// "ui: N passed, M failed" line.
'use strict';
const path = require('node:path');

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Throws `message` when `cond` is false (a step's check; the step reports the message). */
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * One UI script's run: counts its steps and drives the page given to `usePage`. Screenshots go to `shotsDir`, named
 * `<name>.png` or, with `numberShots`, `NN-<name>.png` in the order taken. `waitTimeoutMs` is waitUntil's default.
 */
function uiRun(shotsDir, { numberShots = false, waitTimeoutMs = 20000 } = {}) {
  let page;
  let shotNo = 0;
  const run = {
    passed: 0,
    failed: 0,
    usePage(p) {
      page = p;
    },
    shot(name) {
      const file = numberShots ? `${String(++shotNo).padStart(2, '0')}-${name}.png` : `${name}.png`;
      return page.screenshot({ path: path.join(shotsDir, file) });
    },
    /** Runs one named check; a value it returns is printed after `ok` (a little evidence of what was seen). */
    async step(name, fn) {
      const s = Date.now();
      try {
        const detail = await fn();
        run.passed++;
        console.log(`ok   ${name} (${Date.now() - s} ms)${detail ? ` ${JSON.stringify(detail).slice(0, 300)}` : ''}`);
        return true;
      } catch (e) {
        run.failed++;
        console.log(`FAIL ${name}: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
        if (process.env.VERBOSE) console.log(e);
        await page.screenshot({ path: path.join(shotsDir, `FAIL-${name.replace(/\W+/g, '_')}.png`) }).catch(() => {});
        return false;
      }
    },
    /** Polls `probe` until it returns true; any other value it returns is shown in the error when time runs out. */
    async waitUntil(what, probe, timeoutMs = waitTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last;
      while (Date.now() < deadline) {
        last = await probe();
        if (last === true) return;
        await page.waitForTimeout(200);
      }
      throw new Error(`${what} (last seen: ${JSON.stringify(last)})`);
    },
    /**
     * Runs the palette command titled exactly `title` (clicked, not the first fuzzy match); retries while it is not
     * listed yet, as commands register a little after the workbench shows.
     */
    async runCommand(title) {
      const input = page.locator('.quick-input-widget input');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
      for (let attempt = 0; ; attempt++) {
        await page.keyboard.press('F1');
        await input.waitFor();
        await input.fill(`>${title}`);
        try {
          await row.waitFor({ timeout: 3000 });
          break;
        } catch {
          await page.keyboard.press('Escape');
          if (attempt >= 5) throw new Error(`"${title}" is not in the command palette`);
        }
      }
      await row.click();
    },
    /** Prints the closing line; returns the exit code. */
    finish() {
      console.log(`ui: ${run.passed} passed, ${run.failed} failed`);
      return run.failed === 0 ? 0 : 1;
    },
    /** For an error outside any step: counts it as one more failure and exits. */
    crash(e) {
      console.error(e);
      console.log(`ui: ${run.passed} passed, ${run.failed + 1} failed`);
      process.exit(1);
    },
  };
  return run;
}

module.exports = { assert, escapeRe, uiRun };
