import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { detectLightningCsvStore, lightningCsvStoreRef } from '../../../src/core/lightning/lightningStore';
import { scanDelimited, type DelimitedRecord } from '../../../src/core/text/delimitedRecords';
import { tailTable, type TableCursor, type TableSink } from '../../../src/core/text/tailedTable';
import { LOGS } from './helpers';

describe('scanDelimited', () => {
  it('splits records as Python csv writes them: quoting, doubled quotes, CRLF, line breaks inside quotes', () => {
    const text = 'a,b,c\r\n1,"x,y",3\r\n"say ""hi""","two\nlines",\r\n\r\n4,5,6\n7,8';
    const r = scanDelimited(text, ',');
    assert.deepEqual(r.records, [
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x,y', '3'] },
      { line: 3, cells: ['say "hi"', 'two\nlines', ''] },
      { line: 6, cells: ['4', '5', '6'] },
    ]);
    assert.equal(r.consumed, text.length - '7,8'.length, 'the unterminated record is left');
    assert.equal(r.lines, 6);
  });

  it('leaves a record whose quoted line break is there but whose end is not', () => {
    const r = scanDelimited('h\n"open\nstill open', ',', 10);
    assert.deepEqual(r.records, [{ line: 10, cells: ['h'] }]);
    assert.equal(r.consumed, 2);
  });

  it('splits on tabs for dvclive', () => {
    assert.deepEqual(scanDelimited('timestamp\tstep\tacc\n1\t0\t0.5\n', '\t').records[1].cells, ['1', '0', '0.5']);
  });
});

interface Collected {
  header?: string[];
  rows: DelimitedRecord[];
  restarts: number;
}

/** A sink that keeps what it is given, in `got`. */
function sink(): TableSink & { got: Collected } {
  const got: Collected = { rows: [], restarts: 0 };
  return {
    got,
    restart: () => {
      got.restarts++;
      got.rows = [];
    },
    header: (cells) => {
      got.header = cells;
    },
    rows: (records) => {
      got.rows.push(...records);
    },
  };
}

describe('tailTable', () => {
  let tmp: string;
  let file: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlops-tail-'));
    file = path.join(tmp, 't.csv');
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const tail = async (from: TableCursor | undefined, s: ReturnType<typeof sink>, chunkSize?: number) => tailTable(file, ',', from, await stat(file), s, { chunkSize });

  it('reads only what was appended, with line numbers that continue', async () => {
    await writeFile(file, 'step,loss\n0,1.0\n');
    const s = sink();
    let c = await tail(undefined, s);
    assert.deepEqual(s.got.header, ['step', 'loss']);
    assert.deepEqual(
      s.got.rows.map((r) => r.line),
      [2],
    );
    await appendFile(file, '1,0.5\n2,0.25\n');
    c = await tail(c, s);
    assert.equal(s.got.restarts, 1);
    assert.deepEqual(
      s.got.rows.map((r) => [r.line, r.cells[1]]),
      [
        [2, '1.0'],
        [3, '0.5'],
        [4, '0.25'],
      ],
    );
    assert.equal(c.offset, (await stat(file)).size);
  });

  it('starts over when the header changed (a rewrite under more columns)', async () => {
    await writeFile(file, 'step,loss\n0,1.0\n1,0.5\n');
    const s = sink();
    const c = await tail(undefined, s);
    await writeFile(file, 'acc,step,loss\n,0,1.0\n,1,0.5\n0.9,1,\n');
    await tail(c, s);
    assert.equal(s.got.restarts, 2);
    assert.deepEqual(s.got.header, ['acc', 'step', 'loss']);
    assert.equal(s.got.rows.length, 3);
  });

  it('starts over when the file was replaced by a shorter one', async () => {
    await writeFile(file, 'step,loss\n0,1.0\n1,0.5\n');
    const s = sink();
    const c = await tail(undefined, s);
    await rm(file);
    await writeFile(file, 'step,loss\n0,7\n');
    await tail(c, s);
    assert.equal(s.got.restarts, 2);
    assert.deepEqual(
      s.got.rows.map((r) => r.cells[1]),
      ['7'],
    );
  });

  it('reads in small chunks the same as in one: multi-byte text and quoted breaks across chunk edges', async () => {
    const lines = ['step,"name, quoted",value'];
    for (let i = 0; i < 200; i++) lines.push(`${i},"é ü ${i}\nnext",${i / 10}`);
    await writeFile(file, lines.join('\r\n') + '\r\n');
    const whole = sink();
    await tail(undefined, whole);
    const small = sink();
    await tail(undefined, small, 64);
    assert.equal(whole.got.rows.length, 200);
    assert.deepEqual(small.got.rows, whole.got.rows);
    assert.equal(whole.got.rows[199].cells[1], 'é ü 199\nnext');
  });
});

describe('Lightning CSV store detection', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlops-ltdetect-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const detect = async (dir: string) => detectLightningCsvStore(dir, new Set(await readdir(dir)));

  it('builds the store ref', () => {
    assert.deepEqual(lightningCsvStoreRef('/p/lightning_logs'), { kind: 'lightning-csv', uri: 'lightning-csv:///p/lightning_logs', path: '/p/lightning_logs' });
  });

  it('finds the fixture from its folder of versions and from a version folder', async () => {
    assert.equal(await detect(LOGS), LOGS);
    assert.equal(await detect(path.join(LOGS, 'version_1')), LOGS);
    assert.equal(await detect(path.dirname(LOGS)), undefined);
  });

  it('finds a version named by the user by its metrics.csv and hparams.yaml', async () => {
    const v = path.join(tmp, 'logs', 'my_exp', 'baseline');
    await mkdir(v, { recursive: true });
    await writeFile(path.join(v, 'metrics.csv'), 'step,loss\n');
    await writeFile(path.join(v, 'hparams.yaml'), '{}\n');
    assert.equal(await detect(v), path.dirname(v));
  });

  it('does not take TensorBoardLogger versions or a lone metrics.csv for CSVLogger', async () => {
    const tb = path.join(tmp, 'tb_logs', 'version_0');
    await mkdir(tb, { recursive: true });
    await writeFile(path.join(tb, 'hparams.yaml'), '{}\n');
    await writeFile(path.join(tb, 'events.out.tfevents.1.h.1.0'), '');
    assert.equal(await detect(path.dirname(tb)), undefined);
    assert.equal(await detect(tb), undefined);
    await writeFile(path.join(tmp, 'metrics.csv'), 'a,b\n');
    assert.equal(await detect(tmp), undefined);
  });
});
