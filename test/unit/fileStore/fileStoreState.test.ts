import assert from 'node:assert/strict';
import * as path from 'node:path';
import { exportFileStoreState, importFileStoreState, type RunState } from '../../../src/core/mlflow/fileStore/fileStoreState';
import type { Run, StoreRef } from '../../../src/core/runs/types';

describe('file store state export and import', () => {
  const root = path.join(path.sep, 'data', 'mlruns');
  const store: StoreRef = { kind: 'mlflow-file', uri: 'file:///data/mlruns', path: root };
  const run = (runId: string, experimentId: string): Run => ({
    runId, runName: 'r', experimentId, status: 'FINISHED', startTime: 1, endTime: 2, lifecycleStage: 'deleted', artifactUri: null, userId: null,
    params: { 'model/depth': '6', lr: '0.1' }, tags: { note: 'x' }, metrics: { loss: { step: 1, timestamp: 2, value: 0.5 } }, parentRunId: null, store,
  });

  it('gives back every metric file mtime exactly, also when a difference to meta.yaml would round', () => {
    for (const [metaMtimeMs, mtimeMs] of [[1795672460849.6719, 1795672460849.6719], [1795672460849.6719, 1795672461000.125], [1795672460849.6719, 0.30000000000000004], [5e-324, 1795672460849.6719]]) {
      const r = run('abc', '7');
      const state: RunState = {
        key: '.trash/7/abc', metaSize: 10, metaMtimeMs, paramsSig: 1, paramDirs: [''], tagsSig: 2, tagDirs: [''], tagKeys: ['note'], metricsSig: 3, metricDirs: [''],
        metrics: new Map([['loss', { size: 20, mtimeMs, cursor: { offset: 18, lines: 2, check: 99, latest: r.metrics.loss } }]]), run: r, metaRunName: 'r',
      };
      const json = JSON.parse(JSON.stringify(exportFileStoreState(root, [], [state])));
      const back = importFileStoreState(store, json, [r]);
      const s = back?.runs[0];
      assert.equal(s?.key, '.trash/7/abc');
      assert.equal(s?.metrics.get('loss')?.mtimeMs, mtimeMs, `${metaMtimeMs} ${mtimeMs}`);
      assert.deepEqual(s?.metrics.get('loss')?.cursor, { offset: 18, lines: 2, check: 99, latest: r.metrics.loss });
      assert.deepEqual(s?.paramDirs.sort(), ['', 'model/']);
      assert.deepEqual(s?.tagKeys, ['note']);
    }
  });

  it('rejects another version, another root and malformed rows', () => {
    const r = run('abc', '0');
    assert.equal(importFileStoreState(store, { version: 1, root, experiments: [], runs: [] }, [r]), undefined);
    assert.equal(importFileStoreState(store, { version: 2, root: '/other', experiments: [], runs: {} }, [r]), undefined);
    assert.equal(importFileStoreState(store, { version: 2, root, experiments: [], runs: { 0: [['abc', '', 1, 2, 3, 4, 5, 1, 'loss', 10, 0, 11, 1, 1]] } }, [r]), undefined, 'offset past the size');
    assert.equal(importFileStoreState(store, { version: 2, root, experiments: [], runs: { 0: [['abc', '', 1, 2, 3]] } }, [r]), undefined);
    assert.equal(importFileStoreState(store, { version: 2, root, experiments: [], runs: { 0: [['abc', '', 1, 2, 3, 4, 5, 1]] } }, [r])?.runs.length, 1);
  });
});
