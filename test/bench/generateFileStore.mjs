// Generates an MLflow file store (`mlruns/`) of a chosen size in MLflow's exact on-disk layout, for the benchmarks.
// Stores are cached under the OS temp dir, keyed by size, so a rerun of the benchmarks does not regenerate them.
//
//   node test/bench/generateFileStore.mjs --runs 10000 --metrics 10 --steps 100 --params 20 --tags 5 [--experiments 1] [--out DIR]
//
// Prints the absolute path of the `mlruns` folder. Layout written (as MLflow's FileStore writes it):
//   mlruns/<exp>/meta.yaml, mlruns/<exp>/<run_uuid>/meta.yaml, .../params/<key>, .../tags/<key>,
//   .../metrics/<key> (lines "timestamp value step"), .../artifacts/
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the layout or content changes, so cached stores are regenerated. */
const GENERATOR_VERSION = 3;
const BASE_TIME = 1_760_000_000_000;
const STATUS_RUNNING = 1;
const STATUS_FINISHED = 3;
const STATUS_FAILED = 4;

/** @typedef {{ runs: number, metrics: number, steps: number, params: number, tags: number, experiments?: number }} FileStoreSize */

/** Deterministic PRNG (mulberry32): the same size always yields the same store. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32 lowercase hex digits, like MLflow's uuid4().hex run ids. */
function runUuid(expIndex, runIndex) {
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  const r = prng(expIndex * 1_000_003 + runIndex + 1);
  return Array.from({ length: 5 }, () => hex(Math.floor(r() * 0x10000), 4)).join('') + hex(expIndex, 4) + hex(runIndex, 8);
}

export function paramKey(i) {
  // One nested key: MLflow stores `model/depth` as params/model/depth.
  return i === 0 ? 'model/depth' : `param_${String(i).padStart(2, '0')}`;
}

export function metricKey(i) {
  return i === 0 ? 'loss' : i === 1 ? 'accuracy' : `metric_${String(i).padStart(2, '0')}`;
}

function tagEntries(count, runName) {
  const system = [
    ['mlflow.runName', runName],
    ['mlflow.user', 'bench'],
    ['mlflow.source.name', 'train.py'],
    ['mlflow.source.type', 'LOCAL'],
  ];
  const tags = system.slice(0, count);
  for (let i = tags.length; i < count; i++) tags.push([`team_tag_${i}`, `value ${i}`]);
  return tags;
}

function yamlString(s) {
  return s === '' ? "''" : s;
}

function experimentMeta(root, id, name) {
  return [
    `artifact_location: ${pathToFileURL(path.join(root, id)).href}`,
    `creation_time: ${BASE_TIME}`,
    `experiment_id: '${id}'`,
    `last_update_time: ${BASE_TIME}`,
    'lifecycle_stage: active',
    `name: ${name}`,
    '',
  ].join('\n');
}

function runMeta(root, expId, id, name, status, startTime, endTime) {
  return [
    `artifact_uri: ${pathToFileURL(path.join(root, expId, id, 'artifacts')).href}`,
    `end_time: ${endTime === null ? 'null' : endTime}`,
    `entry_point_name: ''`,
    `experiment_id: '${expId}'`,
    'lifecycle_stage: active',
    `run_id: ${id}`,
    `run_name: ${yamlString(name)}`,
    `run_uuid: ${id}`,
    `source_name: ''`,
    'source_type: 4',
    `source_version: ''`,
    `start_time: ${startTime}`,
    `status: ${status}`,
    'tags: []',
    'user_id: bench',
    '',
  ].join('\n');
}

