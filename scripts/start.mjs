// `npm start`: builds and packages the extension, then opens demo/ in a local VS Code (code-server) in your browser
// with the .vsix installed in a throwaway profile. Port 8080, or MLOPS_PORT, or the next free one. Ctrl+C stops it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startCodeServer } = require('../test/vscode/harness.js');

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const workspace = path.join(root, 'demo');
const vsix = path.join(root, 'dist/mlops-workbench.vsix');

run('npm', ['run', '--silent', 'package']); // builds (node esbuild.mjs) and writes the .vsix
run(process.execPath, ['scripts/ensureCodeServer.mjs']);
if (!existsSync(workspace)) console.warn(`warning: ${workspace} does not exist; VS Code opens without the demo.`);

const port = Number(process.env.MLOPS_PORT || 8080);
const cs = await startCodeServer({ workspace: existsSync(workspace) ? workspace : undefined, port, vsix });
const url = cs.workbenchUrl(existsSync(workspace) ? workspace : undefined);
const bar = '='.repeat(Math.max(60, url.length + 4));
console.log(`\n${bar}\n  MLOps Workbench is running in VS Code ${cs.port === port ? '' : `(port ${port} was taken) `}at:\n\n  ${url}\n\n  Open it in a browser; the "MLOps" icon is in the activity bar. Ctrl+C stops it.\n${bar}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping code-server ...');
  await cs.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
cs.exited.then((code) => {
  if (stopping || code === 'SIGINT') return stop(); // Ctrl+C reaches code-server too
  console.error(`code-server exited (${code}):\n${cs.log().slice(-2000)}`);
  process.exit(1);
});
