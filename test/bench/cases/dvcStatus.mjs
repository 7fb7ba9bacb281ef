// One measurement of our DVC status on a generated repository, in its own process (see suites/dvcStatus.mjs).
//   node dvcStatus.mjs --build out-bench-build --repo DIR --mode cold|warm|persisted [--cache-file F] [--threads 2] [--runs 5]
// cold: empty hash cache, everything hashed (on worker threads); then `runs` more calls in the same process (warm).
// persisted: the hash cache read from --cache-file (and saved back), one call; what a new extension host or CLI pays.
import path from 'node:path';
import { compiled, median, options, printResult, residentBytes } from '../lib/measure.mjs';

const o = options();
const build = o.build;
const repo = path.resolve(o.repo);
const { DvcHasher } = compiled(build, 'src/core/dvc/hash/dvcHasher.ts');
const { HashPool } = compiled(build, 'src/core/dvc/hash/hashPool.ts');
const { MemoryHashCache } = compiled(build, 'src/core/dvc/hash/hashCache.ts');
const { JsonHashCache } = compiled(build, 'src/core/dvc/hash/jsonHashCache.ts');
const { DvcIgnore } = compiled(build, 'src/core/dvc/hash/dvcIgnore.ts');
const { computeStatus } = compiled(build, 'src/core/dvc/status/computeStatus.ts');
const { toDvcStatusJson } = compiled(build, 'src/core/dvc/status/dvcStatusJson.ts');
const { loadDvcFiles } = compiled(build, 'src/core/dvc/status/dvcFile.ts');
const { loadDvcLock } = compiled(build, 'src/core/dvc/pipeline/lockFile.ts');
const { loadPipelines } = compiled(build, 'src/core/dvc/pipeline/loadPipelines.ts');

// The hashing workers sit beside the compiled pool (out-bench-build/src/core/dvc/hash/dvcHashWorker.js).
const pool = new HashPool({ threads: Number(o.threads ?? 2) });
const openStart = performance.now();
const cache = o.mode === 'persisted' ? await JsonHashCache.open(o['cache-file']) : new MemoryHashCache();
const openMs = performance.now() - openStart;
const hasher = new DvcHasher({ cache, pool });

/** Everything `dvc status` does: find and parse dvc.yaml, dvc.lock and .dvc files, hash, decide. */
async function status() {
  const t0 = performance.now();
  const ignore = new DvcIgnore(repo);
  const loaded = await loadPipelines(repo);
  const locks = [];
  for (const file of loaded.dvcfiles) {
    const parsed = await loadDvcLock(file.replace(/\.yaml$/, '.lock'));
    if (parsed?.lock) locks.push(parsed.lock);
  }
  const skipDirs = new Set(loaded.stages.flatMap((s) => s.outs.map((out) => path.resolve(s.wdir, out.path))));
  const dvcFiles = await loadDvcFiles(repo, { ignore, skipDirs });
  const result = await computeStatus({ repoRoot: repo, stages: loaded.stages, locks, dvcFiles: dvcFiles.stages, hasher, ignore });
  const ms = performance.now() - t0;
  return { ms, json: toDvcStatusJson(result), stats: result.stats, problems: result.problems.length + loaded.problems.length };
}

// CPU time of the whole process (main thread and hashing workers): on a busy machine it says what two idle cores
// would do, where the wall clock only says what we were given.
const cpu0 = process.cpuUsage();
const first = await status();
const cpu = process.cpuUsage(cpu0);
const warm = [];
if (o.mode !== 'persisted') for (let i = 0; i < Number(o.runs ?? 5); i++) warm.push((await status()).ms);
let saveMs;
if (o.mode === 'persisted') {
  const t0 = performance.now();
  await cache.save();
  saveMs = performance.now() - t0;
}
await hasher.close();
await pool.close();
printResult({
  firstMs: first.ms,
  firstCpuMs: (cpu.user + cpu.system) / 1000,
  openMs,
  warmMs: warm.length ? median(warm) : undefined,
  warmRuns: warm,
  saveMs,
  json: first.json,
  problems: first.problems,
  files: first.stats.files,
  cached: first.stats.cached,
  hashed: first.stats.hashed,
  hashedBytes: first.stats.hashedBytes,
  peakRssMb: residentBytes().peak / 2 ** 20,
});
