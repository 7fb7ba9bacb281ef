// Optional: runs the same extension-host suites in a desktop VS Code through @vscode/test-electron, for people whose
// machine can download VS Code (it is not a dependency; CI uses runExtensionHostTests.js with code-server instead).
//   npm install --no-save @vscode/test-electron && npx tsc -p . && npm run build:dev && node test/vscode/runTestElectron.js
// VSCODE_VERSION picks the VS Code version (default 1.100.3, the minimum engine); VSCODE_EXECUTABLE uses an installed one.
'use strict';
const path = require('node:path');
const { ROOT, demoDir, copyWorkspace, removeWorkspaceCopy } = require('./harness');

async function main() {
  let testElectron;
  try {
    testElectron = require('@vscode/test-electron');
  } catch {
    console.error('@vscode/test-electron is not installed (it is optional): npm install --no-save @vscode/test-electron');
    return 1;
  }
  const workspace = copyWorkspace(demoDir(), 'demo');
  try {
    await testElectron.runTests({
      version: process.env.VSCODE_VERSION || '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/vscode/suite/index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
    return 0;
  } catch (e) {
    console.error(`extension-host tests failed: ${e instanceof Error ? e.message : e}`);
    return 1;
  } finally {
    removeWorkspaceCopy(workspace);
  }
}

main().then((code) => process.exit(code));
