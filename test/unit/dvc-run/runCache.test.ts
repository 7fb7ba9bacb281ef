import assert from 'node:assert/strict';
import path from 'node:path';
import { parseDvcLock } from '../../../src/core/dvc/pipeline/lockFile';
import { escapeGitignoreEntry, ignoreOutput, type GitRunner } from '../../../src/core/dvc/run/gitIgnore';
import { DvcLogReader, dvcReproArgs } from '../../../src/core/dvc/run/dvcRunner';
import { runCacheNames } from '../../../src/core/dvc/run/runCache';
import type { RunEvent } from '../../../src/core/dvc/run/runTypes';
import { cleanup, makeRunRepo, read } from './runFixtures';

/**
 * Two stages of the demo's dvc.lock as DVC 3.67.1 wrote them, and the run-cache entries `dvc repro` wrote for them
 * (`.dvc/cache/runs/<key[:2]>/<key>/<value>`): a float param, a folder dependency, two outputs.
 */
const DVC_LOCK = `schema: '2.0'
stages:
  train:
    cmd: python3 pipeline/fit.py
    deps:
    - path: data/prepared
      hash: md5
      md5: 75e80545113fed9facce9899a0a4d18d.dir
      size: 5135
      nfiles: 2
    - path: pipeline/fit.py
      hash: md5
      md5: 61514ef7cc839d6c7211c0d2fdf538a4
      size: 1099
    params:
      params.yaml:
        fit.shrink: 0.1
    outs:
    - path: models/model.json
      hash: md5
      md5: 5f276afa40a474cbe03261b9094e13d2
      size: 385
  evaluate@train:
    cmd: python3 pipeline/evaluate.py train
    deps:
    - path: data/prepared
      hash: md5
      md5: 75e80545113fed9facce9899a0a4d18d.dir
      size: 5135
      nfiles: 2
    - path: models/model.json
      hash: md5
      md5: 5f276afa40a474cbe03261b9094e13d2
      size: 385
    - path: pipeline/evaluate.py
      hash: md5
      md5: 37f95df12ed393453012efaa024112dd
      size: 1069
    outs:
    - path: metrics/train.json
      hash: md5
      md5: be0808faf332ce604bf07fb088e3edbe
      size: 37
    - path: plots/train.csv
      hash: md5
      md5: 1bfc22151a179053159db95f33aa8636
      size: 1965
`;

describe('run cache, .gitignore and DVC log lines', () => {
  it('names run-cache entries as DVC 3.67.1 named them', () => {
    const lock = parseDvcLock(DVC_LOCK, 'dvc.lock').lock!;
    assert.deepEqual(runCacheNames(lock.stages.train), {
      key: '7b60428e5b016ae0317f0c7b2917e12ed70d1e1a23d3cf58d491aeacf8ba0f3c',
      value: '268f4efb94910bae76f3dac9167403a6c34990d03a4698b12035834378feaa5b',
    });
    assert.deepEqual(runCacheNames(lock.stages['evaluate@train']), {
      key: '63b9e56765d6e8f443f4fec3339f709185b6c423e1bec99a05c7aeff85d9c168',
      value: '6390232db6907b72e4ac05f04363d70141725c0b442f7f927dd3f39c1a17851a',
    });
  });

  it('appends /name to the .gitignore beside an output once, escaped, after a missing final newline', async () => {
    const root = makeRunRepo({ 'data/.gitignore': '/old.csv' });
    try {
      const ignored = new Set<string>();
      const git: GitRunner = async (args) => ({ code: ignored.has(args[args.length - 1]) ? 0 : 1, stdout: '' });
      assert.equal(await ignoreOutput(root, path.join(root, 'data', 'a[1].csv'), git), path.join(root, 'data', '.gitignore'));
      assert.equal(read(root, 'data/.gitignore'), '/old.csv\n/a\\[1\\].csv\n');
      assert.equal(await ignoreOutput(root, path.join(root, 'data', 'a[1].csv'), git), undefined, 'the same line is not added twice');
      ignored.add('data/model.bin');
      assert.equal(await ignoreOutput(root, path.join(root, 'data', 'model.bin'), git), undefined, 'Git already ignores it');
      assert.equal(read(root, 'data/.gitignore'), '/old.csv\n/a\\[1\\].csv\n');
      assert.equal(escapeGitignoreEntry('/x#!*?\\'), '/x\\#\\!\\*\\?\\\\');
    } finally {
      cleanup(root);
    }
  });

  it('turns dvc repro output into stage events and outcomes', () => {
    const events: RunEvent[] = [];
    let t = 0;
    const reader = new DvcLogReader((e) => events.push(e), () => (t += 10));
    reader.write("Stage 'generate' didn't change, skipping\nRunning stage 'prep", 'stdout');
    reader.write("are':\n> python3 prepare.py\n", 'stdout');
    reader.write("Updating lock file 'dvc.lock'\n\nRunning stage 'train':\n> python3 fit.py\n", 'stdout');
    reader.write("ERROR: failed to reproduce 'train': failed to run: python3 fit.py, exited with 2\n", 'stderr');
    reader.end(255, false);
    assert.deepEqual(reader.outcomes.map((o) => [o.address, o.outcome, o.exitCode]), [['generate', 'skipped', undefined], ['prepare', 'ran', undefined], ['train', 'failed', 2]]);
    assert.equal(reader.failedStage, 'train');
    assert.deepEqual(events.map((e) => e.kind), ['stage-skipped', 'stage-started', 'stage-finished', 'stage-started', 'stage-failed']);
    assert.deepEqual(dvcReproArgs({ targets: ['train'], downstream: true, force: true }), ['repro', 'train', '--downstream', '--force']);
    assert.deepEqual(dvcReproArgs({}), ['repro', '--all-pipelines']);
  });
});
