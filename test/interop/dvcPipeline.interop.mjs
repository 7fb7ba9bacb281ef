// Interop test: our dvc.yaml/dvc.lock reading and writing against real DVC, on repos DVC makes and runs afresh.
//
//   node test/interop/dvcPipeline.interop.mjs [--keep]     (needs .venv with dvc; bundles src/ with esbuild itself)
//
// 1. test/fixtures/dvc/generate.py --out TMP: DVC initialises and runs every fixture pipeline and records, through its
//    own Python API, each stage (name, cmd after interpolation, wdir, deps, params, outs), the graph and the repro order.
// 2. Our loadPipelines reads each repo: the same stages, fields, edges and order, and no problems.
// 3. Every dvc.lock DVC wrote: our parse + serialize gives the same bytes.
// 4. DVC re-runs a stage after a param change, and runs a stage added to dvc.yaml: our updateLockStage applied to the
//    lock from before gives byte for byte the lock DVC wrote after (the stage replaced in place, the new one appended).
// 5. Every broken case DVC refused: we report an error at the recorded line.
// Closes with `interop: N passed, M failed` and exits 1 on any failure. Env DVC_PYTHON overrides the interpreter.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { interopChecks, repoRoot as root } from './lib/interopKit.mjs';

const python = process.env.DVC_PYTHON ?? path.join(root, '.venv/bin/python');
const dvc = path.join(path.dirname(python), 'dvc');
const keepTemp = process.argv.includes('--keep');

