// Interop test: our CLI against real MLflow, on fresh stores that real MLflow writes.
//
//   node test/interop/mlflowStores.interop.mjs      (needs .venv with mlflow, and dist/cli.js from `node esbuild.mjs`)
//
// 1. test/fixtures/mlflow/generate.py --out TMP logs the fixture runs into a file store and a SQLite store.
// 2. For each store, test/interop/dumpRuns.py asks MLflow (search_experiments / search_runs with ViewType.ALL /
//    get_metric_history) and our CLI answers `experiments --all --json`, `runs --all --json`, `metrics RUN KEY --json`.
// 3. Every run, experiment and history is compared field by field; a mismatch prints what differs.
// Closes with `interop: N passed, M failed` and exits 1 on any failure. Env MLFLOW_PYTHON overrides the interpreter.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interopChecks, repoRoot as root, run } from './lib/interopKit.mjs';

const python = process.env.MLFLOW_PYTHON ?? path.join(root, '.venv/bin/python');
const cli = path.join(root, 'dist/cli.js');
const keepTemp = process.argv.includes('--keep');

const { check, finish } = interopChecks();

/** What our CLI printed on stderr while it exited 0 (warnings about a store MLflow itself wrote are findings too). */
const cliWarnings = new Set();

/** Runs our CLI; returns parsed JSON, or throws with the CLI's stderr. */
function ourCli(args) {
  const res = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const stderr = (res.stderr ?? '').trim();
  if (res.status !== 0) throw new Error(`node dist/cli.js ${args.join(' ')} exited ${res.status}: ${stderr || res.error?.message}`);
  for (const line of stderr.split('\n')) if (line.trim()) cliWarnings.add(line.trim());
  try {
    return JSON.parse(res.stdout);
  } catch (e) {
    throw new Error(`node dist/cli.js ${args.join(' ')} printed no valid JSON (${e.message}): ${res.stdout.slice(0, 200)}`);
  }
}

/** NaN and the infinities as our JSON and dumpRuns.py both write them (strings); anything else as is. */
function canonicalNumber(v) {
  if (typeof v !== 'number') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

const show = (v) => (v === undefined ? '(missing)' : JSON.stringify(v));

/** Differences between two string maps (params, tags), one line per key. */
function diffMap(label, ours, theirs) {
  const out = [];
  if (ours === null || typeof ours !== 'object') return [`${label}: ours=${show(ours)} is not an object`];
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    if (!(key in ours)) out.push(`${label}[${JSON.stringify(key)}]: missing in ours, mlflow=${show(theirs[key])}`);
    else if (!(key in theirs)) out.push(`${label}[${JSON.stringify(key)}]: extra in ours=${show(ours[key])}, mlflow has none`);
    else if (ours[key] !== theirs[key]) out.push(`${label}[${JSON.stringify(key)}]: ours=${show(ours[key])} mlflow=${show(theirs[key])}`);
  }
  return out;
}

/** Latest metrics: MLflow's are {value, step, timestamp}; ours may be a bare value or the same object. */
function diffMetrics(ours, theirs) {
  const out = [];
  if (ours === null || typeof ours !== 'object') return [`metrics: ours=${show(ours)} is not an object`];
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    const label = `metrics[${JSON.stringify(key)}]`;
    if (!(key in ours)) { out.push(`${label}: missing in ours, mlflow=${show(theirs[key])}`); continue; }
    if (!(key in theirs)) { out.push(`${label}: extra in ours=${show(ours[key])}`); continue; }
    const mine = ours[key];
    const want = theirs[key];
    if (mine !== null && typeof mine === 'object') {
      for (const f of ['value', 'step', 'timestamp']) {
        if (f in mine && canonicalNumber(mine[f]) !== canonicalNumber(want[f])) {
          out.push(`${label}.${f}: ours=${show(mine[f])} mlflow=${show(want[f])} (mlflow latest: ${show(want)})`);
        }
      }
    } else if (canonicalNumber(mine) !== canonicalNumber(want.value)) {
      out.push(`${label}: ours=${show(mine)} mlflow=${show(want.value)} (mlflow latest: step ${want.step}, timestamp ${want.timestamp})`);
    }
  }
  return out;
}