/** Writes a whole store into `root` (which must not exist or be empty). */
export function generateFileStore(root, size) {
  const { runs, metrics, steps, params, tags } = size;
  const experiments = Math.max(1, size.experiments ?? 1);
  mkdirSync(path.join(root, '0'), { recursive: true });
  writeFileSync(path.join(root, '0', 'meta.yaml'), experimentMeta(root, '0', 'Default'));
  const rand = prng(42);
  for (let e = 0; e < experiments; e++) {
    const expId = String(e + 1);
    const expDir = path.join(root, expId);
    mkdirSync(expDir, { recursive: true });
    writeFileSync(path.join(expDir, 'meta.yaml'), experimentMeta(root, expId, `bench-${expId}`));
    const runsHere = Math.floor(runs / experiments) + (e < runs % experiments ? 1 : 0);
    for (let r = 0; r < runsHere; r++) {
      const id = runUuid(e, r);
      const runDir = path.join(expDir, id);
      const name = `bench-run-${expId}-${String(r).padStart(5, '0')}`;
      // Most runs finished; every 50th still running (no end time), every 37th failed.
      const status = r % 50 === 7 ? STATUS_RUNNING : r % 37 === 3 ? STATUS_FAILED : STATUS_FINISHED;
      const startTime = BASE_TIME + (e * runsHere + r) * 60_000;
      const endTime = status === STATUS_RUNNING ? null : startTime + steps * 1000 + 500;
      mkdirSync(path.join(runDir, 'artifacts'), { recursive: true });
      mkdirSync(path.join(runDir, 'metrics'));
      mkdirSync(path.join(runDir, 'params', 'model'), { recursive: true });
      mkdirSync(path.join(runDir, 'tags'));
      writeFileSync(path.join(runDir, 'meta.yaml'), runMeta(root, expId, id, name, status, startTime, endTime));
      for (let p = 0; p < params; p++) {
        const value = p === 0 ? String(2 + (r % 10)) : (Math.round(rand() * 1e6) / 1e6).toString();
        writeFileSync(path.join(runDir, 'params', paramKey(p)), value);
      }
      for (const [k, v] of tagEntries(tags, name)) writeFileSync(path.join(runDir, 'tags', k), v);
      for (let m = 0; m < metrics; m++) {
        const base = 0.2 + rand() * 0.8;
        let text = '';
        for (let s = 0; s < steps; s++) {
          const value = Math.round((base / (1 + s * 0.05) + rand() * 0.01) * 1e9) / 1e9;
          text += `${startTime + s * 1000 + m} ${value} ${s}\n`;
        }
        writeFileSync(path.join(runDir, 'metrics', metricKey(m)), text);
      }
    }
  }
}

export function cacheDirFor(size) {
  const e = Math.max(1, size.experiments ?? 1);
  const key = `r${size.runs}-m${size.metrics}-s${size.steps}-p${size.params}-t${size.tags}-e${e}-v${GENERATOR_VERSION}`;
  return path.join(os.tmpdir(), 'mlops-bench', `filestore-${key}`);
}

/** Returns the `mlruns` path of a cached store of this size, generating it on first use. */
export function ensureFileStore(size) {
  const dir = cacheDirFor(size);
  const root = path.join(dir, 'mlruns');
  const marker = path.join(dir, 'complete');
  if (existsSync(marker)) return { root, generatedSeconds: null };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  generateFileStore(root, size);
  writeFileSync(marker, new Date().toISOString());
  return { root, generatedSeconds: (performance.now() - t0) / 1000 };
}

function parseArgs(argv) {
  const out = { runs: 1000, metrics: 10, steps: 100, params: 20, tags: 5, experiments: 1, out: null };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in out)) throw new Error(`Unknown option ${argv[i]}: expected --runs --metrics --steps --params --tags --experiments --out`);
    out[name] = name === 'out' ? path.resolve(argv[i + 1]) : Number(argv[i + 1]);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  if (args.out) {
    const t0 = performance.now();
    generateFileStore(args.out, args);
    console.error(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(args.out);
  } else {
    const { root, generatedSeconds } = ensureFileStore(args);
    console.error(generatedSeconds === null ? 'cached' : `generated in ${generatedSeconds.toFixed(1)} s`);
    console.log(root);
  }
}
