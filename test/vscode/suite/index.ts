// Mocha entry point for the extension host: the `run()` contract of @vscode/test-electron's extensionTestsPath,
// so the same suites run in code-server (test/vscode/runExtensionHostTests.js) and in a desktop VS Code
// (test/vscode/runTestElectron.js). Loads every *.test.js compiled beside this file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000, reporter: 'spec' });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        // One parsable line for scripts/test.mjs; the extension host forwards console.log to the runner.
        console.log(`mocha: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
        else resolve();
      });
    } catch (e) {
      console.log('mocha: 0 passed, 1 failed (loading the suites threw)');
      reject(e);
    }
  });
}
