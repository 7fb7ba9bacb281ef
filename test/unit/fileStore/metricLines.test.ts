import assert from 'node:assert/strict';
import { parseFloatBytes, parseMetricLines } from '../../../src/core/mlflow/fileStore/metricLines';

const arr = (a: Float64Array) => Array.from(a);

describe('parseMetricLines', () => {
  it('reads "timestamp value step" lines', () => {
    const r = parseMetricLines('1700000000000 0.5 0\n1700000001000 0.25 1\n');
    assert.deepEqual(arr(r.series.timestamps), [1700000000000, 1700000001000]);
    assert.deepEqual(arr(r.series.values), [0.5, 0.25]);
    assert.deepEqual(arr(r.series.steps), [0, 1]);
    assert.equal(r.consumedChars, 41);
    assert.equal(r.lines, 2);
    assert.deepEqual(r.problems, []);
  });

  it('reads legacy "timestamp value" lines as step 0', () => {
    const r = parseMetricLines('100 1.5\n200 2.5\n');
    assert.deepEqual(arr(r.series.steps), [0, 0]);
    assert.deepEqual(arr(r.series.values), [1.5, 2.5]);
  });

  it('reads Python float reprs: nan, inf, -inf, exponents, negatives', () => {
    const text = ['1 nan 0', '2 NaN 1', '3 inf 2', '4 -inf 3', '5 Infinity 4', '6 -Infinity 5', '7 1e-3 6', '8 2.5E+10 7', '9 -0.125 8', '10 1e-05 9', '11 -7 10', ''].join('\n');
    const r = parseMetricLines(text);
    assert.deepEqual(r.problems, []);
    const v = arr(r.series.values);
    assert.ok(Number.isNaN(v[0]) && Number.isNaN(v[1]));
    assert.deepEqual(v.slice(2), [Infinity, -Infinity, Infinity, -Infinity, 0.001, 2.5e10, -0.125, 1e-5, -7]);
  });

  it('parses every value exactly as the engine does, including 17-digit reprs', () => {
    const samples = ['0.1', '0.30000000000000004', '0.6931471805599453', '123456789012345678', '1e-300', '5e-324', '1.7976931348623157e308', '3.14159', '.5', '-.5', '1.', '0.000001', '9007199254740993'];
    for (const s of samples) {
      const bytes = Buffer.from(s);
      assert.equal(parseFloatBytes(bytes, 0, bytes.length), Number(s), s);
    }
    for (let i = 0; i < 2000; i++) {
      const x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20);
      const s = String(x);
      const bytes = Buffer.from(s);
      assert.equal(parseFloatBytes(bytes, 0, bytes.length), x, s);
    }
  });

  it('leaves a half-written last line unconsumed', () => {
    const r = parseMetricLines('1 0.5 0\n2 0.7');
    assert.deepEqual(arr(r.series.values), [0.5]);
    assert.equal(r.consumedChars, 8);
    assert.deepEqual(r.problems, []);
  });

  it('skips garbage lines and reports them by 1-based line number', () => {
    const r = parseMetricLines('1 0.5 0\nnot a metric line\n3 abc 2\n4 0.5 1.5\n5 0.5  6\n6 0.9 3\n', { firstLine: 10 });
    assert.deepEqual(arr(r.series.values), [0.5, 0.9]);
    assert.deepEqual(r.problems.map((p) => p.line), [11, 12, 13, 14]);
    assert.match(r.problems[0].message, /expected "timestamp value step"/);
    assert.match(r.problems[1].message, /value is not a number/);
    assert.match(r.problems[2].message, /step is not an integer/);
  });

  it('accepts CRLF line ends and ignores blank lines', () => {
    const r = parseMetricLines('1 0.5 0\r\n\r\n2 0.75 1\r\n');
    assert.deepEqual(arr(r.series.values), [0.5, 0.75]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.lines, 3);
  });

  it('counts consumed characters, not bytes, for a string with non-ASCII garbage', () => {
    const text = '1 é 0\n2 0.5 1\n3 0.';
    const r = parseMetricLines(text);
    assert.equal(r.consumedChars, text.lastIndexOf('\n') + 1);
    assert.equal(r.problems.length, 1);
  });
});
