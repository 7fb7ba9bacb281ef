// The byte-level fast path for Lightning's metrics.csv must read exactly what the general (string) path reads:
// the same points, the same problems, the same cursor, whatever the input and however it arrives.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DvcliveMetricFile } from '../../../src/core/dvclive/dvcliveMetricFile';
import { MetricsCsv } from '../../../src/core/lightning/metricsCsv';
import { scanNumericRows, type NumericRowSink } from '../../../src/core/text/numericRows';
import { tailTable, type TableCursor, type TableSink } from '../../../src/core/text/tailedTable';

/** What a MetricsCsv holds, comparable with deepEqual (NaN equals NaN there). */
function contents(m: MetricsCsv) {
  return {
    series: [...m.series.entries()].map(([key, s]) => [key, s.points(0).map((p) => [p.step, p.value])]),
    problems: m.problems.list().map((p) => `${p.line}: ${p.message}`),
  };
}

/** The same MetricsCsv behind a sink without numericRow: every row goes the general way. */
function generalOnly(m: MetricsCsv): TableSink {
  return { restart: () => m.restart(), header: (c, l) => m.header(c, l), rows: (r) => m.rows(r) };
}

describe('Log tables (Lightning metrics.csv, dvclive .tsv): the numeric fast path reads what the general path reads', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlops-numeric-'));
    file = path.join(dir, 'metrics.csv');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function both(chunkSize?: number): Promise<{ fast: MetricsCsv; general: MetricsCsv; cursors: [TableCursor, TableCursor] }> {
    const st = await stat(file);
    const fast = new MetricsCsv(file);
    const general = new MetricsCsv(file);
    const a = await tailTable(file, ',', undefined, st, fast, { chunkSize });
    const b = await tailTable(file, ',', undefined, st, generalOnly(general), { chunkSize });
    return { fast, general, cursors: [a, b] };
  }

  const ODD_CELLS = [
    '0.5', '-0.25', '+3', '.5', '5.', '1e-05', '1E+22', '-1.5e-7', '2.5e-30', '1e400', '-0', '007', '12345678901234567890',
    '0.1234567890123456789', 'nan', 'NaN', '-inf', 'inf', 'True', 'False', ' 1', '1 ', 'abc', '1.2.3', '-', '.', 'e5', '1e', '1_000',
  ];

  it('on every odd cell Python or a person might write, in every column, step included', async () => {
    const lines = ['epoch,step,train_loss,val_acc'];
    for (const [i, cell] of ODD_CELLS.entries()) {
      lines.push(`0,${i},${cell},`, `${cell},${100 + i},,0.5`, `1,${cell},0.25,`);
    }
    await writeFile(file, lines.join('\r\n') + '\r\n');
    const { fast, general, cursors } = await both();
    assert.deepEqual(contents(fast), contents(general));
    assert.deepEqual(cursors[0], cursors[1]);
    assert.ok(contents(fast).problems.length > 0, 'the odd cells are reported');
  });

  it('on ragged rows, trailing delimiters, blank lines, quoted cells and a half-written end', async () => {
    const text = [
      '"epoch","step","lr,Adam",val_loss',
      '0,0,0.1,', '0,1,,0.9,extra', '0,2', '', '1,3,"0.5",0.8', '1,4,0.2,"quoted, with comma"', '2,5,0.1,0.7', '',
      '3,6,,', ',7,,0.6', '3,8,0.05,0.5,', '4,9,0.0',
    ].join('\n');
    await writeFile(file, text);
    const { fast, general, cursors } = await both();
    assert.deepEqual(contents(fast), contents(general));
    assert.deepEqual(cursors[0], cursors[1]);
    assert.equal(fast.series.get('lr,Adam')?.length, 4, 'the quoted header keeps its comma');
    assert.ok(cursors[0].offset < text.length, 'the line without its break waits');
  });

  it('on random tables read in chunks of any size and appended to in pieces', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cell = () => {
      const r = random();
      if (r < 0.35) return '';
      if (r < 0.85) return (random() * 10 - 5).toFixed(Math.floor(random() * 12));
      return ODD_CELLS[Math.floor(random() * ODD_CELLS.length)];
    };
    const lines = ['epoch,lr,step,loss,acc'];
    for (let i = 0; i < 3000; i++) lines.push([Math.floor(i / 100), cell(), random() < 0.02 ? cell() : i, cell(), cell()].join(','));
    const text = lines.join(random() < 0.5 ? '\n' : '\r\n') + '\n';
    for (const chunkSize of [97, 4096, undefined]) {
      await writeFile(file, text);
      const { fast, general, cursors } = await both(chunkSize);
      assert.deepEqual(contents(fast), contents(general), `chunk ${chunkSize}`);
      assert.deepEqual(cursors[0], cursors[1], `chunk ${chunkSize}`);
    }
    // Appended in uneven pieces, each read from the last cursor, ends as one read of the whole.
    await writeFile(file, '');
    const fast = new MetricsCsv(file);
    let cursor: TableCursor | undefined;
    for (let at = 0; at < text.length;) {
      const next = Math.min(text.length, at + 1 + Math.floor(random() * 9000));
      await appendFile(file, text.slice(at, next));
      at = next;
      cursor = await tailTable(file, ',', cursor, await stat(file), fast, { chunkSize: 1000 });
    }
    const whole = await both();
    assert.deepEqual(contents(fast), contents(whole.general));
  });

  it('for dvclive\'s .tsv histories too: timestamps, steps, values, odd cells and a broken header', async () => {
    const tsv = path.join(dir, 'loss.tsv');
    const read = async (text: string) => {
      await writeFile(tsv, text);
      const st = await stat(tsv);
      const fast = new DvcliveMetricFile(tsv);
      const general = new DvcliveMetricFile(tsv);
      const a = await tailTable(tsv, '\t', undefined, st, fast);
      const b = await tailTable(tsv, '\t', undefined, st, { restart: () => general.restart(), header: (c, l) => general.header(c, l), rows: (r) => general.rows(r) });
      const of = (m: DvcliveMetricFile) => ({
        points: m.series.points(0).map((p) => [p.step, p.timestamp, p.value]),
        first: m.firstTimestamp,
        problems: m.problems.list().map((p) => `${p.line}: ${p.message}`),
      });
      assert.deepEqual(of(fast), of(general));
      assert.deepEqual(a, b);
      return of(fast);
    };
    const rows = ODD_CELLS.flatMap((cell, i) => [`${1_700_000_000_000 + i}\t${i}\t${cell}`, `${cell}\t${100 + i}\t0.5`, `17\t${cell}\t0.25`, `\t${i}\t`]);
    const got = await read(['timestamp\tstep\tloss', ...rows, '9\t9'].join('\n') + '\n');
    assert.ok(got.points.length > ODD_CELLS.length && got.problems.length > 0);
    await read(['step\tloss', '0\t0.5', '1\tnan', '2\t'].join('\n') + '\n');
    assert.equal((await read('oops\n1\t2\n')).points.length, 0, 'a header without step: nothing read');
  });

  it('hands a row back to the general path when the sink refuses it', () => {
    const bytes = Buffer.from('1,2\n3,4\n');
    const taken: number[] = [];
    const general: string[][] = [];
    const sink: NumericRowSink = {
      numericRow: (values, present, line) => {
        if (line === 2) return false;
        taken.push(values[0], values[1], present[0], line);
        return true;
      },
      rows: (records) => general.push(...records.map((r) => r.cells)),
    };
    const scan = scanNumericRows(bytes, 0, bytes.length, ',', 2, 1, sink);
    assert.deepEqual(taken, [1, 2, 1, 1]);
    assert.deepEqual(general, [['3', '4']]);
    assert.deepEqual(scan, { consumed: bytes.length, lines: 2 });
  });
});
