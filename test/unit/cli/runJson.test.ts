import assert from 'node:assert/strict';
import { experimentToJson, jsonNumber, metricPointToJson, runToJson } from '../../../src/cli/runJson';
import type { Experiment } from '../../../src/core/runs/types';
import { makeRun } from '../filter/makeRun';

describe('runJson', () => {
  it('shapes a run with exactly the documented fields, in order', () => {
    const run = makeRun({
      runId: 'abc', runName: 'r', experimentId: '7', status: 'KILLED', startTime: 5, endTime: null,
      params: { 'model/depth': '3', a: '1' }, tags: { 'mlflow.runName': 'r' }, parentRunId: 'p1',
      metrics: { loss: 0.25 },
    });
    const json = runToJson(run, 'exp');
    assert.deepEqual(Object.keys(json), [
      'runId', 'runName', 'experimentId', 'experimentName', 'status', 'startTime', 'endTime', 'lifecycleStage',
      'params', 'metrics', 'tags', 'parentRunId', 'store',
    ]);
    assert.deepEqual(json, {
      runId: 'abc', runName: 'r', experimentId: '7', experimentName: 'exp', status: 'KILLED', startTime: 5, endTime: null,
      lifecycleStage: 'active', params: { a: '1', 'model/depth': '3' }, metrics: { loss: 0.25 }, tags: { 'mlflow.runName': 'r' },
      parentRunId: 'p1', store: { kind: 'mlflow-file', uri: 'file:///tmp/mlruns' },
    });
    assert.deepEqual(Object.keys(json.params), ['a', 'model/depth'], 'keys sorted for stable output');
  });

  it('writes NaN and the infinities as MLflow REST JSON strings', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, -1.5].map(jsonNumber), ['NaN', 'Infinity', '-Infinity', 0, -1.5]);
    const json = runToJson(makeRun({ metrics: { a: NaN, b: Infinity, c: -Infinity, d: 1 } }), null);
    assert.equal(JSON.stringify(json.metrics), '{"a":"NaN","b":"Infinity","c":"-Infinity","d":1}');
    assert.equal(json.experimentName, null);
    assert.deepEqual(metricPointToJson({ step: 3, timestamp: 9, value: NaN }), { step: 3, timestamp: 9, value: 'NaN' });
  });

  it('shapes an experiment without reader-only fields', () => {
    const exp: Experiment = {
      experimentId: '1', name: 'vision', lifecycleStage: 'deleted', artifactLocation: null, creationTime: 1, lastUpdateTime: null,
      tags: { b: '2', a: '1' }, store: { kind: 'mlflow-sqlite', uri: 'sqlite:////x/mlflow.db', path: '/x/mlflow.db' }, metaPath: '/x/meta.yaml',
    };
    assert.deepEqual(experimentToJson(exp), {
      experimentId: '1', name: 'vision', lifecycleStage: 'deleted', artifactLocation: null, creationTime: 1, lastUpdateTime: null,
      tags: { a: '1', b: '2' }, store: { kind: 'mlflow-sqlite', uri: 'sqlite:////x/mlflow.db' },
    });
  });
});
