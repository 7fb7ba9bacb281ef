// activate() of the bundled extension (dist/extension.js) in plain Node, with a fake `vscode` module injected into
// Node's resolver. Times loading the bundle and the activate() call; then, as information, waits for the first read
// of the workspace's stores and reports the process's memory.
//   node --expose-gc activate.mjs --bundle dist/extension.js --workspace /abs/dir --storage /abs/tmpdir
import { mkdirSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { options, printResult, residentBytes } from '../lib/measure.mjs';

const opts = options();
const require = createRequire(import.meta.url);
const { createFakeVscode, Uri } = require('../lib/fakeVscode.cjs');
const { vscode, channels } = createFakeVscode([opts.workspace]);

const FAKE_ID = '\0fake-vscode';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
};
require.cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: vscode };

mkdirSync(opts.storage, { recursive: true });
const memento = () => {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => void m.set(k, v), keys: () => [...m.keys()] };
};
const context = {
  subscriptions: [],
  extensionUri: Uri.file(path.resolve(path.dirname(opts.bundle), '..')),
  extensionPath: path.resolve(path.dirname(opts.bundle), '..'),
  storageUri: Uri.file(opts.storage),
  globalStorageUri: Uri.file(opts.storage),
  logUri: Uri.file(opts.storage),
  workspaceState: memento(),
  globalState: { ...memento(), setKeysForSync() {} },
  extensionMode: 1,
  asAbsolutePath: (p) => path.resolve(path.dirname(opts.bundle), '..', p),
};

globalThis.gc?.();
const before = residentBytes();
let t0 = performance.now();
const extension = require(path.resolve(opts.bundle));
const loadMs = performance.now() - t0;
t0 = performance.now();
const api = await Promise.resolve(extension.activate(context));
const activateMs = performance.now() - t0;

let ready = { done: false };
if (api?.whenReady) {
  t0 = performance.now();
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), Number(opts.readyTimeoutMs ?? 120_000)).unref());
  const outcome = await Promise.race([api.whenReady().then(() => 'ready'), timeout]);
  ready = { done: outcome === 'ready', seconds: (performance.now() - t0) / 1000 };
  if (ready.done) {
    globalThis.gc?.();
    globalThis.gc?.();
    const after = residentBytes();
    ready.runs = api.catalog?.allRuns?.().length;
    ready.rssDeltaMb = (after.rss - before.rss) / 2 ** 20;
    ready.peakRssDeltaMb = (after.peak - before.rss) / 2 ** 20;
  }
}
const errors = channels.flatMap((c) => c.lines).filter((l) => l.startsWith('error'));
for (const d of context.subscriptions) d?.dispose?.();
extension.deactivate?.();
printResult({ loadMs, activateMs, ready, logErrors: errors.slice(0, 3) });
process.exit(0);