function diffScalars(ours, theirs, fields) {
  const out = [];
  for (const f of fields) {
    if (!(f in ours)) out.push(`${f}: missing in ours, mlflow=${show(theirs[f])}`);
    else if (canonicalNumber(ours[f]) !== canonicalNumber(theirs[f])) out.push(`${f}: ours=${show(ours[f])} mlflow=${show(theirs[f])}`);
  }
  return out;
}

const RUN_FIELDS = ['runName', 'experimentId', 'experimentName', 'status', 'startTime', 'endTime', 'lifecycleStage', 'parentRunId'];
// Compared only when our JSON has them (the run JSON may leave them out).
const OPTIONAL_RUN_FIELDS = ['artifactUri', 'userId'];
const EXPERIMENT_FIELDS = ['name', 'lifecycleStage', 'artifactLocation', 'creationTime', 'lastUpdateTime'];

function diffRun(ours, theirs) {
  return [
    ...diffScalars(ours, theirs, [...RUN_FIELDS, ...OPTIONAL_RUN_FIELDS.filter((f) => f in ours)]),
    ...diffMap('params', ours.params, theirs.params),
    ...diffMap('tags', ours.tags, theirs.tags),
    ...diffMetrics(ours.metrics, theirs.metrics),
  ];
}

function diffIdSets(what, ours, theirs) {
  const mine = new Set(ours);
  const want = new Set(theirs);
  const out = [];
  for (const id of want) if (!mine.has(id)) out.push(`${what} ${id}: in mlflow, missing in ours`);
  for (const id of mine) if (!want.has(id)) out.push(`${what} ${id}: in ours, not in mlflow`);
  if (ours.length !== mine.size) out.push(`ours lists some ${what} ids more than once (${ours.length} entries, ${mine.size} ids)`);
  return out;
}

function diffHistory(ours, theirs) {
  if (!Array.isArray(ours)) return [`ours is not an array: ${show(ours)}`];
  const key = (p) => `${p.step}|${p.timestamp}|${canonicalNumber(p.value)}`;
  const a = ours.map(key);
  const b = theirs.map(key);
  if (a.join('\n') === b.join('\n')) return [];
  const sortedEqual = [...a].sort().join('\n') === [...b].sort().join('\n');
  if (sortedEqual) return [`same points, different order: ours=${a.join(' ')} mlflow=${b.join(' ')} (step|timestamp|value)`];
  const out = [`ours has ${a.length} points, mlflow ${b.length} (step|timestamp|value)`];
  const missing = b.filter((p) => !a.includes(p));
  const extra = a.filter((p) => !b.includes(p));
  if (missing.length) out.push(`missing in ours: ${missing.slice(0, 10).join(' ')}${missing.length > 10 ? ' …' : ''}`);
  if (extra.length) out.push(`extra in ours: ${extra.slice(0, 10).join(' ')}${extra.length > 10 ? ' …' : ''}`);
  return out;
}

/** A few (run, key) pairs whose histories are compared: every key of the edge-case runs, one key elsewhere. */
function pickHistories(runs) {
  const picked = [];
  for (const r of runs) {
    const keys = Object.keys(r.metrics).sort();
    if (keys.length === 0) continue;
    const all = r.runName === 'edge-metrics' || r.status === 'FAILED' || /[^\x20-\x7e]/.test(r.runName);
    for (const k of all ? keys : keys.slice(0, 1)) picked.push([r, k]);
  }
  return picked;
}

function compareStore(label, uri, mlflow) {
  cliWarnings.clear();
  compareStoreData(label, uri, mlflow);
  check(`${label}: CLI prints no warnings for a store MLflow wrote`, [...cliWarnings]);
}

