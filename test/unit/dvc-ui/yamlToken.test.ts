import assert from 'node:assert/strict';
import { interpolatedName, interpolationAt, scalarEnd } from '../../../src/features/pipelines/yamlToken';

describe('YAML tokens on a dvc.yaml line', () => {
  it('finds the end of plain, quoted and keyed scalars', () => {
    const dep = '      - data/raw/iris.csv';
    assert.equal(dep.slice(8, scalarEnd(dep, 8)), 'data/raw/iris.csv');
    const out = '        - metrics/${item}.json:';
    assert.equal(out.slice(10, scalarEnd(out, 10)), 'metrics/${item}.json');
    const commented = '      - model.pkl  # the model';
    assert.equal(commented.slice(8, scalarEnd(commented, 8)), 'model.pkl');
    const quoted = `      - "a b: c.csv" # x`;
    assert.equal(quoted.slice(8, scalarEnd(quoted, 8)), '"a b: c.csv"');
    const single = `      - 'it''s.csv'`;
    assert.equal(single.slice(8, scalarEnd(single, 8)), `'it''s.csv'`);
    const flow = '    deps: [a.csv, b.csv]';
    assert.equal(flow.slice(11, scalarEnd(flow, 11)), 'a.csv');
    const url = '      - s3://bucket/key';
    assert.equal(url.slice(8, scalarEnd(url, 8)), 's3://bucket/key');
  });

  it('finds the ${...} under the cursor and the name it reads', () => {
    const line = '    cmd: python train.py --lr ${train.lr} --split ${item}';
    const at = line.indexOf('train.lr') + 2;
    const found = interpolationAt(line, at);
    assert.deepEqual(found && { e: found.expression, s: line.slice(found.start, found.end) }, { e: 'train.lr', s: '${train.lr}' });
    assert.equal(interpolationAt(line, 5), undefined);
    assert.equal(interpolationAt('a \\${x}', 4), undefined, 'an escaped ${ is text');
    assert.equal(interpolatedName('train.lr'), 'train.lr');
    assert.equal(interpolatedName('models[0]'), 'models');
    assert.equal(interpolatedName('1 + 2'), undefined);
  });
});
