import assert from 'node:assert/strict';
import { buildCompareTable, deltasAgainst, experimentNameKey, groupMeansTable, sortRunsByRow } from '../../../src/core/compare/compareTable';
import { naturalCompare } from '../../../src/core/compare/naturalCompare';
import { numericParam } from '../../../src/core/compare/paramValue';
import type { CompareTable } from '../../../src/core/compare/types';
import { makeRun } from '../filter/makeRun';

const runs = [
  makeRun({
    runId: 'r1', runName: 'first', startTime: 1000, endTime: 61_000, userId: 'alice',
    params: { lr: '0.01', opt: 'adam', layer10: '1', layer2: '1', seed: '007' },
    metrics: { acc: 0.8, loss: 0.5 },
    tags: { team: 'vision', 'mlflow.source.git.commit': 'abc123', 'mlflow.source.name': 'train.py', alpha: 'x' },
  }),
  makeRun({
    runId: 'r2', runName: 'second', startTime: 2000, endTime: null, status: 'RUNNING', userId: 'alice',
    params: { lr: '0.1', opt: 'adam', layer10: '1', layer2: '1' },
    metrics: { acc: 0.9, loss: NaN },
    tags: { team: 'vision', 'mlflow.source.git.commit': 'abc123', 'mlflow.source.name': 'train.py' },
  }),
  makeRun({
    runId: 'r3', runName: 'third', experimentId: '7', startTime: 3000, endTime: 4000, userId: 'bob',
    params: { lr: '1e-3', opt: 'sgd', layer10: '1', layer2: '1' },
    metrics: { acc: 0.7, loss: NaN },
    tags: { team: 'vision', 'mlflow.source.git.commit': 'def456' },
  }),
];

function row(table: CompareTable, section: string, key: string) {
  const r = table.rows.find((x) => x.section === section && x.key === key);
  assert.ok(r, `no row ${section} ${key}`);
  return r;
}

describe('buildCompareTable', () => {
  const table = buildCompareTable(runs, { experimentNames: { '0': 'Default', [experimentNameKey(runs[2].store.uri, '7')]: 'vision' } });

  it('lists runs as columns and attributes, params, metrics and tags as rows, in that order', () => {
    assert.deepEqual(table.runIds, ['r1', 'r2', 'r3']);
    assert.deepEqual(table.runNames, ['first', 'second', 'third']);
    const keys = table.rows.map((r) => `${r.section}:${r.key}`);
    assert.deepEqual(keys, [
      'attribute:status', 'attribute:duration', 'attribute:startTime', 'attribute:user', 'attribute:gitCommit',
      'attribute:source', 'attribute:store', 'attribute:experiment',
      'param:layer2', 'param:layer10', 'param:lr', 'param:opt', 'param:seed',
      'metric:acc', 'metric:loss',
      'tag:alpha', 'tag:team', 'tag:mlflow.source.git.commit', 'tag:mlflow.source.name',
    ]);
  });

  it('fills attributes from the run and its system tags', () => {
    assert.deepEqual(row(table, 'attribute', 'status').values, ['FINISHED', 'RUNNING', 'FINISHED']);
    assert.deepEqual(row(table, 'attribute', 'duration').values, [60_000, null, 1000]);
    assert.deepEqual(row(table, 'attribute', 'startTime').values, [1000, 2000, 3000]);
    assert.deepEqual(row(table, 'attribute', 'gitCommit').values, ['abc123', 'abc123', 'def456']);
    assert.deepEqual(row(table, 'attribute', 'source').values, ['train.py', 'train.py', null]);
    assert.deepEqual(row(table, 'attribute', 'store').values, ['mlflow-file', 'mlflow-file', 'mlflow-file']);
    assert.deepEqual(row(table, 'attribute', 'experiment').values, ['Default', 'Default', 'vision']);
    assert.deepEqual(row(buildCompareTable(runs), 'attribute', 'experiment').values, ['0', '0', '7']);
  });

  it('turns numeric-looking params into numbers, but not leading zeros', () => {
    assert.deepEqual(row(table, 'param', 'lr').values, [0.01, 0.1, 0.001]);
    assert.deepEqual(row(table, 'param', 'opt').values, ['adam', 'adam', 'sgd']);
    assert.deepEqual(row(table, 'param', 'seed').values, ['007', null, null]);
    assert.equal(numericParam('-2.5e3'), -2500);
    assert.equal(numericParam('12345678901234567890'), null);
    assert.equal(numericParam('None'), null);
    assert.equal(numericParam('1,000'), null);
    assert.equal(numericParam(''), null);
  });

  it('marks rows whose values differ, missing counting as a value and NaN equal to NaN', () => {
    const differing = table.rows.filter((r) => r.differs).map((r) => `${r.section}:${r.key}`);
    assert.deepEqual(differing, [
      'attribute:status', 'attribute:duration', 'attribute:startTime', 'attribute:user', 'attribute:gitCommit',
      'attribute:source', 'attribute:experiment', 'param:lr', 'param:opt', 'param:seed', 'metric:acc', 'metric:loss',
      'tag:alpha', 'tag:mlflow.source.git.commit', 'tag:mlflow.source.name',
    ]);
    const nanOnly = buildCompareTable([runs[1], runs[2]]);
    assert.equal(row(nanOnly, 'metric', 'loss').differs, false);
    assert.equal(row(nanOnly, 'param', 'layer10').differs, false);
    assert.equal(buildCompareTable([runs[0]]).rows.some((r) => r.differs), false);
  });

  it('orders keys naturally', () => {
    const keys = ['layer10', 'Layer1', 'layer2', 'layer02', 'a', 'layer'];
    assert.deepEqual(keys.sort(naturalCompare), ['Layer1', 'a', 'layer', 'layer02', 'layer2', 'layer10']);
    assert.ok(naturalCompare('x99999999999999999999', 'x100000000000000000000') < 0);
  });
});