const { check, finish } = interopChecks({ maxProblems: 12 });
const show = (v) => JSON.stringify(v);
function same(label, ours, theirs) {
  return show(ours) === show(theirs) ? [] : [`${label}: ours=${show(ours)} dvc=${show(theirs)}`];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-pipeline-interop-'));
try {
  // Our code, bundled from source so the test needs no separate build step.
  const esbuild = await import('esbuild');
  const entry = path.join(tmp, 'entry.ts');
  fs.writeFileSync(
    entry,
    [
      `export { loadPipelines } from ${show(path.join(root, 'src/core/dvc/pipeline/loadPipelines.ts'))};`,
      `export { planRepro } from ${show(path.join(root, 'src/core/dvc/pipeline/dag.ts'))};`,
      `export { parseDvcLock, serializeDvcLock, updateLockStage, loadDvcLock } from ${show(path.join(root, 'src/core/dvc/pipeline/lockFile.ts'))};`,
    ].join('\n'),
  );
  const bundle = path.join(tmp, 'pipeline.cjs');
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error', nodePaths: [path.join(root, 'node_modules')] });
  const ours = createRequire(import.meta.url)(bundle);

  const out = path.join(tmp, 'fixtures');
  execFileSync(python, [path.join(root, 'test/fixtures/dvc/generate.py'), '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const env = { ...process.env, DVC_NO_ANALYTICS: '1', DVC_NO_UPDATER: '1' };

  for (const name of fs.readdirSync(path.join(out, 'repos')).sort()) {
    const repo = path.join(out, 'repos', name);
    const expected = JSON.parse(fs.readFileSync(path.join(repo, 'expected.json'), 'utf8'));
    const loaded = await ours.loadPipelines(repo);
    check(`${name}: no problems in a pipeline DVC ran`, loaded.problems.map((p) => `${path.relative(repo, p.file)}:${p.line} ${p.message}`));
    const problems = [];
    problems.push(...same('stages', loaded.stages.map((s) => s.address).sort(), expected.stages.map((s) => s.address).sort()));
    for (const want of expected.stages) {
      const got = loaded.stages.find((s) => s.address === want.address);
      if (!got) continue;
      problems.push(...same(`${want.address} cmd`, got.cmd, want.cmd));
      problems.push(...same(`${want.address} wdir`, path.relative(repo, got.wdir).split(path.sep).join('/') || '.', want.wdir));
      problems.push(...same(`${want.address} deps`, got.deps.map((d) => d.path), want.deps));
      problems.push(...same(`${want.address} params`, got.params.map((p) => [p.file, p.keys]), want.params.map((p) => [p.path, p.keys])));
      problems.push(
        ...same(
          `${want.address} outs`,
          got.outs.map((o) => [o.path, o.kind, o.cache, o.persist, o.push]),
          want.outs.map((o) => [o.path, o.kind, o.cache, o.persist, o.push]),
        ),
      );
      problems.push(...same(`${want.address} frozen/always_changed`, [got.frozen, got.alwaysChanged], [want.frozen, want.always_changed]));
    }
    check(`${name}: stages as DVC resolves them (${expected.stages.length})`, problems);
    const edges = [];
    loaded.dag.dependsOn.forEach((ps, i) => ps.forEach((p) => edges.push(`${loaded.stages[i].address} -> ${loaded.stages[p].address}`)));
    check(`${name}: graph edges`, same('edges', edges.sort(), expected.edges.map(([a, b]) => `${a} -> ${b}`).sort()));
    check(`${name}: repro order`, same('order', ours.planRepro(loaded.dag).map((s) => s.address), expected.order_sorted_walk));
    for (const lockFile of findLocks(repo)) {
      const text = fs.readFileSync(lockFile, 'utf8');
      const parsed = ours.parseDvcLock(text, lockFile);
      const back = parsed.lock ? ours.serializeDvcLock(parsed.lock) : undefined;
      check(`${name}: ${path.relative(repo, lockFile)} round trip is byte-identical`, back === text ? [] : [firstDifference(text, back ?? '(no lock)')]);
    }
  }

  // DVC rewrites one stage after a param change, then appends a stage added to dvc.yaml.
  const basic = path.join(out, 'repos', 'basic');
  execFileSync('git', ['init', '-q'], { cwd: basic });
  execFileSync(dvc, ['init', '-q', '-f'], { cwd: basic, env });
  execFileSync(dvc, ['repro', '--all-pipelines', '-q'], { cwd: basic, env });
  const lockPath = path.join(basic, 'dvc.lock');
  const before = fs.readFileSync(lockPath, 'utf8');
  fs.writeFileSync(path.join(basic, 'params.yaml'), fs.readFileSync(path.join(basic, 'params.yaml'), 'utf8').replace('epochs: 10', 'epochs: 20'));
  execFileSync(dvc, ['repro', '-q', 'train'], { cwd: basic, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const afterParam = fs.readFileSync(lockPath, 'utf8');
  const changed = ours.parseDvcLock(afterParam, lockPath).lock.stages.train;
  const updated = ours.updateLockStage(before, 'train', changed, lockPath);
  check('updateLockStage gives DVC\'s lock after a param change (stage replaced in place)', updated === afterParam && before !== afterParam ? [] : [firstDifference(afterParam, updated)]);
  fs.appendFileSync(path.join(basic, 'dvc.yaml'), "  added_stage:\n    cmd: \"printf 'new: stage' > added.txt\"\n    deps:\n      - metrics.json\n    outs:\n      - added.txt\n");
  execFileSync(dvc, ['repro', '-q', 'added_stage'], { cwd: basic, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const afterAdd = fs.readFileSync(lockPath, 'utf8');
  const added = ours.parseDvcLock(afterAdd, lockPath).lock.stages.added_stage;
  const appended = ours.updateLockStage(afterParam, 'added_stage', added, lockPath);
  check('updateLockStage gives DVC\'s lock after a new stage (appended last)', appended === afterAdd ? [] : [firstDifference(afterAdd, appended)]);

  const bad = JSON.parse(fs.readFileSync(path.join(out, 'bad', 'expected.json'), 'utf8'));
  for (const [name, c] of Object.entries(bad)) {
    const dir = path.join(out, 'bad', name);
    const loaded = await ours.loadPipelines(dir);
    const lock = await ours.loadDvcLock(path.join(dir, 'dvc.lock'));
    const errors = [...loaded.problems, ...(lock?.problems ?? [])].filter((p) => p.severity === 'error');
    const hit = errors.some((p) => path.relative(dir, p.file) === c.file && p.line === c.line);
    check(`bad ${name}: DVC refuses it (${c.dvc_error.split('\n')[0].slice(0, 60)}), we report ${c.file}:${c.line}`, hit ? [] : errors.map((p) => `${path.relative(dir, p.file)}:${p.line} ${p.message}`).concat(errors.length ? [] : ['no error reported']));
  }
} catch (error) {
  check('interop run', [String(error.stack ?? error)]);
} finally {
  if (keepTemp) console.log(`# kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

function findLocks(dir) {
  const outList = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== '.git' && e.name !== '.dvc') outList.push(...findLocks(path.join(dir, e.name)));
    else if (e.name === 'dvc.lock') outList.push(path.join(dir, e.name));
  }
  return outList.sort();
}

function firstDifference(want, got) {
  const a = want.split('\n');
  const b = got.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `line ${i + 1}: dvc=${show(a[i])} ours=${show(b[i])}`;
}

finish();