function compareStoreData(label, uri, mlflow) {
  let ourExperiments;
  let ourRuns;
  try {
    ourExperiments = ourCli(['experiments', '--tracking-uri', uri, '--all', '--json']);
  } catch (e) {
    check(`${label}: experiments --all --json`, [e.message]);
  }
  if (ourExperiments) {
    const byId = new Map(ourExperiments.map((e) => [e.experimentId, e]));
    check(`${label}: experiment ids`, diffIdSets('experiment', [...byId.keys()], mlflow.experiments.map((e) => e.experimentId)));
    for (const want of mlflow.experiments) {
      const mine = byId.get(want.experimentId);
      if (!mine) continue;
      const problems = [...diffScalars(mine, want, EXPERIMENT_FIELDS), ...diffMap('tags', mine.tags, want.tags)];
      if (mine.store?.kind !== mlflow.store.kind) problems.push(`store.kind: ours=${show(mine.store?.kind)} want ${mlflow.store.kind}`);
      check(`${label}: experiment ${want.experimentId} (${want.name})`, problems);
    }
  }

  try {
    ourRuns = ourCli(['runs', '--tracking-uri', uri, '--all', '--json']);
  } catch (e) {
    check(`${label}: runs --all --json`, [e.message]);
    return;
  }
  const byId = new Map(ourRuns.map((r) => [r.runId, r]));
  check(`${label}: run ids (search_runs, ViewType.ALL)`, diffIdSets('run', ourRuns.map((r) => r.runId), mlflow.runs.map((r) => r.runId)));
  for (const want of mlflow.runs) {
    const mine = byId.get(want.runId);
    if (!mine) continue;
    const problems = diffRun(mine, want);
    if (mine.store?.kind !== mlflow.store.kind) problems.push(`store.kind: ours=${show(mine.store?.kind)} want ${mlflow.store.kind}`);
    check(`${label}: run ${want.runId.slice(0, 8)} (${want.runName})`, problems);
  }

  for (const [want, key] of pickHistories(mlflow.runs)) {
    const name = `${label}: metrics ${want.runId.slice(0, 8)} ${JSON.stringify(key)} (${want.runName})`;
    const theirs = mlflow.metricHistories[want.runId]?.[key];
    if (!theirs) { check(name, ['dumpRuns.py returned no history']); continue; }
    try {
      check(name, diffHistory(ourCli(['metrics', want.runId, key, '--tracking-uri', uri, '--json']), theirs));
    } catch (e) {
      check(name, [e.message]);
    }
  }
}

function main() {
  if (!existsSync(python)) {
    check('python with mlflow', [`${python} not found: python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt`]);
    return;
  }
  if (!existsSync(cli)) {
    check('dist/cli.js', ['not built: run `node esbuild.mjs` first']);
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-'));
  try {
    const env = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore' };
    run(python, ['test/fixtures/mlflow/generate.py', '--out', tmp], { env });
    const stores = [
      ['file store', pathToFileURL(path.join(tmp, 'filestore/mlruns')).href],
      ['sqlite', `sqlite:///${path.join(tmp, 'sqlite/mlflow.db')}`],
    ];
    for (const [label, uri] of stores) {
      const mlflow = JSON.parse(run(python, ['test/interop/dumpRuns.py', '--tracking-uri', uri, '--all-histories'], { env }));
      console.log(`# ${label}: ${uri} (mlflow ${mlflow.mlflowVersion}: ${mlflow.experiments.length} experiments, ${mlflow.runs.length} runs)`);
      compareStore(label, uri, mlflow);
    }
  } catch (e) {
    check('interop setup', [e.stderr ? String(e.stderr).trim().split('\n').slice(-5).join('\n    ') : e.message]);
  } finally {
    if (keepTemp) console.log(`# kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main();
finish();
