// Interop test: our built-in pipeline runner against real DVC (dvc 3.x from the project's venv).
//
//   node test/interop/dvcRun.interop.mjs [--keep]
//   (needs .venv with dvc, git, and the TypeScript build in out/ — `npx tsc -p .`; MLOPS_BUILD=dir overrides)
//
// For each fixture repository (the demo without its outputs; a Git repository with foreach and matrix stages, a
// folder output, params keys, a whole params file, an executable dependency and output, a metrics file with
// cache: false and a persist output; the latter with DVC 2's legacy md5-dos2unix lock entries) two copies are made:
//   1. ours: our built-in runner runs the pipeline; then `dvc status --json` must print `{}`;
//   2. twin: `dvc repro`; our dvc.lock must be byte-identical to DVC's, and our cache (objects, .dir manifests,
//      run-cache entries: paths, modes, bytes), outputs and .gitignore files equal to DVC's;
//   3. a param and a dependency change in both; ours runs again, DVC runs through our DVC runner
//      (runPipeline with runner 'dvc'); same checks, and the DVC runner's events must name the stages DVC ran.
// Ends with `interop: N passed, M failed`; exits 1 on any failure.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compiledModule, interopChecks, repoRoot as root, run, writeFiles } from './lib/interopKit.mjs';

const build = path.resolve(process.env.MLOPS_BUILD ?? path.join(root, 'out'));
const venv = process.env.DVC_VENV ?? path.join(root, '.venv');
const dvc = path.join(venv, 'bin', 'dvc');
const keep = process.argv.includes('--keep');

const { check, finish } = interopChecks({ maxProblems: 12 });

const compiled = (rel) => compiledModule(build, rel, 'npx tsc -p . or MLOPS_BUILD=dir');

const { runBuiltin } = compiled('src/core/dvc/run/builtinRunner.js');
const { runPipeline } = compiled('src/core/dvc/run/runPipeline.js');
const { DvcHasher } = compiled('src/core/dvc/hash/dvcHasher.js');

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-run-interop-')));
// Both runners use the same shell; DVC keeps its state database in the temp folder.
const env = {
  ...process.env,
  SHELL: '/bin/sh',
  DVC_NO_ANALYTICS: '1',
  DVC_SITE_CACHE_DIR: path.join(tmp, 'site-cache'),
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};
const hasher = new DvcHasher();

const sh = (cmd, args, cwd) => run(cmd, args, { cwd, env });

const write = writeFiles;

function copyTree(from, to, skip = () => false) {
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true, filter: (src) => !skip(path.relative(from, src).split(path.sep).join('/')) });
}

