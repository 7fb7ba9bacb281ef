// Interop test: our DVC hashes and status against real DVC (dvc 3.x from the project's venv).
//
//   node test/interop/dvcStatus.interop.mjs [--keep] [case-substring...]
//   (needs .venv with dvc, git, and the TypeScript build in out/ — `npx tsc -p .`; MLOPS_BUILD=dir overrides)
//
// 1. Builds fixture repositories with real DVC in a temp folder: git init, dvc init, `dvc repro -P` on a pipeline with
//    file and folder deps, params (keys and whole files), cached and uncached outputs, metrics, a list command, persist,
//    frozen, always_changed, foreach and matrix stages, a sub-folder dvc.yaml, `dvc add`ed files and folders; and a
//    repository whose dvc.lock has DVC 2's legacy md5-dos2unix entries.
// 2. For each case of a matrix of changes, a fresh copy of the repository gets the change; then our computeStatus
//    (on the stages as DVC loads them, see dvcStages.py) must print exactly what `dvc status --json` prints.
//    Where our own dvc.yaml parser exists (loadPipelines), the case is also run on our parse of dvc.yaml.
// 3. Folder hashes: for folders `dvc add` stored, our md5, size, nfiles and manifest bytes must equal DVC's .dir file.
// Ends with `interop: N passed, M failed`; exits 1 on any failure.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { compiledModule, interopChecks, repoRoot as root, run, writeFiles } from './lib/interopKit.mjs';

const build = path.resolve(process.env.MLOPS_BUILD ?? path.join(root, 'out'));
const venv = process.env.DVC_VENV ?? path.join(root, '.venv');
const python = path.join(venv, 'bin', 'python');
const dvc = path.join(venv, 'bin', 'dvc');
const keep = process.argv.includes('--keep');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const require = createRequire(import.meta.url);

const { check, finish } = interopChecks();

