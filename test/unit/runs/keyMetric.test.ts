import assert from 'node:assert/strict';
import { metricKeysOf, resolveKeyMetric } from '../../../src/core/runs/keyMetric';
import { snapshotToDelta } from '../../../src/core/runs/snapshotToDelta';
import { SerialQueue } from '../../../src/core/util/serialQueue';
import { makeRun, TEST_STORE } from './makeRun';

const m = (value: number) => ({ value, step: 0, timestamp: 0 });

describe('key metric', () => {
  const runs = [makeRun('a', { metrics: { loss: m(1), zeta: m(2) } }), makeRun('b', { metrics: { accuracy: m(0.9) } })];
  it('lists every metric key once, sorted', () => {
    assert.deepEqual(metricKeysOf(runs), ['accuracy', 'loss', 'zeta']);
  });
  it('prefers the user choice, then a well-known metric, then the first key', () => {
    assert.equal(resolveKeyMetric(runs, 'zeta'), 'zeta');
    assert.equal(resolveKeyMetric(runs, 'gone'), 'accuracy');
    assert.equal(resolveKeyMetric([makeRun('c', { metrics: { b: m(1), a: m(1) } })], undefined), 'a');
    assert.equal(resolveKeyMetric([makeRun('d')], undefined), undefined);
  });
});

describe('snapshotToDelta', () => {
  it('reports changed and vanished runs only', () => {
    const same = makeRun('same');
    const before = [same, makeRun('changed'), makeRun('vanished')];
    const delta = snapshotToDelta({ store: TEST_STORE, experiments: [], runs: [same, makeRun('changed', { status: 'FAILED' }), makeRun('new')], problems: [] }, before, []);
    assert.deepEqual(delta.runs.map((r) => r.runId), ['changed', 'new']);
    assert.deepEqual(delta.removedRunIds, ['vanished']);
  });

  it('sees a change in any param, tag or metric, NaN included', () => {
    const m = (value: number, step = 1) => ({ value, step, timestamp: 5 });
    const base = makeRun('r', { params: { lr: '0.1' }, tags: { team: 'a' }, metrics: { loss: m(NaN) } });
    const changedRuns = (next: ReturnType<typeof makeRun>) => snapshotToDelta({ store: TEST_STORE, experiments: [], runs: [next], problems: [] }, [base], []).runs.length;
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1' }, tags: { team: 'a' }, metrics: { loss: m(NaN) } })), 0, 'NaN equals NaN here');
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.2' }, tags: { team: 'a' }, metrics: { loss: m(NaN) } })), 1);
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1', bs: '8' }, tags: { team: 'a' }, metrics: { loss: m(NaN) } })), 1);
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1' }, tags: { team: 'b' }, metrics: { loss: m(NaN) } })), 1);
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1' }, tags: { team: 'a' }, metrics: { loss: m(NaN, 2) } })), 1);
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1' }, tags: { team: 'a' }, metrics: { loss: m(NaN), acc: m(1) } })), 1);
    assert.equal(changedRuns(makeRun('r', { params: { lr: '0.1' }, tags: { team: 'a' }, metrics: { loss: m(NaN) }, status: 'FAILED' })), 1);
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time, in order, and survives a failing job', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const job = (name: string, ms: number, fail = false) => () => new Promise<void>((res, rej) => {
      log.push(`start ${name}`);
      setTimeout(() => {
        log.push(`end ${name}`);
        if (fail) rej(new Error(name));
        else res();
      }, ms);
    });
    const a = q.run(job('a', 20));
    const b = q.run(job('b', 1, true));
    const c = q.run(job('c', 1));
    assert.equal(q.idle, false);
    await a; await assert.rejects(b, /b/); await c;
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.equal(q.idle, true);
  });
});
