import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { parseDvcLock } from '../../../src/core/dvc/pipeline/lockFile';
import { runBuiltin } from '../../../src/core/dvc/run/builtinRunner';
import type { RunEvent, RunPipelineOptions } from '../../../src/core/dvc/run/runTypes';
import { cacheListing, cleanup, exists, inlineHasher, makeRunRepo, read, shEnv, writeFiles } from './runFixtures';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const PIPELINE = `stages:
  prepare:
    cmd: mkdir -p data/prepared && cp data/raw.txt data/prepared/a.txt && printf b > data/prepared/b.txt
    deps:
      - data/raw.txt
    params:
      - prep.n
    outs:
      - data/prepared
  train:
    cmd:
      - cat data/prepared/a.txt data/prepared/b.txt > model.bin
      - "printf '{\\"acc\\": 1}' > metrics.json"
    deps:
      - data/prepared
    outs:
      - model.bin
    metrics:
      - metrics.json:
          cache: false
`;

describe('built-in runner', () => {
  let root: string | undefined;
  let hasher: DvcHasher;
  beforeEach(() => (hasher = inlineHasher()));
  afterEach(async () => {
    await hasher.close();
    cleanup(root);
    root = undefined;
  });

  const run = (extra: Partial<RunPipelineOptions> = {}) => {
    const events: RunEvent[] = [];
    const output: string[] = [];
    const done = runBuiltin({ repoRoot: root!, hasher, env: shEnv(), onEvent: (e) => events.push(e), onOutput: (t) => output.push(t), ...extra });
    return done.then((result) => ({ result, events, output: output.join('') }));
  };

  it('runs changed stages in DAG order, records dvc.lock, stores outputs in the cache as DVC does, then skips them', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, 'params.yaml': 'prep:\n  n: 3\n', 'data/raw.txt': 'raw' });
    const first = await run();
    assert.equal(first.result.ok, true, first.output);
    assert.deepEqual(first.result.stages.map((s) => [s.address, s.outcome]), [['prepare', 'ran'], ['train', 'ran']]);
    assert.equal(read(root, 'model.bin'), 'rawb');

    const lock = parseDvcLock(read(root, 'dvc.lock'), 'dvc.lock');
    assert.deepEqual(lock.problems, []);
    const prepare = lock.lock!.stages.prepare;
    assert.deepEqual(prepare.deps, [{ path: 'data/raw.txt', hash: 'md5', md5: md5('raw'), size: 3 }]);
    assert.deepEqual(prepare.params, { 'params.yaml': { 'prep.n': 3 } });
    const manifest = `[{"md5": "${md5('raw')}", "relpath": "a.txt"}, {"md5": "${md5('b')}", "relpath": "b.txt"}]`;
    assert.deepEqual(prepare.outs, [{ path: 'data/prepared', hash: 'md5', md5: md5(manifest) + '.dir', size: 4, nfiles: 2 }]);
    assert.deepEqual(lock.lock!.stages.train.cmd, ['cat data/prepared/a.txt data/prepared/b.txt > model.bin', `printf '{"acc": 1}' > metrics.json`]);
    assert.deepEqual(lock.lock!.stages.train.outs.map((o) => [o.path, o.md5]), [['metrics.json', md5('{"acc": 1}')], ['model.bin', md5('rawb')]]);
    assert.ok(read(root, 'dvc.lock').startsWith("schema: '2.0'\nstages:\n  prepare:\n    cmd: mkdir -p data/prepared"));

    // DVC's layout: files/md5/ab/cdef..., read-only; the folder's manifest as <md5>.dir holding the listing.
    const objects = cacheListing(root);
    const obj = (h: string) => `444 files/md5/${h.slice(0, 2)}/${h.slice(2)}`;
    for (const h of [md5('raw'), md5('b'), md5(manifest) + '.dir', md5('rawb'), md5('{"acc": 1}')]) assert.ok(objects.includes(obj(h)), `${h} in ${objects.join(', ')}`);
    assert.equal(read(root, `.dvc/cache/files/md5/${md5(manifest).slice(0, 2)}/${md5(manifest).slice(2)}.dir`), manifest);
    // One run-cache entry per stage (the uncached metrics file was committed with train's, as DVC does).
    assert.equal(objects.filter((o) => o.includes(' runs/')).length, 2);
    assert.equal(fs.statSync(path.join(root, '.dvc/cache/files/md5')).isDirectory(), true);

    const lockBefore = read(root, 'dvc.lock');
    let hashedAgain = 0;
    const hashPaths = hasher.hashPaths.bind(hasher);
    hasher.hashPaths = async (requests, opts) => {
      const out = await hashPaths(requests, opts);
      hashedAgain += hasher.lastStats.hashed;
      return out;
    };
    const second = await run();
    assert.equal(hashedAgain, 0, 'unchanged files are not hashed again (the hash cache)');
    assert.deepEqual(second.result.stages.map((s) => s.outcome), ['skipped', 'skipped']);
    assert.match(second.output, /Stage 'prepare' didn't change, skipping/);
    assert.match(second.output, /Data and pipelines are up to date\./);
    assert.equal(read(root, 'dvc.lock'), lockBefore);
    assert.ok(second.events.some((e) => e.kind === 'plan' && e.stages.every((s) => s.action === 'skip')));
  });

  it('a param change runs the stage; downstream runs only if the outputs changed', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, 'params.yaml': 'prep:\n  n: 3\n', 'data/raw.txt': 'raw' });
    assert.equal((await run()).result.ok, true);
    writeFiles(root, { 'params.yaml': 'prep:\n  n: 4\n' });
    const again = await run();
    assert.deepEqual(again.result.stages.map((s) => [s.address, s.outcome]), [['prepare', 'ran'], ['train', 'skipped']], again.output);
    const plan = again.events.find((e) => e.kind === 'plan');
    assert.ok(plan && plan.kind === 'plan');
    assert.deepEqual(plan.stages.map((s) => s.action), ['run', 'maybe']);
    assert.match(plan.stages[0].why.join(' '), /prep\.n changed: 3 -> 4/);
    assert.deepEqual(parseDvcLock(read(root, 'dvc.lock'), 'x').lock!.stages.prepare.params, { 'params.yaml': { 'prep.n': 4 } });
  });

  it('a failing command stops the run with its exit code; that stage gets no dvc.lock entry, earlier ones keep theirs', async () => {
    root = makeRunRepo({
      'dvc.yaml': `stages:
  one:
    cmd: printf 1 > one.txt
    outs: [one.txt]
  two:
    cmd:
      - printf 2 > two.txt
      - echo boom >&2; exit 7
      - echo never > never.txt
    deps: [one.txt]
    outs: [two.txt]
  three:
    cmd: printf 3 > three.txt
    deps: [two.txt]
    outs: [three.txt]
`,
    });
    const { result, events, output } = await run();
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 7);
    assert.equal(result.failedStage, 'two');
    assert.match(result.message!, /failed to run: echo boom >&2; exit 7, exited with 7/);
    assert.match(output, /ERROR: failed to reproduce 'two'/);
    assert.match(output, /boom/);
    assert.deepEqual(result.stages.map((s) => s.outcome), ['ran', 'failed', 'not-run']);
    assert.equal(exists(root, 'never.txt'), false, 'commands after the failing one do not run');
    assert.equal(exists(root, 'three.txt'), false);
    const lock = parseDvcLock(read(root, 'dvc.lock'), 'x').lock!;
    assert.deepEqual(Object.keys(lock.stages), ['one']);
    assert.ok(events.some((e) => e.kind === 'stage-failed' && e.address === 'two' && e.exitCode === 7));
  });

  it('cancelling ends the whole process tree and leaves dvc.lock exactly as it was', async () => {
    root = makeRunRepo({
      'dvc.yaml': `stages:
  slow:
    cmd: sh -c 'sleep 30 & echo $! > child.pid; wait' & echo $! > shell.pid; wait
    outs: [never.txt]
`,
      'dvc.lock': "schema: '2.0'\nstages:\n  other:\n    cmd: echo other\n",
    });
    const controller = new AbortController();
    const started = run({ signal: controller.signal });
    const pidFile = path.join(root, 'child.pid');
    for (let i = 0; i < 200 && !(fs.existsSync(pidFile) && read(root, 'child.pid').trim()); i++) await new Promise((r) => setTimeout(r, 25));
    const pids = ['child.pid', 'shell.pid'].map((f) => Number(read(root!, f).trim()));
    controller.abort();
    const { result } = await started;
    assert.equal(result.cancelled, true);
    assert.equal(result.ok, false);
    assert.deepEqual(result.stages.map((s) => s.outcome), ['cancelled']);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `process ${pid} still runs`);
    assert.equal(read(root, 'dvc.lock'), "schema: '2.0'\nstages:\n  other:\n    cmd: echo other\n");
  });

  it('--force runs up-to-date stages; frozen stages are not run; always_changed runs every time', async () => {
    root = makeRunRepo({
      'dvc.yaml': `stages:
  a:
    cmd: echo x >> a.log; printf a > a.txt
    outs: [a.txt]
  f:
    cmd: echo x >> f.log; printf f > f.txt
    frozen: true
    outs: [f.txt]
  always:
    cmd: echo x >> always.log; printf z > z.txt
    deps: [a.txt]
    outs: [z.txt]
    always_changed: true
`,
      'f.txt': 'made by hand',
    });
    const first = await run();
    // A frozen stage whose output is not recorded yet is only verified and recorded (DVC's "Verifying outputs").
    assert.deepEqual(first.result.stages.map((s) => [s.address, s.outcome]), [['a', 'ran'], ['f', 'verified'], ['always', 'ran']], first.output);
    assert.equal(exists(root, 'f.log'), false, 'a frozen stage never runs its command');
    assert.equal(read(root, 'f.txt'), 'made by hand');
    const second = await run();
    assert.deepEqual(second.result.stages.map((s) => [s.address, s.outcome]), [['a', 'skipped'], ['f', 'skipped'], ['always', 'ran']]);
    assert.match(second.output, /Stage 'f' is frozen, skipping/);
    const forced = await run({ force: true, targets: ['always'] });
    assert.deepEqual(forced.result.stages.map((s) => [s.address, s.outcome]), [['a', 'ran'], ['always', 'ran']]);
    assert.equal(read(root, 'a.log'), 'x\nx\n');
    assert.equal(read(root, 'always.log'), 'x\nx\nx\n');
  });

  it('runs each line of a string cmd in the stage wdir through $SHELL, with DVC_ROOT and DVC_STAGE', async () => {
    root = makeRunRepo({
      'sub/dvc.yaml': `stages:
  env:
    wdir: work
    cmd: |-
      printf "%s|" "$DVC_STAGE" > env.txt
      printf "%s|%s" "$DVC_ROOT" "$(pwd)" >> env.txt
    outs: [env.txt]
`,
      'sub/work/.keep': '',
    });
    const { result, output } = await run();
    assert.equal(result.ok, true, output);
    assert.equal(read(root, 'sub/work/env.txt'), `sub/dvc.yaml:env|${root}|${path.join(root, 'sub', 'work')}`);
    assert.match(output, /> printf "%s\|" "\$DVC_STAGE" > env\.txt\n> printf/);
    assert.ok(exists(root, 'sub/dvc.lock'));
  });

  it('a missing dependency or param stops the stage before its command runs and before any output is deleted', async () => {
    root = makeRunRepo({
      'dvc.yaml': `stages:
  s:
    cmd: echo ran > ran.txt; printf new > out.txt
    deps: [missing.csv]
    outs: [out.txt]
  p:
    cmd: echo ran > ranp.txt; printf p > p.txt
    params: [nope]
    outs: [p.txt]
`,
      'out.txt': 'old',
      'p.txt': 'old',
      'params.yaml': 'yes: 1\n',
    });
    const s = await run({ targets: ['s'] });
    assert.equal(s.result.ok, false);
    assert.match(s.result.message!, /dependency 'missing\.csv' does not exist/);
    assert.equal(exists(root, 'ran.txt'), false);
    assert.equal(read(root, 'out.txt'), 'old');
    const p = await run({ targets: ['p'] });
    assert.match(p.result.message!, /parameters 'nope' are missing from 'params\.yaml'/);
    assert.equal(read(root, 'p.txt'), 'old');
    assert.equal(exists(root, 'dvc.lock'), false);
  });

  it('an output the command did not create fails the stage without a dvc.lock entry', async () => {
    root = makeRunRepo({ 'dvc.yaml': 'stages:\n  s:\n    cmd: "true"\n    outs: [made.txt]\n' });
    const { result } = await run();
    assert.equal(result.ok, false);
    assert.match(result.message!, /output 'made\.txt' does not exist/);
    assert.equal(exists(root, 'dvc.lock'), false);
  });

  it('refuses to start on a broken dvc.yaml or an unknown target, naming the file and line', async () => {
    root = makeRunRepo({ 'dvc.yaml': 'stages:\n  s:\n    outs: [x]\n' });
    await assert.rejects(run(), (e: Error) => /dvc\.yaml:\d+/.test(e.message) && /cmd/.test(e.message));
    writeFiles(root, { 'dvc.yaml': 'stages:\n  s:\n    cmd: "true"\n' });
    await assert.rejects(run({ targets: ['nope'] }), /Stage 'nope' is not in the pipelines\. Stages: s\./);
  });
});
