import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { MlflowFileStoreReader } from '../../../src/core/mlflow/fileStore/fileStoreReader';
import { storeRefFor } from '../../../src/core/discovery/trackingUri';
import { openStore } from '../../../src/core/runs/openStore';
import type { StoreDelta } from '../../../src/core/runs/types';
import { copyFixture, FIXTURE, RUN_A, RUN_B, RUN_C, RUN_D, RUN_E, runMeta } from './helpers';

const byId = <T extends { runId: string }>(xs: T[]) => new Map(xs.map((x) => [x.runId, x]));

describe('MlflowFileStoreReader.readAll on the hand-made store', () => {
  const ref = storeRefFor('mlflow-file', FIXTURE);

  it('lists the experiments with their tags, the deleted one in .trash included, skipping models', async () => {
    const snap = await new MlflowFileStoreReader(ref).readAll();
    assert.deepEqual(snap.problems, []);
    assert.deepEqual(snap.experiments.map((e) => [e.experimentId, e.name, e.lifecycleStage]).sort(), [['0', 'Default', 'active'], ['1', 'second', 'active'], ['7', 'gone', 'deleted']]);
    assert.equal(snap.experiments.find((e) => e.experimentId === '7')?.metaPath, path.join(FIXTURE, '.trash', '7', 'meta.yaml'));
    const second = snap.experiments.find((e) => e.experimentId === '1');
    assert.deepEqual(second?.tags, { team: 'vision' });
    assert.equal(second?.metaPath, path.join(FIXTURE, '1', 'meta.yaml'));
    assert.equal(second?.creationTime, 1700000100000);
  });

  it('lists every run, deleted ones and those of deleted experiments included, with params, tags, latest metrics and parents', async () => {
    const snap = await new MlflowFileStoreReader(ref).readAll();
    const runs = byId(snap.runs);
    assert.deepEqual([...runs.keys()].sort(), [RUN_A, RUN_B, RUN_C, RUN_D, RUN_E]);
    assert.deepEqual([runs.get(RUN_E)!.experimentId, runs.get(RUN_E)!.lifecycleStage, runs.get(RUN_E)!.runName], ['7', 'deleted', 'trashed']);
    const a = runs.get(RUN_A)!;
    assert.equal(a.runName, 'parent');
    assert.equal(a.status, 'FINISHED');
    assert.equal(a.userId, 'alice');
    assert.equal(a.metaPath, path.join(FIXTURE, '0', RUN_A, 'meta.yaml'));
    assert.deepEqual(a.params, { lr: '0.01', 'model/depth': '6' });
    assert.deepEqual(a.metrics.loss, { value: 0.25, step: 2, timestamp: 1700000004000 });
    assert.deepEqual(a.metrics.acc, { value: 0.8, step: 0, timestamp: 1700000003000 }, 'legacy lines are step 0');
    assert.equal(a.parentRunId, null);
    const b = runs.get(RUN_B)!;
    assert.equal(b.runName, 'child', 'no run_name in meta.yaml: from the mlflow.runName tag');
    assert.equal(b.parentRunId, RUN_A);
    assert.equal(b.status, 'FAILED');
    assert.equal(b.endTime, null);
    assert.ok(Number.isNaN(b.metrics.loss.value) && b.metrics.loss.step === 1);
    assert.equal(runs.get(RUN_C)!.lifecycleStage, 'deleted');
    const d = runs.get(RUN_D)!;
    assert.equal(d.experimentId, '1');
    assert.deepEqual(d.params, { 'optimizer/name': 'adam' });
    assert.deepEqual(d.metrics['train/loss'], { value: 25, step: 3, timestamp: 1700000105000 });
    assert.equal(d.store.uri, ref.uri);
  });

  it('gives a full metric history in file order', async () => {
    const reader = new MlflowFileStoreReader(ref);
    const h = await reader.metricHistory(RUN_D, 'train/loss');
    assert.deepEqual(h, [
      { step: 0, timestamp: 1700000102000, value: 0.001 },
      { step: 1, timestamp: 1700000103000, value: -Infinity },
      { step: 2, timestamp: 1700000104000, value: Infinity },
      { step: 3, timestamp: 1700000105000, value: 25 },
    ]);
    assert.deepEqual(await reader.metricHistory(RUN_D, 'no-such-metric'), []);
    assert.deepEqual(await reader.metricHistory(RUN_D, '../../meta.yaml'), []);
    await assert.rejects(reader.metricHistory('ffffffffffffffffffffffffffffffff', 'loss'), { name: 'StoreError' });
  });

  it('is what openStore returns for a file store', () => {
    assert.ok(openStore(ref) instanceof MlflowFileStoreReader);
  });

  it('throws a StoreError for a missing store folder', async () => {
    await assert.rejects(new MlflowFileStoreReader(storeRefFor('mlflow-file', path.join(FIXTURE, 'nope'))).readAll(), { name: 'StoreError', message: /does not exist/ });
  });
});

