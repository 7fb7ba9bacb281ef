import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { detectDvcliveStore, dvcliveStoreRef } from '../../../src/core/dvclive/dvcliveStore';
import { FIXTURES } from './helpers';

async function detect(dir: string): Promise<string | undefined> {
  return detectDvcliveStore(dir, new Set(await readdir(dir)));
}

describe('dvclive store detection', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlops-dvdetect-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('builds the store ref from the absolute folder', () => {
    assert.deepEqual(dvcliveStoreRef('/home/u/proj/dvclive'), { kind: 'dvclive', uri: 'dvclive:///home/u/proj/dvclive', path: '/home/u/proj/dvclive' });
  });

  it('finds the fixtures written by dvclive, and the folder from inside its plots tree', async () => {
    const dir = path.join(FIXTURES, 'basic', 'dvclive');
    assert.equal(await detect(dir), dir);
    assert.equal(await detect(path.join(FIXTURES, 'exp-run', 'dvclive')), path.join(FIXTURES, 'exp-run', 'dvclive'));
    assert.equal(await detect(path.join(dir, 'plots')), dir);
    assert.equal(await detect(path.join(dir, 'plots', 'metrics')), dir);
    assert.equal(await detect(path.join(FIXTURES, 'basic')), undefined);
  });

  it('finds a folder with another name by its plots/metrics tree or its top-level step', async () => {
    const a = path.join(tmp, 'results', 'exp1');
    await mkdir(path.join(a, 'plots', 'metrics'), { recursive: true });
    await writeFile(path.join(a, 'metrics.json'), '{"acc": 0.5}');
    assert.equal(await detect(a), a);
    const b = path.join(tmp, 'b');
    await mkdir(b);
    await writeFile(path.join(b, 'metrics.json'), '{\n    "acc": NaN,\n    "step": 3\n}\n');
    await writeFile(path.join(b, 'params.yaml'), 'lr: 0.1\n');
    assert.equal(await detect(b), b);
  });

  it("does not take a DVC pipeline's own params.yaml + metrics.json for dvclive", async () => {
    await writeFile(path.join(tmp, 'metrics.json'), '{"acc": 0.5, "loss": 0.1}');
    await writeFile(path.join(tmp, 'params.yaml'), 'lr: 0.1\n');
    await writeFile(path.join(tmp, 'dvc.yaml'), 'stages: {}\n');
    assert.equal(await detect(tmp), undefined);
    await writeFile(path.join(tmp, 'metrics.json'), '[1, 2]');
    assert.equal(await detect(tmp), undefined);
  });

  it('finds a dvclive folder whose first next_step has not run yet (no metrics.json)', async () => {
    const d = path.join(tmp, 'dvclive');
    await mkdir(path.join(d, 'plots', 'metrics'), { recursive: true });
    await writeFile(path.join(d, 'plots', 'metrics', 'loss.tsv'), 'step\tloss\n0\t1.0\n');
    assert.equal(await detect(d), d);
    assert.equal(await detect(path.join(d, 'plots', 'metrics')), d);
    const other = path.join(tmp, 'notes');
    await mkdir(other);
    await writeFile(path.join(other, 'params.yaml'), 'a: 1\n');
    assert.equal(await detect(other), undefined);
  });
});
