// Installs code-server (tools/code-server, VS Code 1.100.3) for the extension-host and UI tests and `npm start`,
// unless it is there already. Offline except the npm registry: @vscode/ripgrep would download rg from GitHub,
// so its cache is seeded from Debian's ripgrep first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = path.join(root, 'tools/code-server');
const bin = path.join(toolDir, 'node_modules/.bin/code-server');
const APT_HINT = 'apt-get install -y ripgrep libkrb5-dev chromium';

// @vscode/ripgrep 1.15.11 (a code-server dependency) looks for this tarball in $TMPDIR before going to GitHub.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function seedRipgrepCache() {
  const rg = which('rg');
  if (!rg) {
    console.error(`ensureCodeServer: ripgrep (rg) is missing; code-server's install would try to download it from GitHub.\n  ${APT_HINT}`);
    process.exit(1);
  }
  const cache = path.join(process.env.TMPDIR || os.tmpdir(), RIPGREP_CACHE);
  const tarball = path.join(cache, RIPGREP_TARBALL);
  if (existsSync(tarball)) return;
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', tarball, '-C', path.dirname(rg), path.basename(rg)]);
}

if (existsSync(bin)) {
  console.log('ensureCodeServer: code-server is installed');
} else {
  seedRipgrepCache();
  if (!which('c++') && !which('g++')) console.warn(`ensureCodeServer: no C++ compiler found; native modules may fail to build (apt-get install -y build-essential)`);
  const t0 = Date.now();
  console.log('ensureCodeServer: npm ci --prefix tools/code-server (about 1-2 min) ...');
  // tools/code-server/.npmrc sets unsafe-perm and yes: code-server's postinstall needs them when run as root.
  const r = spawnSync('npm', ['ci', '--prefix', toolDir, '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: toolDir });
  if (r.status !== 0 || !existsSync(bin)) {
    console.error(`ensureCodeServer: installing code-server failed (exit ${r.status}). Native modules need: ${APT_HINT}`);
    process.exit(1);
  }
  console.log(`ensureCodeServer: installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