describe('MlflowFileStoreReader.sync and applyChanges', () => {
  let tmp: string;
  let root: string;
  let reader: MlflowFileStoreReader;
  beforeEach(async () => {
    ({ tmp, root } = await copyFixture());
    reader = new MlflowFileStoreReader(storeRefFor('mlflow-file', root));
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  const empty = (d: StoreDelta) => d.runs.length === 0 && d.appends.length === 0 && d.experiments.length === 0 && d.removedRunIds.length === 0 && d.removedExperimentIds.length === 0;

  it('reports everything on the first sync, with histories as replaced appends, then nothing', async () => {
    const first = await reader.sync();
    assert.equal(first.runs.length, 5);
    assert.equal(first.experiments.length, 3);
    const loss = first.appends.find((a) => a.runId === RUN_A && a.key === 'loss')!;
    assert.equal(loss.replaced, true);
    assert.deepEqual(Array.from(loss.series.values), [0.9, 0.5, 0.25]);
    assert.equal(first.appends.length, 4);
    assert.ok(empty(await reader.sync()));
  });

  it('sees an appended metric line through sync', async () => {
    await reader.sync();
    await appendFile(path.join(root, '0', RUN_A, 'metrics', 'loss'), '1700000005000 0.125 3\n');
    const d = await reader.sync();
    assert.deepEqual(d.runs.map((r) => r.runId), [RUN_A]);
    assert.deepEqual(d.runs[0].metrics.loss, { value: 0.125, step: 3, timestamp: 1700000005000 });
    assert.equal(d.appends.length, 1);
    assert.equal(d.appends[0].replaced, false);
    assert.deepEqual(Array.from(d.appends[0].series.steps), [3]);
  });

  it('applies a watcher event for one metric file', async () => {
    await reader.sync();
    const file = path.join(root, '1', RUN_D, 'metrics', 'train', 'loss');
    await appendFile(file, '1700000106000 0.5 4\n');
    const d = await reader.applyChanges([file]);
    assert.deepEqual(d.runs.map((r) => r.runId), [RUN_D]);
    assert.deepEqual(d.runs[0].metrics['train/loss'], { value: 0.5, step: 4, timestamp: 1700000106000 });
    assert.deepEqual(d.appends.map((a) => [a.key, a.replaced, Array.from(a.series.values)]), [['train/loss', false, [0.5]]]);
    assert.deepEqual(d.runs[0].params, { 'optimizer/name': 'adam' }, 'the rest of the run is kept');
    const newKey = path.join(root, '1', RUN_D, 'metrics', 'val_acc');
    await writeFile(newKey, '1 0.75 0\n');
    const d2 = await reader.applyChanges([newKey]);
    assert.deepEqual(d2.runs[0].metrics.val_acc, { value: 0.75, step: 0, timestamp: 1 });
    assert.equal(d2.appends[0].replaced, true);
  });

  it('picks up a new run folder and a removed one', async () => {
    await reader.sync();
    const newRun = 'e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6';
    const dir = path.join(root, '1', newRun);
    await mkdir(path.join(dir, 'tags'), { recursive: true });
    await writeFile(path.join(dir, 'meta.yaml'), runMeta(newRun, '1', 'fresh'));
    await writeFile(path.join(dir, 'tags', 'mlflow.parentRunId'), RUN_D);
    const added = await reader.applyChanges([dir]);
    assert.deepEqual(added.runs.map((r) => [r.runId, r.runName, r.parentRunId]), [[newRun, 'fresh', RUN_D]]);
    await rm(path.join(root, '0', RUN_C), { recursive: true });
    const removed = await reader.applyChanges([path.join(root, '0', RUN_C)]);
    assert.deepEqual(removed.removedRunIds, [RUN_C]);
    await rm(dir, { recursive: true });
    const viaSync = await reader.sync();
    assert.deepEqual(viaSync.removedRunIds, [newRun]);
  });

  it('re-reads a run whose meta.yaml or tags changed', async () => {
    await reader.sync();
    const meta = path.join(root, '0', RUN_A, 'meta.yaml');
    await writeFile(meta, runMeta(RUN_A, '0', 'renamed').replace('status: 1', 'status: 5'));
    const d = await reader.applyChanges([meta]);
    assert.equal(d.runs[0].runName, 'renamed');
    assert.equal(d.runs[0].status, 'KILLED');
    assert.deepEqual(d.runs[0].metrics.loss, { value: 0.25, step: 2, timestamp: 1700000004000 }, 'metrics kept');
    assert.deepEqual(d.appends, []);
    const tag = path.join(root, '0', RUN_A, 'tags', 'note');
    await writeFile(tag, 'hello');
    const d2 = await reader.applyChanges([tag]);
    assert.equal(d2.runs[0].tags.note, 'hello');
    // MLflow never rewrites a param, so sync trusts folder stamps for them; a watcher event still re-reads them.
    const param = path.join(root, '0', RUN_A, 'params', 'lr');
    await writeFile(param, '0.02');
    const d3 = await reader.applyChanges([param]);
    assert.equal(d3.runs[0].params.lr, '0.02');
  });

  it('ignores artifact changes and paths outside the store', async () => {
    await reader.sync();
    const d = await reader.applyChanges([path.join(root, '0', RUN_A, 'artifacts', 'model.pkl'), path.join(tmp, 'elsewhere'), path.join(root, '.trash', '7')]);
    assert.ok(empty(d));
  });

  it('sees a rewritten (truncated) metric file as replaced', async () => {
    await reader.sync();
    const file = path.join(root, '0', RUN_A, 'metrics', 'loss');
    await writeFile(file, '5 0.01 0\n');
    const d = await reader.applyChanges([file]);
    assert.equal(d.appends[0].replaced, true);
    assert.deepEqual(Array.from(d.appends[0].series.values), [0.01]);
    assert.deepEqual(d.runs[0].metrics.loss, { value: 0.01, step: 0, timestamp: 5 });
  });

  it('restores exported state: a reopen re-reads nothing unchanged, and only what changed', async () => {
    const first = await reader.sync();
    const state = JSON.parse(JSON.stringify(reader.exportState()));
    const reopened = new MlflowFileStoreReader(storeRefFor('mlflow-file', root));
    assert.equal(reopened.importState(state, first.runs), true);
    assert.ok(empty(await reopened.sync()));
    await appendFile(path.join(root, '0', RUN_B, 'metrics', 'loss'), '1700000008000 0.3 2\n');
    const later = new MlflowFileStoreReader(storeRefFor('mlflow-file', root));
    later.importState(state, first.runs);
    const d = await later.sync();
    assert.deepEqual(d.runs.map((r) => r.runId), [RUN_B]);
    assert.deepEqual(d.runs[0].metrics.loss, { value: 0.3, step: 2, timestamp: 1700000008000 });
    assert.equal(d.appends.length, 1);
    assert.equal(d.appends[0].replaced, false);
  });

  it('ignores malformed or foreign state and starts fresh', async () => {
    const first = await reader.sync();
    for (const bad of [null, 42, { version: 1 }, { version: 1, root, experiments: [], runs: [{ key: 1 }] }, { ...(reader.exportState() as object), root: '/other' }]) {
      const r = new MlflowFileStoreReader(storeRefFor('mlflow-file', root));
      assert.equal(r.importState(bad, first.runs), false);
      assert.equal((await r.sync()).runs.length, 5);
    }
  });

  it('notices a metric file touched without a size change', async () => {
    await reader.sync();
    const file = path.join(root, '0', RUN_A, 'metrics', 'loss');
    await writeFile(file, '1700000002000 0.9 0\n1700000003000 0.5 1\n1700000004000 0.75 2\n');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const d = await reader.sync();
    assert.equal(d.appends[0].replaced, true);
    assert.equal(d.runs[0].metrics.loss.value, 0.75);
  });

  it('reads the metric history of a run in a deleted experiment', async () => {
    const metrics = path.join(root, '.trash', '7', RUN_E, 'metrics');
    await mkdir(metrics, { recursive: true });
    await writeFile(path.join(metrics, 'loss'), '5 0.5 0\n6 0.25 1\n');
    assert.deepEqual(await reader.metricHistory(RUN_E, 'loss'), [{ step: 0, timestamp: 5, value: 0.5 }, { step: 1, timestamp: 6, value: 0.25 }]);
    const snap = await reader.readAll();
    assert.deepEqual(snap.runs.find((r) => r.runId === RUN_E)?.metrics.loss, { step: 1, timestamp: 6, value: 0.25 });
  });

  /** What mlflow.delete_experiment does: mark the runs deleted, then move the folder into .trash. */
  async function deleteExperiment1(): Promise<void> {
    const meta = path.join(root, '1', RUN_D, 'meta.yaml');
    await writeFile(meta, (await readFile(meta, 'utf8')).replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    const expMeta = path.join(root, '1', 'meta.yaml');
    await writeFile(expMeta, (await readFile(expMeta, 'utf8')).replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    await rename(path.join(root, '1'), path.join(root, '.trash', '1'));
  }

  it('sees an experiment deleted into .trash through sync: changed, not removed', async () => {
    await reader.sync();
    await deleteExperiment1();
    const d = await reader.sync();
    assert.deepEqual(d.removedRunIds, []);
    assert.deepEqual(d.removedExperimentIds, []);
    assert.deepEqual(d.experiments.map((e) => [e.experimentId, e.lifecycleStage, e.metaPath]), [['1', 'deleted', path.join(root, '.trash', '1', 'meta.yaml')]]);
    assert.deepEqual(d.runs.map((r) => [r.runId, r.lifecycleStage, r.metrics['train/loss']?.value]), [[RUN_D, 'deleted', 25]]);
    assert.deepEqual((await reader.metricHistory(RUN_D, 'train/loss')).length, 4);
    assert.ok(empty(await reader.sync()));
  });

  it('applies watcher events for an experiment moved into .trash and back', async () => {
    await reader.sync();
    await deleteExperiment1();
    const d = await reader.applyChanges([path.join(root, '1')]);
    assert.deepEqual([d.removedRunIds, d.removedExperimentIds], [[], []]);
    assert.deepEqual(d.experiments.map((e) => [e.experimentId, e.lifecycleStage]), [['1', 'deleted']]);
    assert.deepEqual(d.runs.map((r) => [r.runId, r.lifecycleStage]), [[RUN_D, 'deleted']]);
    await rename(path.join(root, '.trash', '1'), path.join(root, '1'));
    const back = await reader.applyChanges([path.join(root, '.trash')]);
    assert.deepEqual(back.runs.map((r) => r.runId), [RUN_D]);
    assert.deepEqual(back.experiments.map((e) => e.metaPath), [path.join(root, '1', 'meta.yaml')]);
    await rm(path.join(root, '.trash', '7'), { recursive: true });
    const purged = await reader.applyChanges([path.join(root, '.trash', '7')]);
    assert.deepEqual([purged.removedRunIds, purged.removedExperimentIds], [[RUN_E], ['7']]);
  });

  it('skips a deleted copy of an experiment that is also active, as MLflow reads the active one', async () => {
    await cp(path.join(root, '1'), path.join(root, '.trash', '1'), { recursive: true });
    const snap = await reader.readAll();
    assert.equal(snap.runs.filter((r) => r.runId === RUN_D).length, 1);
    assert.equal(snap.runs.find((r) => r.runId === RUN_D)?.metaPath, path.join(root, '1', RUN_D, 'meta.yaml'));
    assert.equal(snap.experiments.filter((e) => e.experimentId === '1').length, 1);
    assert.match(snap.problems.find((p) => p.file === path.join(root, '.trash', '1'))?.message ?? '', /both active and in \.trash/);
  });

  it('keeps the exported state compact: no absolute paths beyond the root', async () => {
    await reader.sync();
    const text = JSON.stringify(reader.exportState());
    assert.equal(text.split(root).length - 1, 1, 'the root once');
  });
});