/** Every file under `dir` (relative path -> mode and sha256), skipping what `skip` names. */
function snapshot(dir, skip = () => false) {
  const out = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      const rel = path.relative(dir, abs).split(path.sep).join('/');
      if (skip(rel)) continue;
      if (e.isDirectory()) {
        out.set(rel + '/', (fs.statSync(abs).mode & 0o7777).toString(8));
        walk(abs);
      } else {
        out.set(rel, `${(fs.statSync(abs).mode & 0o7777).toString(8)} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16)}`);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function diffSnapshots(label, ours, theirs) {
  const issues = [];
  for (const [k, v] of theirs) if (ours.get(k) !== v) issues.push(`${label} ${k}: DVC ${v}, ours ${ours.get(k) ?? 'missing'}`);
  for (const [k, v] of ours) if (!theirs.has(k)) issues.push(`${label} ${k}: ours ${v}, DVC has none`);
  return issues;
}

/** Paths that are DVC's own bookkeeping or the test's scratch, not results. */
const notResults = (rel) => rel === '.dvc/tmp' || rel.startsWith('.dvc/tmp/') || rel === '.git' || rel.startsWith('.git/') || rel.endsWith('__pycache__');

async function ourRun(dir, label) {
  const output = [];
  const t0 = performance.now();
  const result = await runBuiltin({ repoRoot: dir, env, hasher, onOutput: (t) => output.push(t) });
  const ms = performance.now() - t0;
  const issues = result.ok ? [] : [`our run failed: ${result.message}`, ...output.join('').split('\n').slice(-8)];
  if (result.ok) {
    const status = sh(dvc, ['status', '--json'], dir).trim();
    if (status !== '{}') issues.push(`dvc status --json after our run: ${status}`);
  }
  check(`${label}: built-in runner (${ms.toFixed(0)} ms), then dvc status says up to date`, issues);
  return result;
}

function compareWithDvc(label, ours, twin) {
  const issues = [];
  const lockOurs = fs.readFileSync(path.join(ours, 'dvc.lock'), 'utf8');
  const lockDvc = fs.readFileSync(path.join(twin, 'dvc.lock'), 'utf8');
  if (lockOurs !== lockDvc) {
    const a = lockOurs.split('\n');
    const b = lockDvc.split('\n');
    const at = a.findIndex((line, i) => line !== b[i]);
    issues.push(`dvc.lock differs at line ${at + 1}: DVC ${JSON.stringify(b[at])}, ours ${JSON.stringify(a[at])}`);
  }
  check(`${label}: dvc.lock byte-identical to DVC's`, issues);
  check(`${label}: cache (objects, .dir manifests, run cache; modes and bytes) equal to DVC's`, diffSnapshots('.dvc/cache/', snapshot(path.join(ours, '.dvc/cache')), snapshot(path.join(twin, '.dvc/cache'))));
  const workspace = (rel) => notResults(rel) || rel === '.dvc/cache' || rel.startsWith('.dvc/cache/');
  check(`${label}: workspace (outputs, .gitignore files, modes) equal to DVC's`, diffSnapshots('', snapshot(ours, workspace), snapshot(twin, workspace)));
}

async function dvcViaOurRunner(dir, label, expectRan) {
  const events = [];
  const output = [];
  const result = await runPipeline({ repoRoot: dir, runner: 'dvc', dvcPath: dvc, env, targets: [], onEvent: (e) => events.push(e), onOutput: (t) => output.push(t) });
  const issues = [];
  if (!result.ok || result.runner !== 'dvc') issues.push(`dvc runner: ok=${result.ok} runner=${result.runner} ${result.message ?? ''}`, ...output.join('').split('\n').slice(-6));
  const ran = events.filter((e) => e.kind === 'stage-finished').map((e) => e.address);
  if (JSON.stringify(ran) !== JSON.stringify(expectRan)) issues.push(`stages DVC ran (from its output): ${JSON.stringify(ran)}, expected ${JSON.stringify(expectRan)}`);
  check(`${label}: dvc repro through our DVC runner, its stages reported`, issues);
}

function baseOf(label) {
  return path.join(tmp, label.replace(/\W+/g, '-'));
}

/** A fixture: `make(dir)` builds it; `change(dir)` edits a param and a dependency. */
async function fixture(label, make, change, expectRanAfterChange) {
  const base = baseOf(label);
  make(base);
  const ours = base + '-ours';
  const twin = base + '-dvc';
  copyTree(base, ours);
  copyTree(base, twin);
  const first = await ourRun(ours, label);
  sh(dvc, ['repro', '--all-pipelines'], twin);
  if (first.ok) compareWithDvc(label, ours, twin);
  change(ours);
  change(twin);
  const second = await ourRun(ours, `${label}, after a change`);
  await dvcViaOurRunner(twin, `${label}, after a change`, expectRanAfterChange);
  if (second.ok) compareWithDvc(`${label}, after a change`, ours, twin);
  return { ours, twin };
}

// ---------------------------------------------------------------------------------------------------------------

const demoOutputs = new Set(['mlruns', '.dvc/cache', '.dvc/tmp', 'data/raw/iris.csv', 'data/prepared', 'models/model.json', 'metrics/train.json', 'metrics/test.json', 'plots/train.csv', 'plots/test.csv']);

function makeDemo(dir) {
  copyTree(path.join(root, 'demo'), dir, (rel) => demoOutputs.has(rel) || rel.includes('__pycache__'));
}

function changeDemo(dir) {
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace('shrink: 0.1', 'shrink: 0.25'));
  fs.appendFileSync(path.join(dir, 'pipeline/evaluate.py'), '\n# changed\n');
}

const FEATURES_PIPELINE = `stages:
  prepare:
    cmd: mkdir -p data/prepared && cp data/raw/*.csv data/prepared/ && printf '%s\\n' \${prepare.split} > data/prepared/split.txt
    deps:
      - data/raw
    params:
      - prepare.split
    outs:
      - data/prepared
  features:
    foreach:
      - a
      - b
    do:
      cmd: cat data/prepared/split.txt > feat_\${item}.txt && printf \${item} >> feat_\${item}.txt
      deps:
        - data/prepared
      outs:
        - feat_\${item}.txt
  fit:
    matrix:
      lr: [0.1, 0.2]
      depth: [2, 3]
    cmd: ./tools/fit.sh \${item.lr} \${item.depth} > model_\${item.lr}_\${item.depth}.bin
    deps:
      - tools/fit.sh
      - feat_a.txt
      - feat_b.txt
    outs:
      - model_\${item.lr}_\${item.depth}.bin
  evaluate:
    cmd:
      - printf '{"acc":%s}\\n' \${evaluate.acc} > metrics.json
      - echo run >> history.log
      - printf '#!/bin/sh\\necho score\\n' > score.sh && chmod +x score.sh
    deps:
      - model_0.1_2.bin
    params:
      - evaluate
      - config.json:
    outs:
      - history.log:
          persist: true
      - score.sh
    metrics:
      - metrics.json:
          cache: false
`;

function makeFeatures(dir) {
  fs.mkdirSync(dir, { recursive: true });
  sh('git', ['init', '-q'], dir);
  sh(dvc, ['init', '-q'], dir);
  write(dir, {
    'dvc.yaml': FEATURES_PIPELINE,
    'params.yaml': 'prepare:\n  split: 0.2\nevaluate:\n  acc: 0.5\n  name: base\n',
    'config.json': '{"threshold": 0.5, "labels": ["a", "b"]}\n',
    'data/raw/one.csv': 'x,y\n1,2\n',
    'data/raw/two.csv': 'x,y\n3,4\n',
    'tools/fit.sh': '#!/bin/sh\nprintf "lr=%s depth=%s " "$1" "$2"; cat feat_a.txt feat_b.txt\n',
  });
  fs.chmodSync(path.join(dir, 'tools/fit.sh'), 0o755);
  sh('git', ['add', '-A'], dir);
  sh('git', ['commit', '-qm', 'fixture'], dir);
}

function changeFeatures(dir) {
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace('split: 0.2', 'split: 0.3'));
  fs.writeFileSync(path.join(dir, 'data/raw/three.csv'), 'x,y\n5,6\n');
}

