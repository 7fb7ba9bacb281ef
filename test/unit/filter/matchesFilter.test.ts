import assert from 'node:assert/strict';
import { matchesFilter } from '../../../src/core/runs/filter/matchesFilter';
import { parseRunFilter } from '../../../src/core/runs/filter/parseRunFilter';
import { makeRun } from './makeRun';

const matches = (filter: string, run = makeRun()) => matchesFilter(run, parseRunFilter(filter));

describe('matchesFilter', () => {
  const run = makeRun({
    runId: 'abc123', runName: 'Resnet-50', status: 'FINISHED', startTime: 1000, endTime: null,
    metrics: { acc: 0.9, 'f1 score': 0.5, bad: NaN, inf: Infinity },
    params: { lr: '0.01', opt: 'Adam_v2', 'model/depth': '3' },
    tags: { 'mlflow.runName': 'Resnet-50', team: 'vision' },
  });

  it('matches everything with an empty filter', () => {
    assert.equal(matches('', run), true);
  });

  it('compares metrics numerically with every operator', () => {
    const expect: Array<[string, boolean]> = [
      ['=', false], ['!=', true], ['<', false], ['<=', false], ['>', true], ['>=', true],
    ];
    for (const [op, result] of expect) assert.equal(matches(`metrics.acc ${op} 0.5`, run), result, op);
    assert.equal(matches('metrics.acc = 0.9', run), true);
    assert.equal(matches('metrics.acc <= 0.9', run), true);
    assert.equal(matches('metrics.`f1 score` < 1', run), true);
    assert.equal(matches('metrics.inf > 1e308', run), true);
  });

  it('never matches a missing metric, param or tag, even with !=', () => {
    assert.equal(matches('metrics.loss != 1', run), false);
    assert.equal(matches("params.missing != 'x'", run), false);
    assert.equal(matches("tags.missing != 'x'", run), false);
  });

  it('never matches a NaN metric', () => {
    for (const op of ['=', '!=', '<', '>']) assert.equal(matches(`metrics.bad ${op} 0`, run), false, op);
  });

  it('compares params and tags as strings', () => {
    assert.equal(matches("params.lr = '0.01'", run), true);
    assert.equal(matches("params.lr = '0.010'", run), false);
    assert.equal(matches("params.`model/depth` = '3'", run), true);
    assert.equal(matches("tags.team != 'audio'", run), true);
    assert.equal(matches(`tags."mlflow.runName" = 'Resnet-50'`, run), true);
  });

  it('treats % and _ as LIKE wildcards, case-sensitive, and the rest literally', () => {
    assert.equal(matches("params.opt LIKE 'Adam%'", run), true);
    assert.equal(matches("params.opt LIKE 'adam%'", run), false);
    assert.equal(matches("params.opt LIKE 'Adam_v_'", run), true);
    assert.equal(matches("params.opt LIKE 'Adam_'", run), false);
    assert.equal(matches("params.opt LIKE '%v2'", run), true);
    assert.equal(matches("params.lr LIKE '0_01'", run), true);
    assert.equal(matches("params.lr LIKE '0.0_'", run), true);
    assert.equal(matches("params.opt LIKE 'Ada.%'", run), false, 'a dot is literal');
  });

  it('ignores case with ILIKE', () => {
    assert.equal(matches("params.opt ILIKE 'adam%'", run), true);
    assert.equal(matches("attributes.run_name ILIKE '%RESNET%'", run), true);
    assert.equal(matches("params.opt ILIKE 'sgd%'", run), false);
  });

  it('compares string attributes and skips null ones', () => {
    assert.equal(matches("status = 'FINISHED'", run), true);
    assert.equal(matches("attributes.status != 'FINISHED'", run), false);
    assert.equal(matches("run_name = 'Resnet-50'", run), true);
    assert.equal(matches("`Run Name` LIKE 'Res%'", run), true);
    assert.equal(matches("user_id = 'alice'", run), true);
    assert.equal(matches("user_id = 'alice'", makeRun({ userId: null })), false);
  });

  it('compares start_time and end_time as numbers, never matching a null time', () => {
    assert.equal(matches('attributes.start_time >= 1000', run), true);
    assert.equal(matches('created > 1000', run), false);
    assert.equal(matches('end_time > 0', run), false);
    assert.equal(matches('end_time != 0', run), false);
  });

  it('matches run_id IN and NOT IN', () => {
    assert.equal(matches("run_id IN ('abc123', 'def')", run), true);
    assert.equal(matches("run_id IN ('def')", run), false);
    assert.equal(matches("run_id NOT IN ('def')", run), true);
    assert.equal(matches("run_id NOT IN ('abc123')", run), false);
  });

  it('requires every AND-ed clause', () => {
    assert.equal(matches("metrics.acc > 0.5 AND params.opt LIKE 'Adam%' and status = 'FINISHED'", run), true);
    assert.equal(matches("metrics.acc > 0.5 AND params.opt LIKE 'sgd%'", run), false);
  });
});