const compiled = (rel) => compiledModule(build, rel, 'npx tsc -p . or MLOPS_BUILD=dir');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-status-interop-'));
// DVC keeps its state database under the site cache dir; keep it inside the temp folder.
const env = { ...process.env, DVC_NO_ANALYTICS: '1', DVC_SITE_CACHE_DIR: path.join(tmp, 'site-cache'), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

const sh = (cmd, args, cwd) => run(cmd, args, { cwd, env });

const write = writeFiles;

function initRepo(dir) {
  fs.mkdirSync(dir, { recursive: true });
  sh('git', ['init', '-q'], dir);
  sh(dvc, ['init', '-q'], dir);
}

/** Our modules, from the TypeScript build. */
const { DvcHasher } = compiled('src/core/dvc/hash/dvcHasher.js');
const { DvcIgnore } = compiled('src/core/dvc/hash/dvcIgnore.js');
const { computeStatus } = compiled('src/core/dvc/status/computeStatus.js');
const { toDvcStatusJson } = compiled('src/core/dvc/status/dvcStatusJson.js');
const { loadDvcFiles } = compiled('src/core/dvc/status/dvcFile.js');
const { loadDvcLock } = compiled('src/core/dvc/pipeline/lockFile.js');
const parser = fs.existsSync(path.join(build, 'src/core/dvc/pipeline/loadPipelines.js')) ? require(path.join(build, 'src/core/dvc/pipeline/loadPipelines.js')) : undefined;
const hasher = new DvcHasher();

/** What real DVC says: `dvc status --json` (run in cwd) and its stages, in its order. */
function askDvc(repo, cwd = repo) {
  return JSON.parse(sh(python, [path.join(root, 'test/interop/dvcStages.py'), repo, cwd], repo));
}

/** PipelineStage objects from DVC's own load of dvc.yaml (so status is tested apart from our parser). */
function stagesFromDvc(described) {
  return described
    .filter((d) => d.kind === 'pipeline')
    .map((d) => ({
      name: d.name,
      dvcfile: d.file,
      wdir: d.wdir,
      cmd: d.cmd,
      deps: d.deps.map((p) => ({ path: p })),
      params: d.params,
      outs: d.outs.map((o) => ({ ...o, push: true })),
      frozen: d.frozen,
      alwaysChanged: d.always_changed,
      pos: { file: d.file, line: 1, column: 1 },
    }));
}

async function locksFor(stages) {
  const locks = [];
  const problems = [];
  for (const yamlFile of new Set(stages.map((s) => s.dvcfile))) {
    const parsed = await loadDvcLock(yamlFile.replace(/\.yaml$/, '.lock'));
    if (!parsed) continue;
    problems.push(...parsed.problems);
    if (parsed.lock) locks.push(parsed.lock);
  }
  return { locks, problems };
}

async function ourStatus(repo, stages, cwd) {
  const ignore = new DvcIgnore(repo);
  const { locks, problems } = await locksFor(stages);
  const skipDirs = new Set(stages.flatMap((s) => s.outs.map((o) => path.resolve(s.wdir, o.path))));
  const dvcFiles = await loadDvcFiles(repo, { ignore, skipDirs });
  const result = await computeStatus({ repoRoot: repo, stages, locks, dvcFiles: dvcFiles.stages, hasher, cwd, ignore });
  result.problems.push(...problems, ...dvcFiles.problems, ...ignore.problems.map((p) => ({ ...p, severity: 'warning' })));
  return result;
}

/**
 * Compares with DVC: byte for byte, with stages in DVC's order; problems we report count as differences.
 * `oursFirst`: compute ours before DVC runs, for cases where DVC's status changes the cache (it deletes cache files
 * it finds corrupted); it costs one more Python start, so only those cases pay it.
 */
async function compareStatus(name, repo, cwd, oursFirst) {
  const runOurs = async (described) => {
    const t0 = performance.now();
    const result = await ourStatus(repo, stagesFromDvc(described), cwd);
    return { result, ms: performance.now() - t0 };
  };
  let ours;
  let dvcSaid;
  try {
    if (oursFirst) ours = await runOurs(askDvcStagesOnly(repo, cwd));
    dvcSaid = askDvc(repo, cwd);
    ours ??= await runOurs(dvcSaid.stages);
  } catch (e) {
    check(name, [`${dvcSaid || ours ? 'ours' : 'real DVC'} failed: ${String(e.stack ?? e).split('\n').slice(0, 6).join(' | ')}`]);
    return;
  }
  const order = new Map(dvcSaid.stages.map((s, i) => [s.address, i]));
  ours.result.stages.sort((a, b) => (order.get(a.address) ?? 1e9) - (order.get(b.address) ?? 1e9));
  const text = toDvcStatusJson(ours.result);
  const issues = [];
  if (text !== dvcSaid.status) issues.push(`dvc status --json: ${dvcSaid.status}`, `ours:              ${text}`);
  for (const p of ours.result.problems) issues.push(`our problem: ${p.file}${p.line ? ':' + p.line : ''} ${p.message}`);
  check(`${name} (ours ${ours.ms.toFixed(0)} ms)`, issues);

  if (parser) {
    try {
      const loaded = await parser.loadPipelines(repo);
      const viaParser = await ourStatus(repo, loaded.stages, cwd);
      const same = JSON.stringify(sortKeys(JSON.parse(toDvcStatusJson(viaParser)))) === JSON.stringify(sortKeys(JSON.parse(dvcSaid.status)));
      check(`${name}, on our dvc.yaml parse`, same ? [] : [`dvc status --json: ${dvcSaid.status}`, `ours:              ${toDvcStatusJson(viaParser)}`]);
    } catch (e) {
      check(`${name}, on our dvc.yaml parse`, [`threw: ${e.stack ?? e}`]);
    }
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** DVC's view of the stages without running its status (which may change the cache). */
function askDvcStagesOnly(repo, cwd) {
  return JSON.parse(sh(python, [path.join(root, 'test/interop/dvcStages.py'), repo, cwd, '--stages-only'], repo)).stages;
}

// ---------------------------------------------------------------------------------------------------------------
// The main fixture repository.

const PIPELINE = `stages:
  prep:
    cmd: cat raw.txt > prep.txt && rm -rf prepared && cp -r data prepared
    deps:
    - raw.txt
    - data
    params:
    - lr
    - model.depth
    outs:
    - prep.txt
    - prepared
  train:
    cmd: "cat prep.txt prepared/a.csv > model.bin && echo '{}' > metrics.json"
    deps:
    - prep.txt
    - prepared
    params:
    - other.json:
    outs:
    - model.bin
    metrics:
    - metrics.json:
        cache: false
  held:
    cmd: cat raw.txt > held.txt
    deps:
    - raw.txt
    outs:
    - held.txt
  always:
    cmd: echo hi > always.txt
    outs:
    - always.txt
    always_changed: true
  listcmd:
    cmd:
    - echo one > l1.txt
    - echo two > l2.txt
    deps:
    - raw.txt
    outs:
    - l1.txt
    - l2.txt
  persisted:
    cmd: echo p >> persist.txt
    outs:
    - persist.txt:
        persist: true
  fe:
    foreach: [a, b]
    do:
      cmd: echo \${item} > fe_\${item}.txt
      params:
      - lr
      outs:
      - fe_\${item}.txt
  mx:
    matrix:
      x: [1, 2]
      y: [p, q]
    cmd: echo \${item.x}\${item.y} > mx_\${item.x}_\${item.y}.txt
    outs:
    - mx_\${item.x}_\${item.y}.txt
`;

const SUB_PIPELINE = `stages:
  s:
    cmd: cat in.txt ../raw.txt > out.txt
    deps:
    - in.txt
    - ../raw.txt
    params:
    - x
    outs:
    - out.txt
`;

function buildMainRepo(dir) {
  initRepo(dir);
  write(dir, {
    '.dvcignore': '*.tmp\nscratch/\n',
    'raw.txt': 'raw data\n',
    'data/a.csv': 'id,v\n1,2\n',
    'data/b.csv': 'id,v\n3,4\n',
    'data/sub/c.txt': 'c\r\nwith crlf\r\n',
    'data/ünï cødé.txt': 'unicode name\n',
    'data/emoji😀.txt': 'astral name\n',
    'data/zz"quote\\back.txt': 'odd name\n',
    'data/ignored.tmp': 'ignored by .dvcignore\n',
    'data/.git': 'gitdir: elsewhere\n',
    'params.yaml': 'lr: 0.1\nepochs: 3\nmodel:\n  depth: 4\n  name: resnet\nflags: [1, 2]\n',
    'other.json': '{"alpha": 1.0, "beta": "x", "10": "int-like key", "nested": {"k": [1, 2]}}\n',
    'dvc.yaml': PIPELINE,
    'sub/dvc.yaml': SUB_PIPELINE,
    'sub/in.txt': 'sub input\n',
    'sub/params.yaml': 'x: 1\n',
    'tracked.csv': 'a,b\n1,2\n',
    'images/cat.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 13, 10]),
    'images/dog/dog.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 4, 5, 6]),
    'images/readme.txt': 'images\r\n',
  });
  sh(dvc, ['repro', '-q', '-P'], dir);
  sh(dvc, ['freeze', '-q', 'held'], dir);
  sh(dvc, ['add', '-q', 'tracked.csv', 'images'], dir);
}

/** A repository whose dvc.lock holds DVC 2 style entries (no `hash:`; md5-dos2unix values), computed by dvc-data. */
function buildLegacyRepo(dir) {
  initRepo(dir);
  const big = Buffer.concat([Buffer.alloc((1 << 20) - 1, 0x61), Buffer.from('\r\nsecond chunk\r\nline\r\n')]);
  write(dir, {
    'crlf.txt': 'one\r\ntwo\r\n',
    'straddle.txt': big, // its first CRLF is split by the 1 MiB chunk boundary: not converted
    'binary.dat': Buffer.from([0, 1, 2, 13, 10, 3, 13, 10]),
    'textdir/x.txt': 'x\r\n',
    'textdir/y/z.txt': 'z\r\nz\r\n',
    'dvc.yaml': 'stages:\n  old:\n    cmd: cat crlf.txt > legacy_out.txt\n    deps:\n    - crlf.txt\n    - straddle.txt\n    - binary.dat\n    - textdir\n    outs:\n    - legacy_out.txt\n',
    'legacy_out.txt': 'one\r\ntwo\r\n',
  });
  const code = `
import json, os, shutil, stat, sys
from dvc_data.hashfile.hash import file_md5
from dvc_objects.fs import localfs
os.chdir(sys.argv[1])
def h(p): return file_md5(p, localfs, name="md5-dos2unix")
def tree(d):
    items = []
    size = 0
    for r, _, fs in os.walk(d):
        for f in fs:
            p = os.path.join(r, f)
            items.append({"md5": h(p), "relpath": os.path.relpath(p, d).replace(os.sep, "/")})
            size += os.path.getsize(p)
    items.sort(key=lambda e: e["relpath"])
    import hashlib
    return hashlib.md5(json.dumps(items, sort_keys=True).encode()).hexdigest() + ".dir", size, len(items)
deps = []
for p in ["binary.dat", "crlf.txt", "straddle.txt"]:
    deps.append({"path": p, "md5": h(p), "size": os.path.getsize(p)})
md5, size, n = tree("textdir")
deps.append({"path": "textdir", "md5": md5, "size": size, "nfiles": n})
out = {"path": "legacy_out.txt", "md5": h("legacy_out.txt"), "size": os.path.getsize("legacy_out.txt")}
obj = os.path.join(".dvc", "cache", out["md5"][:2], out["md5"][2:])
os.makedirs(os.path.dirname(obj), exist_ok=True)
shutil.copyfile("legacy_out.txt", obj)
os.chmod(obj, 0o444)
from ruamel.yaml import YAML
lock = {"schema": "2.0", "stages": {"old": {"cmd": "cat crlf.txt > legacy_out.txt", "deps": deps, "outs": [out]}}}
with open("dvc.lock", "w") as f:
    YAML().dump(lock, f)
`;
  sh(python, ['-c', code, dir], dir);
}

// ---------------------------------------------------------------------------------------------------------------

const base = path.join(tmp, 'base');
const legacyBase = path.join(tmp, 'legacy');
let caseNo = 0;

/** A fresh copy of a base repository (mtimes kept), changed by `change`, then compared. */
async function scenario(name, baseDir, change, opts = {}) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  const dir = path.join(tmp, `case-${++caseNo}`);
  sh('cp', ['-a', baseDir, dir], tmp);
  try {
    await change?.(dir);
    await compareStatus(name, dir, opts.cwd ? path.join(dir, opts.cwd) : dir, opts.oursFirst);
  } catch (e) {
    check(name, [`scenario failed: ${e.stack ?? e}`]);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const edit = (dir, rel, content) => fs.writeFileSync(path.join(dir, rel), content);
const append = (dir, rel, content) => fs.appendFileSync(path.join(dir, rel), content);
const rm = (dir, rel) => fs.rmSync(path.join(dir, rel), { recursive: true, force: true });
const replaceIn = (dir, rel, from, to) => edit(dir, rel, fs.readFileSync(path.join(dir, rel), 'utf8').replace(from, to));
function cacheObject(dir, md5) {
  return path.join(dir, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
}
function lockedMd5(dir, stage, outPath, lockRel = 'dvc.lock') {
  const text = fs.readFileSync(path.join(dir, lockRel), 'utf8');
  const block = text.split(/\n  (?=\S)/).find((b) => b.startsWith(`${stage}:`) || b.includes(`\n  ${stage}:`));
  const m = new RegExp(`- path: ${outPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\s+hash: md5\\n\\s+md5: (\\S+)`).exec(block ?? text);
  if (!m) throw new Error(`no md5 for ${outPath} in ${lockRel}`);
  return m[1];
}
function dvcFileMd5(dir, rel) {
  return /md5: (\S+)/.exec(fs.readFileSync(path.join(dir, rel), 'utf8'))[1];
}

async function main() {
  console.log(`# fixtures in ${tmp}${keep ? ' (kept)' : ''}; build ${build}; our dvc.yaml parser ${parser ? 'found' : 'not built yet: cases use the stages DVC loads'}`);
  buildMainRepo(base);
  buildLegacyRepo(legacyBase);

  // Folder hashes byte-identical with what `dvc add` and `dvc repro` stored.
  for (const [rel, md5Of] of [
    ['images', (d) => dvcFileMd5(d, 'images.dvc')],
    ['prepared', (d) => lockedMd5(d, 'prep', 'prepared')],
  ]) {
    const md5 = md5Of(base);
    const stored = fs.readFileSync(cacheObject(base, md5));
    const ours = await hasher.hashPath(path.join(base, rel), 'md5', { ignore: new DvcIgnore(base) });
    const issues = [];
    if (ours.md5 !== md5) issues.push(`md5: DVC ${md5}, ours ${ours.md5}`);
    if (!stored.equals(ours.manifest)) issues.push(`manifest: DVC ${stored.toString('utf8').slice(0, 300)}`, `ours ${ours.manifest.toString('utf8').slice(0, 300)}`);
    const recorded = rel === 'images' ? fs.readFileSync(path.join(base, 'images.dvc'), 'utf8') : fs.readFileSync(path.join(base, 'dvc.lock'), 'utf8');
    const size = Number(new RegExp(`md5: ${md5}\\n\\s+size: (\\d+)\\n\\s+nfiles: (\\d+)`).exec(recorded)?.[1]);
    const nfiles = Number(new RegExp(`md5: ${md5}\\n\\s+size: (\\d+)\\n\\s+nfiles: (\\d+)`).exec(recorded)?.[2]);
    if (ours.size !== size || ours.nfiles !== nfiles) issues.push(`size/nfiles: DVC ${size}/${nfiles}, ours ${ours.size}/${ours.nfiles}`);
    check(`folder hash of ${rel}/ equals DVC's (.dir md5, manifest bytes, size, nfiles)`, issues);
  }
  {
    // data/ is a plain dependency: its hash is in dvc.lock only (names with unicode, astral, quote and backslash; an
    // ignored *.tmp and a .git file inside).
    const text = fs.readFileSync(path.join(base, 'dvc.lock'), 'utf8');
    const md5 = /- path: data\n\s+hash: md5\n\s+md5: (\S+)\n\s+size: (\d+)\n\s+nfiles: (\d+)/.exec(text);
    const ours = await hasher.hashPath(path.join(base, 'data'), 'md5', { ignore: new DvcIgnore(base) });
    check('folder hash of data/ (unicode, astral, quote and backslash names; ignored files) equals dvc.lock', md5 && ours.md5 === md5[1] && ours.size === Number(md5[2]) && ours.nfiles === Number(md5[3]) ? [] : [`dvc.lock ${md5?.slice(1).join(' ')}, ours ${ours.md5} ${ours.size} ${ours.nfiles}`]);
  }

  const B = base;
  await scenario('nothing changed (only the always_changed stage is listed)', B);
  await scenario('file dependency edited (shared by several stages; frozen one silent)', B, (d) => append(d, 'raw.txt', 'more\n'));
  await scenario('file dependency deleted', B, (d) => rm(d, 'raw.txt'));
  await scenario('file in a folder dependency edited', B, (d) => append(d, 'data/a.csv', '5,6\n'));
  await scenario('file added to a folder dependency', B, (d) => edit(d, 'data/new.csv', 'new\n'));
  await scenario('file added deep in a folder dependency', B, (d) => write(d, { 'data/deep/er/x.txt': 'x\n' }));
  await scenario('file removed from a folder dependency', B, (d) => rm(d, 'data/b.csv'));
  await scenario('.dvcignore-d file added to a folder dependency (no change)', B, (d) => write(d, { 'data/more.tmp': 'x', 'data/scratch/y.txt': 'y' }));
  await scenario('empty folder added to a folder dependency (no change)', B, (d) => fs.mkdirSync(path.join(d, 'data/empty')));
  await scenario('file in a folder dependency replaced by a symlink to the same bytes (no change)', B, (d) => {
    fs.copyFileSync(path.join(d, 'data/a.csv'), path.join(d, 'a-copy.csv'));
    rm(d, 'data/a.csv');
    fs.symlinkSync(path.join(d, 'a-copy.csv'), path.join(d, 'data/a.csv'));
  });
  await scenario('symlink to a folder added inside a folder dependency (not followed: no change)', B, (d) => fs.symlinkSync(path.join(d, 'images'), path.join(d, 'data/linked')));
  await scenario('CRLF file in a folder dependency converted to LF (md5 changes)', B, (d) => edit(d, 'data/sub/c.txt', 'c\nwith crlf\n'));
  await scenario('tracked param edited (nested key)', B, (d) => replaceIn(d, 'params.yaml', 'depth: 4', 'depth: 5'));
  await scenario('param edited that feeds foreach stages', B, (d) => replaceIn(d, 'params.yaml', 'lr: 0.1', 'lr: 0.01'));
  await scenario('untracked param edited (no change)', B, (d) => replaceIn(d, 'params.yaml', 'name: resnet', 'name: vit'));
  await scenario('tracked param deleted', B, (d) => replaceIn(d, 'params.yaml', 'lr: 0.1\n', ''));
  await scenario('param value 4 rewritten as 4.0 (equal in Python: no change)', B, (d) => replaceIn(d, 'params.yaml', 'depth: 4', 'depth: 4.0'));
  await scenario('params.yaml deleted', B, (d) => rm(d, 'params.yaml'));
  await scenario('whole-file params: key added, key removed, value changed', B, (d) =>
    edit(d, 'other.json', '{"alpha": 2, "10": "int-like key", "nested": {"k": [1, 2]}, "gamma": true, "5": 1}\n'));
  await scenario('whole-file params: 1.0 rewritten as 1 (no change)', B, (d) => replaceIn(d, 'other.json', '1.0', '1'));
  await scenario('output file deleted', B, (d) => rm(d, 'prep.txt'));
  await scenario('output file modified', B, (d) => append(d, 'model.bin', 'tampered'));
  await scenario('output folder deleted', B, (d) => rm(d, 'prepared'));
  await scenario('file inside an output folder deleted', B, (d) => rm(d, 'prepared/b.csv'));
  await scenario('uncached metric modified', B, (d) => edit(d, 'metrics.json', '{"acc": 0.1}\n'));
  await scenario('uncached metric deleted', B, (d) => rm(d, 'metrics.json'));
  await scenario('persist output deleted', B, (d) => rm(d, 'persist.txt'));
  await scenario('foreach output deleted', B, (d) => rm(d, 'fe_b.txt'));
  await scenario('matrix output deleted and another modified', B, (d) => {
    rm(d, 'mx_1_p.txt');
    append(d, 'mx_2_q.txt', 'x');
  });
  await scenario('command changed', B, (d) => replaceIn(d, 'dvc.yaml', 'cat raw.txt > prep.txt', 'cat  raw.txt > prep.txt'));
  await scenario('list command changed', B, (d) => replaceIn(d, 'dvc.yaml', 'echo two > l2.txt', 'echo 2 > l2.txt'));
  await scenario('frozen stage: dependency edited and output deleted', B, (d) => {
    append(d, 'raw.txt', 'x');
    rm(d, 'held.txt');
  });
  await scenario('stage not yet in dvc.lock', B, (d) => append(d, 'dvc.yaml', '  fresh:\n    cmd: cat raw.txt > fresh.txt\n    deps:\n    - raw.txt\n    - missing-dep.txt\n    params:\n    - epochs\n    outs:\n    - fresh.txt\n'));
  await scenario('output object missing from the cache', B, (d) => rm(d, path.relative(d, cacheObject(d, lockedMd5(d, 'train', 'model.bin')))));
  await scenario('output object in the cache corrupted (writable and different)', B, (d) => {
    const obj = cacheObject(d, lockedMd5(d, 'prep', 'prep.txt'));
    fs.chmodSync(obj, 0o644);
    fs.writeFileSync(obj, 'corrupted\n');
  }, { oursFirst: true });
  await scenario('output object in the cache writable but intact (no change)', B, (d) => fs.chmodSync(cacheObject(d, lockedMd5(d, 'prep', 'prep.txt')), 0o644));
  await scenario('.dir manifest of an output folder missing from the cache', B, (d) => rm(d, path.relative(d, cacheObject(d, lockedMd5(d, 'prep', 'prepared')))));
  await scenario('one file of an output folder missing from the cache', B, (d) => {
    const manifest = JSON.parse(fs.readFileSync(cacheObject(d, lockedMd5(d, 'prep', 'prepared')), 'utf8'));
    rm(d, path.relative(d, cacheObject(d, manifest[0].md5)));
  });
  await scenario('.dvc-tracked file modified', B, (d) => append(d, 'tracked.csv', '3,4\n'));
  await scenario('.dvc-tracked file deleted', B, (d) => rm(d, 'tracked.csv'));
  await scenario('file added to a .dvc-tracked folder', B, (d) => edit(d, 'images/new.png', 'png'));
  await scenario('.dvc-tracked folder missing from the cache', B, (d) => rm(d, path.relative(d, cacheObject(d, dvcFileMd5(d, 'images.dvc')))));
  await scenario('.dvc file with a stale top-level md5 (changed checksum)', B, (d) => append(d, 'tracked.csv.dvc', 'md5: 0123456789abcdef0123456789abcdef\n'));
  await scenario('sub-folder dvc.yaml: its params and a ../ dependency edited', B, (d) => {
    edit(d, 'sub/params.yaml', 'x: 2\n');
    append(d, 'raw.txt', 'y');
  });
  await scenario('run from a sub-folder (paths and addresses relative to it)', B, (d) => {
    append(d, 'raw.txt', 'z');
    rm(d, 'sub/out.txt');
    rm(d, 'tracked.csv');
  }, { cwd: 'sub' });
  await scenario('several changes at once', B, (d) => {
    edit(d, 'data/new.csv', 'new\n');
    replaceIn(d, 'params.yaml', 'lr: 0.1', 'lr: 0.2');
    rm(d, 'model.bin');
    replaceIn(d, 'dvc.yaml', 'echo hi > always.txt', 'echo hello > always.txt');
  });

  const L = legacyBase;
  await scenario('legacy md5-dos2unix lock: nothing changed', L);
  await scenario('legacy md5-dos2unix lock: CRLF dependency converted to LF (same dos2unix hash: no change)', L, (d) => edit(d, 'crlf.txt', 'one\ntwo\n'));
  await scenario('legacy md5-dos2unix lock: CRLF file in a folder dependency converted to LF (no change)', L, (d) => edit(d, 'textdir/y/z.txt', 'z\nz\n'));
  await scenario('legacy md5-dos2unix lock: CRLF across the 1 MiB chunk boundary converted (changes)', L, (d) => {
    const big = Buffer.concat([Buffer.alloc((1 << 20) - 1, 0x61), Buffer.from('\nsecond chunk\r\nline\r\n')]);
    fs.writeFileSync(path.join(d, 'straddle.txt'), big);
  });
  await scenario('legacy md5-dos2unix lock: binary file CRLF converted (binary: changes)', L, (d) => fs.writeFileSync(path.join(d, 'binary.dat'), Buffer.from([0, 1, 2, 10, 3, 10])));
  await scenario('legacy md5-dos2unix lock: text edited', L, (d) => edit(d, 'crlf.txt', 'one\r\nthree\r\n'));
  await scenario('legacy md5-dos2unix lock: output converted to LF (no change) ', L, (d) => edit(d, 'legacy_out.txt', 'one\ntwo\n'));
  await scenario('legacy md5-dos2unix lock: output object missing from the legacy cache', L, (d) => {
    for (const sub of fs.readdirSync(path.join(d, '.dvc/cache'))) if (sub.length === 2) rm(d, path.join('.dvc/cache', sub));
  });
}

try {
  await main();
} catch (e) {
  check('interop run', [e.stack ?? String(e)]);
} finally {
  await hasher.close();
  if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
}
finish();