const featuresLabel = 'foreach, matrix, folder, params, persist, exec, git';
const featuresBase = baseOf(featuresLabel);

/**
 * The features repository as DVC 2 would have left it: dvc.lock entries without `hash: md5` (md5-dos2unix, equal
 * to md5 for these LF files) and the objects in the legacy cache layout (`.dvc/cache/ab/cdef...`).
 */
function makeLegacy(dir) {
  copyTree(featuresBase, dir);
  sh(dvc, ['repro', '-q'], dir);
  const lock = path.join(dir, 'dvc.lock');
  fs.writeFileSync(lock, fs.readFileSync(lock, 'utf8').replace(/^ +hash: md5\n/gm, ''));
  const md5Dir = path.join(dir, '.dvc/cache/files/md5');
  for (const prefix of fs.readdirSync(md5Dir)) {
    fs.mkdirSync(path.join(dir, '.dvc/cache', prefix), { recursive: true });
    for (const name of fs.readdirSync(path.join(md5Dir, prefix))) fs.renameSync(path.join(md5Dir, prefix, name), path.join(dir, '.dvc/cache', prefix, name));
  }
  fs.rmSync(path.join(dir, '.dvc/cache/files'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, '.dvc/cache/runs'), { recursive: true, force: true });
}

function changeLegacy(dir) {
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace('acc: 0.5', 'acc: 0.75'));
}

async function main() {
  const t0 = performance.now();
  await fixture('demo pipeline', makeDemo, changeDemo, ['train', 'evaluate@train', 'evaluate@test']);
  await fixture(featuresLabel, makeFeatures, changeFeatures, [
    'prepare', 'features@a', 'features@b', 'fit@0.1-2', 'fit@0.1-3', 'fit@0.2-2', 'fit@0.2-3', 'evaluate',
  ]);
  await fixture('legacy md5-dos2unix lock', makeLegacy, changeLegacy, ['evaluate']);
  console.log(`# ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  await main();
} catch (e) {
  check('interop run', [e.stack ?? String(e)]);
} finally {
  await hasher.close();
  if (keep) console.log(`# kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
finish();