describe('groupMeansTable, deltasAgainst, sortRunsByRow', () => {
  const table = buildCompareTable(runs);

  it('averages numeric rows per group and keeps common values of the others', () => {
    const groups = new Map([['adam', ['r1', 'r2']], ['sgd', ['r3']], ['empty', ['nope']]]);
    const means = groupMeansTable(table, groups);
    assert.deepEqual(means.runIds, ['adam', 'sgd', 'empty']);
    assert.deepEqual(row(means, 'metric', 'acc').values.slice(0, 2).map((v) => Number((v as number).toFixed(12))), [0.85, 0.7]);
    assert.equal(row(means, 'metric', 'acc').values[2], null);
    assert.deepEqual(row(means, 'metric', 'loss').values, [0.5, NaN, null]);
    assert.deepEqual(row(means, 'param', 'opt').values, ['adam', 'sgd', null]);
    assert.deepEqual(row(means, 'attribute', 'status').values, [null, 'FINISHED', null]);
    assert.equal(row(means, 'param', 'opt').differs, true);
    assert.equal(row(means, 'param', 'layer10').values[0], 1);
  });

  it('computes deltas against a baseline for numeric rows only', () => {
    const deltas = deltasAgainst(table, 'r2');
    const at = (section: string, key: string) => deltas[table.rows.indexOf(row(table, section, key))];
    assert.deepEqual(at('metric', 'acc').map((d) => (d === null ? null : Number(d.toFixed(12)))), [-0.1, 0, -0.2]);
    assert.deepEqual(at('attribute', 'duration'), [null, null, null]);
    assert.deepEqual(at('param', 'opt'), [null, null, null]);
    assert.deepEqual(at('attribute', 'startTime'), [-1000, 0, 1000]);
    assert.throws(() => deltasAgainst(table, 'zzz'), /baseline run 'zzz'/);
  });

  it('sorts runs by a row, missing and NaN last in both directions, ties stable', () => {
    assert.deepEqual(sortRunsByRow(table, { section: 'metric', key: 'acc' }, false), ['r3', 'r1', 'r2']);
    assert.deepEqual(sortRunsByRow(table, { section: 'metric', key: 'acc' }, true), ['r2', 'r1', 'r3']);
    assert.deepEqual(sortRunsByRow(table, { section: 'metric', key: 'loss' }, true), ['r1', 'r2', 'r3']);
    assert.deepEqual(sortRunsByRow(table, { section: 'attribute', key: 'duration' }, false), ['r3', 'r1', 'r2']);
    assert.deepEqual(sortRunsByRow(table, { section: 'attribute', key: 'duration' }, true), ['r1', 'r3', 'r2']);
    assert.deepEqual(sortRunsByRow(table, { section: 'param', key: 'opt' }, true), ['r3', 'r1', 'r2']);
    assert.deepEqual(sortRunsByRow(table, { section: 'param', key: 'seed' }, false), ['r1', 'r2', 'r3']);
    assert.deepEqual(sortRunsByRow(table, { section: 'param', key: 'nope' }, false), ['r1', 'r2', 'r3']);
  });
});
