import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvRecordCounter, csvStatsOfBuffer, csvStatsOfFile, diffCsvStats } from '../../../src/core/dvc/data/csvStats';

/** Feeds the text in pieces of `size` bytes, so that quotes, CRLFs and the header cross chunk boundaries. */
function statsInChunks(text: string, size: number, delimiter: ',' | '\t' = ',') {
  const bytes = Buffer.from(text, 'utf8');
  const counter = new CsvRecordCounter(delimiter.charCodeAt(0));
  for (let at = 0; at < bytes.length; at += size) counter.push(bytes.subarray(at, at + size));
  return counter.finish(delimiter);
}

describe('CSV stats (streamed rows and columns)', () => {
  const cases: { name: string; text: string; rows: number; columns: string[] }[] = [
    { name: 'plain', text: 'a,b,c\n1,2,3\n4,5,6\n', rows: 2, columns: ['a', 'b', 'c'] },
    { name: 'no final line break', text: 'a,b\n1,2\n3,4', rows: 2, columns: ['a', 'b'] },
    { name: 'CRLF', text: 'a,b\r\n1,2\r\n3,4\r\n', rows: 2, columns: ['a', 'b'] },
    { name: 'quoted comma and line break', text: 'id,name\n1,"Smith, Jo"\n2,"two\nlines"\n3,plain\n', rows: 3, columns: ['id', 'name'] },
    { name: 'doubled quotes', text: 'id,q\n1,"say ""hi"""\n2,"a "" b\nc"\n', rows: 2, columns: ['id', 'q'] },
    { name: 'quote inside an unquoted field is literal', text: 'id,inch\n1,5"\n2,6"\n', rows: 2, columns: ['id', 'inch'] },
    { name: 'blank lines skipped', text: '\n\na,b\n\n1,2\n\r\n3,4\n\n', rows: 2, columns: ['a', 'b'] },
    { name: 'quoted header with a line break and a BOM', text: '\uFEFF"first\ncol",second\n1,2\n', rows: 1, columns: ['first\ncol', 'second'] },
    { name: 'empty file', text: '', rows: 0, columns: [] },
    { name: 'header only', text: 'x,y\n', rows: 0, columns: ['x', 'y'] },
    { name: 'an empty quoted field is a record', text: 'a\n""\n', rows: 1, columns: ['a'] },
  ];

  for (const c of cases) {
    it(`counts ${c.name}, whatever the chunk size`, () => {
      for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
        const stats = statsInChunks(c.text, size);
        assert.equal(stats.rows, c.rows, `rows with chunks of ${size}`);
        assert.deepEqual(stats.columns, c.columns, `columns with chunks of ${size}`);
        assert.equal(stats.bytes, Buffer.byteLength(c.text));
      }
    });
  }

  it('counts random CSV written as Python writes it (QUOTE_MINIMAL), in random chunks', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '7'];
    const field = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
    const quote = (f: string) => (/[,"\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
    for (let round = 0; round < 30; round++) {
      const columns = ['c0', 'c1', 'c2'];
      const rows = rand(40);
      let text = columns.join(',') + '\n';
      for (let r = 0; r < rows; r++) {
        text += columns.map(() => quote(field())).join(',') + (rand(2) ? '\r\n' : '\n');
        if (rand(5) === 0) text += '\n'; // a blank line, skipped
      }
      const stats = statsInChunks(text, 1 + rand(9));
      assert.equal(stats.rows, rows, `round ${round}: ${JSON.stringify(text)}`);
      assert.deepEqual(stats.columns, columns);
    }
  });

  it('reads TSV with tabs as the delimiter', () => {
    const stats = csvStatsOfBuffer(Buffer.from('a\tb,c\n1\t"x\ty"\n'), '\t');
    assert.deepEqual(stats.columns, ['a', 'b,c']);
    assert.equal(stats.rows, 1);
  });

  it('streams a file larger than one read without holding it (rows match a naive count)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvstats-'));
    const file = path.join(dir, 'big.csv');
    const lines = ['id,text,value'];
    for (let i = 0; i < 60_000; i++) lines.push(i % 10 === 0 ? `${i},"multi\nline, ""quoted""",${i * 0.5}` : `${i},plain${i},${i}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    try {
      const stats = await csvStatsOfFile(file, ',');
      assert.ok(stats.bytes > 1 << 20, 'the file spans several reads');
      assert.equal(stats.rows, 60_000);
      assert.deepEqual(stats.columns, ['id', 'text', 'value']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly on a "header" of several MB (not a table)', () => {
    const text = '"' + 'x'.repeat(5 * 1024 * 1024);
    assert.throws(() => csvStatsOfBuffer(Buffer.from(text), ','), /longer than .* bytes/);
  });

  it('diffs columns: added, removed, reordered', () => {
    const older = { rows: 3, columns: ['id', 'name', 'score'], bytes: 10, delimiter: ',' as const };
    const newer = { rows: 5, columns: ['id', 'name', 'label'], bytes: 20, delimiter: ',' as const };
    const d = diffCsvStats(older, newer);
    assert.deepEqual(d.addedColumns, ['label']);
    assert.deepEqual(d.removedColumns, ['score']);
    assert.equal(d.reordered, false);
    const swapped = diffCsvStats(older, { ...older, columns: ['name', 'id', 'score'] });
    assert.equal(swapped.reordered, true);
    assert.deepEqual(swapped.addedColumns, []);
  });
});
