// Runs a real VS Code for tests: code-server (tools/code-server) on 127.0.0.1 with throwaway dirs, driven by
// Debian's chromium through playwright-core. @vscode/test-electron can't be used here: it downloads VS Code.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CODE_SERVER = process.env.CODE_SERVER || path.join(ROOT, 'tools/code-server/node_modules/.bin/code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Quiet workbench: no welcome page, tips, trust prompt, update checks or AI panels that would cover the views.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'files.watcherExclude': { '**/node_modules/**': true, '**/.venv/**': true },
};

function assertCodeServerInstalled() {
  if (!fs.existsSync(CODE_SERVER)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER}: run \`node scripts/ensureCodeServer.mjs\` first.`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM=/path).`);
}

/** The first port from `preferred` up that nothing listens on (127.0.0.1); 0 = any free port. */
async function findFreePort(preferred = 0, tries = 50) {
  for (let i = 0; i < tries; i++) {
    const port = preferred === 0 ? 0 : preferred + i;
    const got = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
    });
    if (got) return got;
  }
  throw new Error(`no free port in ${preferred}..${preferred + tries - 1}`);
}

/** The demo workspace the tests open (MLOPS_DEMO overrides it, e.g. to try another project's mlruns/). */
function demoDir() {
  return path.resolve(process.env.MLOPS_DEMO || path.join(ROOT, 'demo'));
}

/** Copies a folder (e.g. demo/) into a new temp dir so tests can change files without touching the repo. */
function copyWorkspace(src, name = path.basename(src)) {
  if (!fs.existsSync(src)) throw new Error(`workspace ${src} does not exist`);
  const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ws-')), name);
  // A venv or node_modules inside the demo would only slow the copy and the file watcher.
  const skip = new Set(['.venv', 'node_modules', '.git']);
  fs.cpSync(src, dest, { recursive: true, filter: (f) => !skip.has(path.basename(f)) });
  return dest;
}

function removeWorkspaceCopy(dir) {
  if (!process.env.KEEP_TMP) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

/** A fresh user-data dir, extensions dir and HOME, so nothing of the real user's VS Code is read or written. */
function makeProfile() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cs-'));
  const home = path.join(tmp, 'home');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  for (const d of [home, path.join(userData, 'User'), extensions, path.join(tmp, 'tmp')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(SETTINGS, null, 1));
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: path.join(tmp, 'tmp'),
  };
  delete env.VSCODE_IPC_HOOK_CLI; // inside a VS Code terminal this would send --install-extension to that window
  return { tmp, env, dirArgs: ['--user-data-dir', userData, '--extensions-dir', extensions] };
}

/** Installs a .vsix into the profile's extensions dir; returns the CLI's output. */
function installVsix(profile, vsix) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first.`);
  return execFileSync(CODE_SERVER, [...profile.dirArgs, '--install-extension', vsix, '--force'],
    { env: profile.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
}

function listExtensions(profile) {
  return execFileSync(CODE_SERVER, [...profile.dirArgs, '--list-extensions', '--show-versions'],
    { env: profile.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 }).trim().split('\n').filter(Boolean);
}

function waitForHealth(port, proc, getLog, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const retry = () => {
      if (proc.exitCode !== null || proc.signalCode !== null) reject(new Error(`code-server exited (${proc.exitCode ?? proc.signalCode}):\n${getLog()}`));
      else if (Date.now() > deadline) reject(new Error(`code-server did not answer /healthz in ${timeoutMs} ms:\n${getLog()}`));
      else setTimeout(tick, 100);
    };
    const tick = () => http.get(`http://127.0.0.1:${port}/healthz`, (r) => { r.resume(); if (r.statusCode === 200) resolve(); else retry(); })
      .on('error', retry);
    tick();
  });
}

/**
 * Starts code-server on 127.0.0.1 with a throwaway profile.
 * options: workspace (folder to open), port (0 = any free), vsix (installed first), extraArgs, env, onLog(chunk).
 */
async function startCodeServer({ workspace, port = 0, vsix, extraArgs = [], env = {}, onLog } = {}) {
  assertCodeServerInstalled();
  const profile = makeProfile();
  Object.assign(profile.env, env);
  // One .vsix, or several (a benchmark installs a second, tiny extension beside ours).
  const installOutput = [vsix].flat().filter(Boolean).map((v) => installVsix(profile, v)).join('');
  const freePort = await findFreePort(port);
  const t0 = Date.now();
  const args = [...profile.dirArgs, '--bind-addr', `127.0.0.1:${freePort}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...extraArgs];
  if (workspace) args.push(workspace);
  const proc = spawn(CODE_SERVER, args, { env: profile.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
  let log = '';
  const collect = (d) => { log += d; if (onLog) onLog(String(d)); };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  try {
    await waitForHealth(freePort, proc, () => log, 60000);
  } catch (e) {
    proc.kill('SIGTERM');
    if (!process.env.KEEP_TMP) fs.rmSync(profile.tmp, { recursive: true, force: true });
    throw e;
  }
  const authority = `127.0.0.1:${freePort}`;
  return {
    port: freePort,
    authority,
    url: `http://${authority}/`,
    /** Workbench URL opening `folder` (and optional extra query parameters). */
    workbenchUrl(folder = workspace, query = {}) {
      // Slashes stay readable in the printed URL; everything else is encoded.
      const q = Object.entries({ ...(folder ? { folder } : {}), ...query })
        .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2F/g, '/')}`).join('&');
      return `http://${authority}/${q ? `?${q}` : ''}`;
    },
    startMs: Date.now() - t0,
    profile,
    installOutput,
    log: () => log,
    /** Settles with the exit code (or signal) when code-server ends. */
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!process.env.KEEP_TMP) {
        // code-server's helper processes (an extension host after a window reload) may still write into user-data
        // for a moment after it exits: retry while they do, and once more after they are surely gone.
        const remove = () => fs.rmSync(profile.tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
        remove();
        await new Promise((r) => setTimeout(r, 1000));
        remove();
      }
    },
  };
}

/** Headless Debian chromium with a fresh profile (Playwright refuses --user-data-dir in args, hence the persistent context). */
async function launchBrowser({ width = 1400, height = 900 } = {}) {
  const { chromium } = require('playwright-core');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

module.exports = {
  ROOT, CODE_SERVER, SETTINGS, demoDir, findFreePort, copyWorkspace, removeWorkspaceCopy, startCodeServer, launchBrowser, installVsix, listExtensions,
};
