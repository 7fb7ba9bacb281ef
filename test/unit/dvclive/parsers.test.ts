import assert from 'node:assert/strict';
import { parseDvcliveSummary } from '../../../src/core/dvclive/dvcliveSummary';
import { PointColumns } from '../../../src/core/runs/pointColumns';
import { yamlParams } from '../../../src/core/runs/yamlParams';
import { parsePythonJson } from '../../../src/core/text/pythonJson';
import { parsePythonNumber } from '../../../src/core/text/pythonNumber';

describe('parsePythonNumber', () => {
  it('reads what str() of a Python int, float, numpy scalar or bool gives', () => {
    const cases: Array<[string, number]> = [
      ['3', 3],
      ['-2', -2],
      ['0.1', 0.1],
      ['1e-05', 1e-5],
      ['1.5E+20', 1.5e20],
      ['.5', 0.5],
      ['5.', 5],
      [' 2 ', 2],
      ['inf', Infinity],
      ['-inf', -Infinity],
      ['Infinity', Infinity],
      ['True', 1],
      ['False', 0],
    ];
    for (const [text, n] of cases) assert.equal(parsePythonNumber(text), n, text);
    assert.ok(Number.isNaN(parsePythonNumber('nan')));
    assert.ok(Number.isNaN(parsePythonNumber('NaN')));
  });

  it('refuses text that is no number', () => {
    for (const text of ['', 'warmup', '0x10', '1,5', '1e', '--1', 'constructor', 'tensor(0.5)', '[0.5]']) assert.equal(parsePythonNumber(text), undefined, text);
  });
});

describe('parsePythonJson', () => {
  it('reads JSON with the NaN and Infinity Python writes', () => {
    const r = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity, 1e-05], "c": {"d": "x\\ny\\u00e9"}, "e": null, "f": true}');
    assert.ok('value' in r);
    const v = r.value as { a: number; b: number[]; c: { d: string }; e: null; f: boolean };
    assert.ok(Number.isNaN(v.a));
    assert.deepEqual(v.b, [Infinity, -Infinity, 1e-5]);
    assert.equal(v.c.d, 'x\nyé');
    assert.equal(v.e, null);
    assert.equal(v.f, true);
  });

  it('names the line of the first error', () => {
    const cases: Array<[string, number]> = [
      ['{\n  "a": 1,\n  "b": \n}', 4],
      ['{\n  "a": 1\n  "b": 2\n}', 3],
      ['{"a": tru}', 1],
      ['{\n "a": "unterminated\n', 2],
      ['{"a": 1}\n\nextra', 3],
      ['', 1],
    ];
    for (const [text, line] of cases) {
      const r = parsePythonJson(text);
      assert.ok('error' in r, text);
      assert.equal(r.error.line, line, text);
    }
  });

  it('keeps a "__proto__" key as data', () => {
    const r = parsePythonJson('{"__proto__": {"x": 1}}');
    assert.ok('value' in r);
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
    assert.equal(({} as { x?: number }).x, undefined);
  });
});

describe('parseDvcliveSummary', () => {
  it("joins nested keys with '/', takes step apart and reads dvclive's NaN strings", () => {
    const r = parseDvcliveSummary('{"train": {"loss": 0.2, "acc": "nan"}, "eval": {"x": {"y": "inf"}}, "flag": true, "phase": "warmup", "step": 4}');
    assert.ok('value' in r);
    assert.equal(r.value.step, 4);
    assert.deepEqual([...r.value.values.keys()], ['train/loss', 'train/acc', 'eval/x/y', 'flag']);
    assert.ok(Number.isNaN(r.value.values.get('train/acc')!));
    assert.equal(r.value.values.get('eval/x/y'), Infinity);
    assert.equal(r.value.values.get('flag'), 1);
  });

  it('refuses a summary that is not an object', () => {
    const r = parseDvcliveSummary('[1, 2]');
    assert.ok('problem' in r);
  });
});

describe('yamlParams', () => {
  it('flattens with dots, keeps scalar text, writes lists as JSON and drops empty mappings', () => {
    const { params, problem } = yamlParams('lr: 1.0e-05\nflag: true\nname: "quoted: yes"\nnone:\nmodel:\n  depth: 3\n  sizes: [1, 2]\n  extra: {}\n');
    assert.equal(problem, undefined);
    assert.deepEqual(params, { lr: '1.0e-05', flag: 'true', name: 'quoted: yes', none: '', 'model.depth': '3', 'model.sizes': '[1,2]' });
  });

  it("keeps Lightning's python tags: a tuple as a list, anything else as its text", () => {
    const text = [
      "activation: !!python/name:torch.nn.modules.activation.ReLU ''",
      'hidden: !!python/tuple',
      '- 8',
      '- 4',
      'dtype: !!python/object/apply:torch.dtype',
      '- float32',
      '',
    ].join('\n');
    const { params, problem } = yamlParams(text);
    assert.equal(problem, undefined);
    assert.equal(params.activation, "!!python/name:torch.nn.modules.activation.ReLU ''");
    assert.equal(params.hidden, '[8,4]');
    assert.equal(params.dtype, '!!python/object/apply:torch.dtype - float32');
  });

  it('follows anchors and merge keys; later duplicate keys win, as PyYAML does', () => {
    const { params } = yamlParams('base: &b {x: 1, y: 2}\nrun:\n  <<: *b\n  y: 3\nk: 1\nk: 2\n');
    assert.deepEqual(params, { 'base.x': '1', 'base.y': '2', 'run.x': '1', 'run.y': '3', k: '2' });
  });

  it('reports invalid YAML by line, and a top level that is not a mapping', () => {
    assert.equal(yamlParams('a: 1\nb: [2\n').problem?.line, 3);
    assert.match(yamlParams('- 1\n- 2\n').problem?.message ?? '', /mapping/);
    assert.deepEqual(yamlParams(''), { params: {} });
    assert.deepEqual(yamlParams('# only a comment\n'), { params: {} });
  });
});

describe('PointColumns', () => {
  it('keeps the latest by step, then by the later line when the file has no times', () => {
    const c = new PointColumns();
    c.push(0, NaN, 5);
    c.push(1, NaN, 3);
    c.push(1, NaN, 1);
    c.push(0, NaN, 9);
    assert.deepEqual(c.latest(1000), { step: 1, timestamp: 1000, value: 1 });
  });

  it("uses MLflow's (step, timestamp, value) rule when the file has times", () => {
    const c = new PointColumns();
    c.push(2, 20, 1);
    c.push(2, 10, 9);
    c.push(2, 20, 0.5);
    assert.deepEqual(c.latest(0), { step: 2, timestamp: 20, value: 1 });
  });

  it('grows past its first capacity and sorts points by step, keeping file order among equals', () => {
    const c = new PointColumns();
    for (let i = 0; i < 100; i++) c.push(100 - i, i, i);
    c.push(50, NaN, -1);
    const points = c.points(7);
    assert.equal(points.length, 101);
    assert.deepEqual(points.slice(49, 52), [
      { step: 50, timestamp: 50, value: 50 },
      { step: 50, timestamp: 7, value: -1 },
      { step: 51, timestamp: 49, value: 49 },
    ]);
    c.clear();
    assert.equal(c.latest(0), undefined);
    assert.equal(c.length, 0);
  });
});
