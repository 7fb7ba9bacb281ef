// The Data view's costs: (1) counting rows and columns of a large CSV (the diff of two CSV versions reads both),
// streamed, against Python's csv module (C-accelerated) on the same file; (2) the history of a .dvc file with
// 200 commits (git log + one `git cat-file --batch` for every version's record) against the naive way, one
// `git show <commit>:<file>` per commit.
//
// The CSV (~200 MB x BENCH_SCALE, at least 20 MB; one row in ten quoted with a comma and a line break) and the
// history repository are generated once and cached in $TMPDIR/mlops-bench.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJson } from '../lib/childProcess.mjs';

const COMMITS = 200;

async function ensureCsv(megabytes) {
  const file = path.join(os.tmpdir(), 'mlops-bench', `dvc-data-${megabytes}mb.csv`);
  if (existsSync(file) && statSync(file).size >= megabytes * 2 ** 20) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write('id,name,comment,value,label\n');
  let bytes = 0;
  for (let i = 0; bytes < megabytes * 2 ** 20; i++) {
    const line = i % 10 === 0
      ? `${i},name${i},"said ""hi"", then\nleft",${(i * 0.37).toFixed(3)},${i % 3}\n`
      : `${i},name${i},plain comment number ${i},${(i * 0.37).toFixed(3)},${i % 3}\n`;
    bytes += line.length;
    await write(line);
  }
  await new Promise((r) => out.end(r));
  renameSync(temp, file);
  return file;
}

function ensureHistoryRepo() {
  const root = path.join(os.tmpdir(), 'mlops-bench', `dvc-data-history-${COMMITS}`);
  if (existsSync(path.join(root, '.done'))) return root;
  execFileSync('rm', ['-rf', root]);
  mkdirSync(path.join(root, '.dvc'), { recursive: true });
  mkdirSync(path.join(root, 'data'), { recursive: true });
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' };
  const git = (...args) => execFileSync('git', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  for (let i = 0; i < COMMITS; i++) {
    const md5 = (i.toString(16).padStart(8, '0') + 'abcdef0123456789abcdef01').slice(0, 32);
    writeFileSync(path.join(root, 'data', 'images.dvc'), `outs:\n- md5: ${md5}.dir\n  size: ${1000 + i}\n  nfiles: ${10 + i}\n  hash: md5\n  path: images\n`);
    git('add', 'data/images.dvc');
    git('commit', '-q', '-m', `version ${i}`);
  }
  writeFileSync(path.join(root, '.done'), '');
  return root;
}

const CSV_CASE = `
import { pathToFileURL } from 'node:url';
const [build, file] = process.argv.slice(1);
const { csvStatsOfFile } = await import(pathToFileURL(build + '/src/core/dvc/data/csvStats.js').href);
const t0 = performance.now();
const stats = await csvStatsOfFile(file, ',');
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows: stats.rows, columns: stats.columns.length, mbPerSecond: stats.bytes / 2 ** 20 / seconds, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

const CSV_BASELINE = `
import csv, json, os, sys, time
p = sys.argv[1]
t = time.perf_counter()
with open(p, newline='', encoding='utf-8') as f:
    n = sum(1 for _ in csv.reader(f)) - 1
s = time.perf_counter() - t
print(json.dumps({"rows": n, "mbPerSecond": os.path.getsize(p) / 2**20 / s}))
`;

const HISTORY_CASE = `
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
const [build, root] = process.argv.slice(1);
const { dataHistory } = await import(pathToFileURL(build + '/src/core/dvc/data/dataHistory.js').href);
const item = { id: 'x', repoRoot: root, path: root + '/data/images', relPath: 'data/images', cache: true, frozen: false,
  source: { kind: 'dvc-file', file: root + '/data/images.dvc', outPath: 'images' } };
const time = async (fn) => { const t0 = performance.now(); const r = await fn(); return [performance.now() - t0, r]; };
await dataHistory(item, { maxVersions: 1000 }); // warm the OS cache and git's pack index
const [ours, h] = await time(() => dataHistory(item, { maxVersions: 1000 }));
const [naive, n] = await time(async () => {
  const commits = execFileSync('git', ['log', '--follow', '--format=%H', '--', 'data/images.dvc'], { cwd: root, encoding: 'utf8' }).trim().split('\\n');
  return commits.map((c) => execFileSync('git', ['show', c + ':data/images.dvc'], { cwd: root, encoding: 'utf8' })).length;
});
console.log(JSON.stringify({ versions: h.versions.length, naiveVersions: n, oursMs: ours, naiveMs: naive }));
`;

export async function run({ row, log, attempt, scale, repo, build, notMeasured }) {
  if (!existsSync(path.join(build, 'src/core/dvc/data/csvStats.js'))) {
    row('Data: CSV rows and columns, streamed', { ours: notMeasured('src/core/dvc/data not compiled'), unit: 'MB/s', goal: '≥ 150 MB/s', ok: false });
    return;
  }
  const megabytes = Math.max(20, Math.round(200 * scale));
  log(`dvcData: generating or reusing a ${megabytes} MB CSV`);
  const file = await ensureCsv(megabytes);
  const ours = await attempt('csv ours', () => runJson('node', ['--input-type=module', '-e', CSV_CASE, build, file], { cwd: repo, timeoutMs: 10 * 60_000 }));
  const baseline = await attempt('csv python', () => runJson('python3', ['-c', CSV_BASELINE, file], { timeoutMs: 10 * 60_000 }));
  const sameRows = ours.rows !== undefined && ours.rows === baseline.rows;
  row(`Data: rows and columns of a ${megabytes} MB CSV (1 row in 10 quoted with a line break), streamed`, {
    ours: ours.mbPerSecond !== undefined ? Math.round(ours.mbPerSecond) : notMeasured(ours.error),
    baseline: baseline.mbPerSecond !== undefined ? Math.round(baseline.mbPerSecond) : notMeasured(baseline.error),
    unit: 'MB/s',
    lowerIsBetter: false,
    goal: '≥ 150 MB/s, faster than Python csv, same row count, memory flat',
    ok: ours.mbPerSecond >= 150 && (!(baseline.mbPerSecond > 0) || ours.mbPerSecond > baseline.mbPerSecond) && (baseline.rows === undefined || sameRows),
    note: `baseline: Python csv.reader on the same file; rows ours ${ours.rows ?? '?'} / Python ${baseline.rows ?? '?'}; our RSS ${ours.rssMb ? Math.round(ours.rssMb) : '?'} MB; load ${os.loadavg()[0].toFixed(1)}`,
  });

  log(`dvcData: history of a .dvc file with ${COMMITS} commits`);
  const root = await attempt('history repo', async () => ensureHistoryRepo());
  const h = typeof root === 'string' ? await attempt('history', () => runJson('node', ['--input-type=module', '-e', HISTORY_CASE, build, root], { cwd: repo, timeoutMs: 10 * 60_000 })) : root;
  row(`Data: history of a .dvc file with ${COMMITS} commits (hash, size and files of each version)`, {
    ours: h.oursMs !== undefined ? Math.round(h.oursMs) : notMeasured(h.error),
    baseline: h.naiveMs !== undefined ? Math.round(h.naiveMs) : notMeasured(h.error),
    unit: 'ms',
    goal: '≤ 500 ms, faster than one git show per commit',
    ok: h.oursMs <= 500 && h.oursMs < h.naiveMs && h.versions === COMMITS,
    note: `baseline: git log + git show <commit>:<file> per commit; versions ours ${h.versions ?? '?'} / naive ${h.naiveVersions ?? '?'}`,
  });
}
