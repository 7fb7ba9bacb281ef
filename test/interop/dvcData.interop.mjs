// Interop test: the Data view's core against real DVC and git, on a repository real DVC makes.
//
//   npx tsc -p . && node test/interop/dvcData.interop.mjs     (needs .venv with dvc; MLOPS_OUT_DIR=dir if tsc emitted elsewhere)
//
// 1. test/fixtures/dvc-data/generate.sh makes the repository (two versions of a folder and a CSV, an import, a pipeline).
// 2. Status: for a matrix of changes (a file edited, added or .dvcignored in a tracked folder, data deleted, a cache
//    object or a folder manifest deleted, pipeline outputs edited or deleted), our `data --json` must say what
//    `dvc status --json` says in its "changed outs" (modified / deleted / not in cache), and nothing else.
// 3. History and diff: each commit of dvc.lock that `dvc diff` says changed an output is a version of it for us, and
//    no other; a folder's files added / deleted / modified between two versions are those `dvc diff --json` lists.
// 4. Checkout: our plan, run with real DVC, restores the older version (the workspace then matches it and
//    `dvc status` is clean), and the plan back to HEAD restores the newer one.
// Closes with `interop: N passed, M failed` and exits 1 on any failure. Env DVC overrides the dvc executable.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interopChecks, repoRoot as root } from './lib/interopKit.mjs';

const outDir = path.resolve(process.env.MLOPS_OUT_DIR ?? path.join(root, 'out'));
const dvcBin = process.env.DVC ?? path.join(root, '.venv/bin/dvc');
const keepTemp = process.argv.includes('--keep');

const { check, finish: report } = interopChecks();

const load = async (rel) => import(pathToFileURL(path.join(outDir, rel)).href);
const missingBuild = !fs.existsSync(path.join(outDir, 'src/core/dvc/data/listTrackedData.js'));
if (missingBuild || !fs.existsSync(dvcBin)) {
  check('prerequisites', [missingBuild ? `no compiled sources in ${outDir} (run npx tsc -p .)` : '', fs.existsSync(dvcBin) ? '' : `no dvc at ${dvcBin}`].filter(Boolean));
  report();
}
const { main } = await load('src/cli/main.js');
const { listTrackedData } = await load('src/core/dvc/data/listTrackedData.js');
const { dataHistory } = await load('src/core/dvc/data/dataHistory.js');
const { diffVersions } = await load('src/core/dvc/data/dataDiff.js');
const { planCheckout, runCheckout } = await load('src/core/dvc/data/checkout.js');
const { computeDataStatus } = await load('src/core/dvc/data/dataStatus.js');
const { versionLabel } = await load('src/core/dvc/data/dataFormat.js');
const { DvcHasher } = await load('src/core/dvc/hash/dvcHasher.js');

