import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forgetDvcLookups, runPipeline } from '../../../src/core/dvc/run/runPipeline';
import type { RunEvent, RunPipelineOptions } from '../../../src/core/dvc/run/runTypes';
import { cleanup, exists, inlineHasher, makeRunRepo, read, shEnv } from './runFixtures';

/** A stand-in for `dvc`: answers --version, records its arguments and prints what `dvc repro` prints. */
const FAKE_DVC = `#!/bin/sh
if [ "$1" = "--version" ]; then echo 3.67.1; exit 0; fi
echo "$*" > args.txt
echo "Stage 'a' didn't change, skipping"
echo "Running stage 'b':"
echo "> make b"
if [ -f fail ]; then echo "ERROR: failed to reproduce 'b': failed to run: make b, exited with 3" >&2; exit 255; fi
if [ -f hang ]; then sleep 60 & echo $! > child.pid; wait; fi
echo "Updating lock file 'dvc.lock'"
exit 0
`;

const PIPELINE = 'stages:\n  a:\n    cmd: printf a > a.txt\n    outs:\n      - a.txt\n  b:\n    cmd: printf b > b.txt\n    deps:\n      - a.txt\n    outs:\n      - b.txt\n';

describe('runPipeline: one interface, DVC or built in', () => {
  let root: string | undefined;
  const hasher = inlineHasher();
  after(() => hasher.close());
  afterEach(() => {
    cleanup(root);
    root = undefined;
    forgetDvcLookups();
  });

  function repoWithFakeDvc(): string {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, '.venv/bin/dvc': FAKE_DVC });
    fs.chmodSync(path.join(root, '.venv/bin/dvc'), 0o755);
    return root;
  }

  const run = async (opts: Partial<RunPipelineOptions>) => {
    const events: RunEvent[] = [];
    const result = await runPipeline({ repoRoot: root!, hasher, env: shEnv(), onEvent: (e) => events.push(e), ...opts });
    return { result, events };
  };

  it('auto picks the DVC of the project\'s .venv, runs dvc repro with the options, and reports its stages', async () => {
    repoWithFakeDvc();
    const { result, events } = await run({ targets: ['b'], downstream: true, force: true });
    assert.equal(result.runner, 'dvc');
    assert.equal(result.ok, true);
    assert.equal(read(root!, 'args.txt').trim(), 'repro b --downstream --force');
    assert.deepEqual(result.stages.map((s) => [s.address, s.outcome]), [['a', 'skipped'], ['b', 'ran']]);
    assert.deepEqual(events.map((e) => e.kind), ['runner', 'plan', 'stage-skipped', 'stage-started', 'stage-finished']);
    const plan = events.find((e) => e.kind === 'plan');
    assert.ok(plan?.kind === 'plan' && plan.stages.map((s) => s.address).join() === 'b');
  });

  it('reports the stage DVC failed on, with the command\'s exit code', async () => {
    repoWithFakeDvc();
    fs.writeFileSync(path.join(root!, 'fail'), '');
    const { result } = await run({});
    assert.equal(result.ok, false);
    assert.equal(result.failedStage, 'b');
    assert.equal(result.exitCode, 3);
    assert.match(result.message!, /failed to run: make b, exited with 3/);
    assert.equal(read(root!, 'args.txt').trim(), 'repro --all-pipelines');
  });

  it('cancel ends dvc and what it started; a second run of the same repository meanwhile is refused', async () => {
    repoWithFakeDvc();
    fs.writeFileSync(path.join(root!, 'hang'), '');
    const controller = new AbortController();
    const running = run({ signal: controller.signal });
    const pidFile = path.join(root!, 'child.pid');
    for (let i = 0; i < 400 && !(fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim()); i++) await new Promise((r) => setTimeout(r, 25));
    await assert.rejects(run({}), /A pipeline run is already going/);
    const child = Number(read(root!, 'child.pid').trim());
    controller.abort();
    const { result, events } = await running;
    assert.equal(result.cancelled, true);
    assert.throws(() => process.kill(child, 0), /ESRCH/);
    assert.ok(events.some((e) => e.kind === 'stage-cancelled' && e.address === 'b'));
  });

  it('runner dvc without DVC says what to install; auto without DVC runs the built-in runner', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE });
    const empty = path.join(root, 'empty-bin');
    fs.mkdirSync(empty);
    const savedPath = process.env.PATH;
    process.env.PATH = empty; // no `dvc` on PATH either
    try {
      await assert.rejects(run({ runner: 'dvc' }), /mlops\.pipeline\.runner is 'dvc', but DVC is not installed: install it with `pip install dvc`/);
      forgetDvcLookups();
      const { result, events } = await run({ runner: 'auto', env: { ...shEnv(), PATH: savedPath } });
      assert.equal(result.runner, 'builtin');
      assert.equal(result.ok, true);
      assert.ok(exists(root, 'b.txt'));
      assert.match((events[0] as { message: string }).message, /DVC is not installed/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
