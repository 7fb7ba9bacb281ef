import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineProblemSink, scanMetricBytes, scanMetricBytesByLine } from '../../../src/core/mlflow/fileStore/metricLines';
import { MetricSeriesBuilder } from '../../../src/core/mlflow/fileStore/metricSeriesBuilder';

// scanMetricBytes reads MLflow's usual lines in one pass and hands every other line to the line parser; these tests
// prove it gives exactly what the line-at-a-time scan gives: points (bit for bit: -0 and NaN included), latest
// point, lines consumed, the half-written tail left alone, and the same problems with the same line numbers.

type Scan = typeof scanMetricBytes;

function run(scan: Scan, bytes: Uint8Array, start: number, end: number) {
  const builder = new MetricSeriesBuilder();
  const problems = new LineProblemSink(Number.MAX_SAFE_INTEGER);
  const result = scan(bytes, start, end, builder, 7, problems);
  const series = builder.toSeries();
  return { result, series, latest: builder.latest(), count: builder.count, problems: problems.list, total: problems.total };
}

function sameNumbers(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: ${a[i]} !== ${b[i]}`);
  }
}

function assertSameScan(bytes: Uint8Array, start = 0, end = bytes.length, label = ''): void {
  const fast = run(scanMetricBytes, bytes, start, end);
  const slow = run(scanMetricBytesByLine, bytes, start, end);
  const context = `${label} ${JSON.stringify(Buffer.from(bytes.subarray(start, Math.min(end, start + 200))).toString('latin1'))}`;
  assert.deepEqual(fast.result, slow.result, `consumed/lines ${context}`);
  sameNumbers(fast.series.timestamps, slow.series.timestamps, `timestamps ${context}`);
  sameNumbers(fast.series.values, slow.series.values, `values ${context}`);
  sameNumbers(fast.series.steps, slow.series.steps, `steps ${context}`);
  assert.equal(fast.count, slow.count, context);
  assert.deepEqual(fast.problems, slow.problems, `problems ${context}`);
  assert.equal(fast.total, slow.total);
  if (fast.latest || slow.latest) {
    assert.ok(fast.latest && slow.latest, context);
    sameNumbers(Float64Array.of(fast.latest.step, fast.latest.timestamp, fast.latest.value), Float64Array.of(slow.latest.step, slow.latest.timestamp, slow.latest.value), `latest ${context}`);
  }
}

function metricFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) metricFiles(p, out);
    else if (path.basename(path.dirname(p)) === 'metrics' || p.includes(`${path.sep}metrics${path.sep}`)) out.push(p);
  }
  return out;
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUE_TOKENS = ['0', '1', '-1', '0.5', '-0.0', '0.785615415', '1e-05', '2.5E+10', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '-Infinity',
  '0.30000000000000004', '0.6931471805599453', '123456789012345678', '.5', '-.5', '1.', '.', '-', '+1.5', '1e', 'x', '',
  '0.0000000000000000000000001', '9007199254740993', '1.7976931348623157e308', '5e-324', '00012.5000'];
const INT_TOKENS = ['0', '1', '42', '1760000360001', '-3', '+3', '', 'x', '1.5', '9007199254740993', '0012'];
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', '\t', ''];
const ENDINGS = ['\n', '\n', '\n', '\n', '\r\n', ' \n', '\t\n', '\n\n', ''];

describe('scanMetricBytes (one pass) equals the line-at-a-time scan', () => {
  it('over every metric file of the fixtures', () => {
    const root = path.join(process.cwd(), 'test', 'fixtures');
    const files = metricFiles(root);
    assert.ok(files.length >= 10, `found ${files.length} metric files under ${root}`);
    for (const f of files) {
      const bytes = readFileSync(f);
      assertSameScan(bytes, 0, bytes.length, f);
      // And cut anywhere: a half-written tail must stay unconsumed the same way.
      for (let cut = 0; cut < Math.min(bytes.length, 120); cut += 7) assertSameScan(bytes, 0, cut, `${f} cut at ${cut}`);
    }
  });

  it('over MLflow-shaped lines with every spelling, CRLF, blanks and garbage mixed in (seeded random)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
      let text = '';
      const lines = 1 + Math.floor(rnd() * 30);
      for (let l = 0; l < lines; l++) {
        const r = rnd();
        if (r < 0.6) {
          // The usual line, with random numbers.
          const value = rnd() < 0.5 ? String(Math.round(rnd() * 1e9) / 1e9) : String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15));
          text += `${1760000000000 + Math.floor(rnd() * 1e6)} ${value} ${Math.floor(rnd() * 1e5)}\n`;
        } else if (r < 0.95) {
          const fields = [pick(INT_TOKENS), pick(VALUE_TOKENS)];
          if (rnd() < 0.7) fields.push(pick(INT_TOKENS));
          if (rnd() < 0.05) fields.push(pick(INT_TOKENS));
          text += (rnd() < 0.1 ? pick(SEPARATORS) : '') + fields.join(pick(SEPARATORS)) + pick(ENDINGS);
        } else {
          text += String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 256))) + '\n';
        }
      }
      const bytes = Buffer.from(text, 'latin1');
      assertSameScan(bytes, 0, bytes.length, `seed ${seed}`);
      const start = Math.floor(rnd() * bytes.length);
      const end = start + Math.floor(rnd() * (bytes.length - start + 1));
      assertSameScan(bytes, start, end, `seed ${seed} [${start}, ${end})`);
    }
  });

  it('reports a bad line with its line number among good ones, as the line scan does', () => {
    const bytes = Buffer.from('1 0.5 0\n2 oops 1\n3 0.25 2\n4 0.125\n5 1 2 3\n6 0.1 3');
    const fast = run(scanMetricBytes, bytes, 0, bytes.length);
    assert.deepEqual(fast.problems.map((p) => p.line), [8, 11]);
    assert.deepEqual(Array.from(fast.series.values), [0.5, 0.25, 0.125]);
    assert.equal(fast.result.lines, 5);
    assert.equal(fast.result.consumed, bytes.indexOf('6 0.1'));
    assertSameScan(bytes);
  });
});