const env = { ...process.env, DVC_NO_ANALYTICS: '1', GIT_AUTHOR_NAME: 'Interop', GIT_AUTHOR_EMAIL: 'i@example.com', GIT_COMMITTER_NAME: 'Interop', GIT_COMMITTER_EMAIL: 'i@example.com' };
const dvc = (cwd, ...args) => execFileSync(dvcBin, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-data-interop-'));
const base = path.join(temp, 'base');
const gen = spawnSync('bash', [path.join(root, 'test/fixtures/dvc-data/generate.sh'), base], { env: { ...env, DVC: dvcBin }, encoding: 'utf8' });
check('generate.sh makes the fixture repository with real DVC and git', gen.status === 0 ? [] : [`exit ${gen.status}: ${gen.stderr}`]);
if (gen.status !== 0) finish();

let copies = 0;
/** A fresh copy of the generated repository (cp -a keeps the read-only cache files and the .git folder). */
function freshCopy() {
  const dir = path.join(temp, `copy${++copies}`);
  execFileSync('cp', ['-a', base, dir]);
  return dir;
}

async function ourDataJson(cwd) {
  let stdout = '';
  let stderr = '';
  const code = await main(['data', '--json'], { stdout: { write: (s) => (stdout += s) }, stderr: { write: (s) => (stderr += s) }, env: {}, cwd });
  if (code !== 0) throw new Error(`data --json exited ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

/** `dvc status --json` reduced to its "changed outs": path -> state. */
function dvcChangedOuts(cwd) {
  const status = JSON.parse(dvc(cwd, 'status', '--json'));
  const out = {};
  for (const entries of Object.values(status)) {
    for (const e of entries) {
      if (typeof e === 'object' && e['changed outs']) Object.assign(out, e['changed outs']);
    }
  }
  return out;
}

const OUR_TO_DVC = { modified: 'modified', missing: 'deleted', 'not-in-cache': 'not in cache', new: 'new' };
function ourChangedOuts(items) {
  const out = {};
  for (const i of items) if (i.status !== 'up-to-date') out[i.path] = OUR_TO_DVC[i.status] ?? i.status;
  return out;
}

function compareMaps(ours, theirs) {
  const problems = [];
  for (const k of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    if (ours[k] !== theirs[k]) problems.push(`${k}: ours=${ours[k] ?? '(unchanged)'} dvc=${theirs[k] ?? '(unchanged)'}`);
  }
  return problems;
}

function cacheFile(repo, md5) {
  return path.join(repo, '.dvc/cache/files/md5', md5.slice(0, 2), md5.slice(2));
}
function removeCached(repo, md5) {
  const f = cacheFile(repo, md5);
  fs.chmodSync(path.dirname(f), 0o755);
  fs.rmSync(f);
}

// 2. Status --------------------------------------------------------------------------------------------------------
{
  const repo = freshCopy();
  const ours = await ourDataJson(repo);
  const problems = compareMaps(ourChangedOuts(ours), dvcChangedOuts(repo));
  if (ours.length !== 5) problems.push(`expected 5 tracked paths, got ${ours.map((i) => i.path).join(', ')}`);
  check('a repository just made by DVC is up to date for both', problems);
}

const recorded = Object.fromEntries((await ourDataJson(base)).map((i) => [i.path, i]));
const changes = [
  ['a file edited in a tracked folder', (r) => fs.writeFileSync(path.join(r, 'data/images/a.txt'), 'edited\n')],
  ['a file added to a tracked folder', (r) => fs.writeFileSync(path.join(r, 'data/images/new.txt'), 'new\n')],
  ['a file of a tracked folder removed', (r) => fs.rmSync(path.join(r, 'data/images/sub/c.txt'))],
  ['a file of a tracked folder .dvcignored', (r) => fs.appendFileSync(path.join(r, '.dvcignore'), 'data/images/d.txt\n')],
  ['a tracked file deleted', (r) => fs.rmSync(path.join(r, 'data/table.csv'))],
  ['an imported file edited', (r) => fs.writeFileSync(path.join(r, 'data/imported.txt'), 'local edit\n')],
  ['a tracked folder deleted', (r) => fs.rmSync(path.join(r, 'data/images'), { recursive: true })],
  ['a cached file removed from the cache', (r) => removeCached(r, recorded['data/table.csv'].hash)],
  ['a folder manifest removed from the cache', (r) => removeCached(r, recorded['data/images'].hash)],
  ['a file of a folder removed from the cache', (r) => removeCached(r, '1b385affd7adb5a6283fef292b5df0f7')],
  ['a pipeline output edited', (r) => fs.appendFileSync(path.join(r, 'out/features.csv'), '9,9\n')],
  ['a pipeline output deleted', (r) => fs.rmSync(path.join(r, 'out/summary.txt'))],
  ['a pipeline output missing from the cache', (r) => removeCached(r, recorded['out/features.csv'].hash)],
  ['several changes at once', (r) => {
    fs.writeFileSync(path.join(r, 'data/images/a.txt'), 'x\n');
    fs.rmSync(path.join(r, 'out/summary.txt'));
    removeCached(r, recorded['data/table.csv'].hash);
  }],
];
for (const [name, apply] of changes) {
  const repo = freshCopy();
  apply(repo);
  let problems;
  try {
    const ours = ourChangedOuts(await ourDataJson(repo));
    const theirs = dvcChangedOuts(repo);
    problems = compareMaps(ours, theirs);
    if (Object.keys(theirs).length === 0) problems.push('dvc saw no change: the scenario is broken');
  } catch (e) {
    problems = [String(e.stack ?? e)];
  }
  check(`status after ${name} equals dvc status`, problems);
}

// 3. History and diff ----------------------------------------------------------------------------------------------
const hasher = new DvcHasher();
try {
  const repo = freshCopy();
  const listing = await listTrackedData([repo]);
  const item = (rel) => listing.items.find((i) => i.relPath === rel);
  const cacheDir = listing.repos[0].cacheDir;

  // Every commit of dvc.lock: dvc diff against its parent says whether each pipeline output changed there.
  const lockCommits = git(repo, 'log', '--format=%H', '--', 'dvc.lock').trim().split('\n').reverse();
  for (const rel of ['out/features.csv', 'out/summary.txt']) {
    const ours = new Set((await dataHistory(item(rel))).versions.map((v) => v.commit));
    const theirs = new Set();
    for (const [i, c] of lockCommits.entries()) {
      const before = i === 0 ? `${c}~1` : lockCommits[i - 1];
      const d = JSON.parse(dvc(repo, 'diff', '--json', before, c) || '{}');
      const touched = [...(d.added ?? []), ...(d.modified ?? [])].some((e) => e.path === rel);
      if (touched) theirs.add(c);
    }
    const problems = [];
    for (const c of lockCommits) if (ours.has(c) !== theirs.has(c)) problems.push(`${c.slice(0, 7)}: ours=${ours.has(c)} dvc diff=${theirs.has(c)}`);
    check(`the versions of ${rel} are the dvc.lock commits where dvc diff sees it change`, problems);
  }

  const h = await dataHistory(item('data/images'));
  const [v2, v1] = h.versions;
  const side = (v) => ({ label: versionLabel(v), commit: v.commit, recorded: v.recorded });
  const diff = await diffVersions(item('data/images'), side(v1), side(v2), { cacheDir });
  const d = JSON.parse(dvc(repo, 'diff', '--json', v1.commit, v2.commit));
  const inImages = (list) => (list ?? []).map((e) => e.path).filter((p) => p.startsWith('data/images/') && !p.endsWith('/')).map((p) => p.slice('data/images/'.length)).sort();
  const problems = [];
  const same = (what, ours, theirs) => { if (JSON.stringify(ours) !== JSON.stringify(theirs)) problems.push(`${what}: ours=${JSON.stringify(ours)} dvc=${JSON.stringify(theirs)}`); };
  same('added', diff.dir?.added.map((f) => f.relpath), inImages(d.added));
  same('deleted', diff.dir?.removed.map((f) => f.relpath), inImages(d.deleted));
  same('modified', diff.dir?.modified.map((f) => f.relpath), inImages(d.modified));
  check('files added, removed and modified between two folder versions equal dvc diff --json', problems);

  // 4. Checkout ----------------------------------------------------------------------------------------------------
  const dvcExe = { command: dvcBin, version: dvc(repo, '--version').trim() };
  const statusOf = async (rel) => {
    const l = await listTrackedData([repo]);
    const it = l.items.find((i) => i.relPath === rel);
    return { item: it, status: (await computeDataStatus(l, hasher)).get(it.id) };
  };
  const filesOf = (dir) => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/')).sort();

  for (const [rel, index, expect] of [
    ['data/images', 1, () => filesOf(path.join(repo, 'data/images')).join(',') === 'a.txt,b.txt,sub/c.txt' && fs.readFileSync(path.join(repo, 'data/images/b.txt'), 'utf8') === 'dog\n'],
    ['out/features.csv', 1, () => fs.readFileSync(path.join(repo, 'out/features.csv')).equals(fs.readFileSync(cacheFile(repo, 'b247d21b405b12300ae9fa64f56637e3')))],
  ]) {
    const errors = [];
    try {
      const { item: it, status } = await statusOf(rel);
      const history = (await dataHistory(it)).versions;
      const plan = await planCheckout(it, history[index], { status, dvc: dvcExe, cacheDir, history });
      await runCheckout(plan);
      if (!expect()) errors.push(`after checkout the workspace is not the older version of ${rel}`);
      const after = await statusOf(rel);
      if (after.status?.status !== 'up-to-date') errors.push(`our status after checkout: ${after.status?.status} (${after.status?.reason})`);
      const changed = dvcChangedOuts(repo);
      if (changed[rel]) errors.push(`dvc status after checkout: ${rel} ${changed[rel]}`);

      // And back to the newest version (the record now differs from HEAD, but only by a committed version).
      const again = await statusOf(rel);
      const h2 = await dataHistory(again.item);
      if (h2.current !== index) errors.push(`history.current after checkout is ${h2.current}, expected ${index}`);
      const back = await planCheckout(again.item, h2.versions[0], { status: again.status, dvc: dvcExe, cacheDir, history: h2.versions });
      await runCheckout(back);
      const finalState = await statusOf(rel);
      if (finalState.status?.status !== 'up-to-date' || finalState.item.recorded?.md5 !== recorded[rel].hash) errors.push(`after going back: ${finalState.status?.status}, ${finalState.item.recorded?.md5}`);
      const porcelain = git(repo, 'status', '--porcelain').trim();
      if (rel === 'data/images' && porcelain) errors.push(`git status after going back: ${porcelain}`);
    } catch (e) {
      errors.push(String(e.stack ?? e));
    }
    check(`checkout of an older ${rel} with real DVC, and back`, errors);
  }
} finally {
  await hasher.close();
}

finish();

function finish() {
  if (keepTemp) console.log(`(kept ${temp})`);
  else fs.rmSync(temp, { recursive: true, force: true });
  report();
}
