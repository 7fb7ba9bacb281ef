import assert from 'node:assert/strict';
import { buildCompareTable } from '../../../src/core/compare/compareTable';
import { chartDataToCsv, compareTableToCsv, compareTableToMarkdown, csvField, formatCompareCell } from '../../../src/core/compare/exportFormats';
import { makeRun } from '../filter/makeRun';
import { series } from './seriesHelpers';

const runs = [
  makeRun({ runId: 'r1', runName: 'plain', params: { note: 'say "hi", then\nleave', cmd: '=HYPERLINK("http://x")', lr: '-0.5' }, metrics: { acc: 0.123456789 } }),
  makeRun({ runId: 'r2', runName: '@evil', params: { note: 'a|b', cmd: '+SUM(A1)', lr: '-0.5' }, metrics: { acc: NaN } }),
];

/** RFC 4180 parsing, to read back what we wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  assert.equal(field, '', 'text ends with CRLF');
  return rows;
}

describe('compareTableToCsv', () => {
  const table = buildCompareTable(runs);

  it('quotes fields per RFC 4180 and reads back to the same values', () => {
    const csv = compareTableToCsv(table);
    assert.ok(csv.includes('"say ""hi"", then\nleave"'));
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], ['section', 'key', 'plain', "'@evil"]);
    assert.deepEqual(rows[1], ['attribute', 'run_id', 'r1', 'r2']);
    const note = rows.find((r) => r[1] === 'note');
    assert.deepEqual(note, ['param', 'note', 'say "hi", then\nleave', 'a|b']);
    for (const r of rows) assert.equal(r.length, 4);
  });

  it('defuses formulas in strings but leaves numbers alone', () => {
    const rows = parseCsv(compareTableToCsv(table));
    assert.deepEqual(rows.find((r) => r[1] === 'cmd'), ['param', 'cmd', "'=HYPERLINK(\"http://x\")", "'+SUM(A1)"]);
    assert.deepEqual(rows.find((r) => r[1] === 'lr'), ['param', 'lr', '-0.5', '-0.5']);
    assert.deepEqual(rows.find((r) => r[1] === 'acc'), ['metric', 'acc', '0.123456789', 'NaN']);
    assert.equal(csvField('-cmd'), "'-cmd");
    assert.equal(csvField('\t=1'), "'\t=1");
    assert.equal(csvField(null), '');
    assert.equal(csvField(-3), '-3');
  });

  it('exports only differences among the chosen runs, in the chosen order', () => {
    const rows = parseCsv(compareTableToCsv(table, { onlyDifferences: true, runOrder: ['r2', 'r1', 'missing'] }));
    assert.deepEqual(rows[0], ['section', 'key', "'@evil", 'plain']);
    assert.deepEqual(rows.slice(2).map((r) => r[1]), ['cmd', 'note', 'acc']);
    assert.ok(!rows.some((r) => r[1] === 'lr'), 'equal rows left out');
    assert.ok(!rows.some((r) => r[1] === 'status'));
    const one = parseCsv(compareTableToCsv(table, { onlyDifferences: true, runOrder: ['r1'] }));
    assert.equal(one.length, 2, 'a single run differs from nothing');
  });
});

describe('compareTableToMarkdown', () => {
  it('escapes pipes, newlines and markup so cells render literally', () => {
    const md = compareTableToMarkdown(buildCompareTable(runs));
    const lines = md.trimEnd().split('\n');
    assert.equal(lines[0], '| run | plain | @evil |');
    assert.equal(lines[1], '| --- | --- | --- |');
    assert.equal(lines[2], '| run id | r1 | r2 |');
    assert.ok(lines.includes('| params.note | say "hi", then<br>leave | a\\|b |'), md);
    assert.ok(lines.includes('| metrics.acc | 0.123457 | NaN |'), md);
    assert.ok(lines.includes('| params.cmd | =HYPERLINK("http://x") | +SUM(A1) |'), md);
    // Every line has the same number of unescaped pipes: no cell broke the table.
    const pipes = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) assert.equal(pipes(l), pipes(lines[0]), l);
    const evil = compareTableToMarkdown(buildCompareTable([makeRun({ runName: '**bold** <img src=x> [a](b) `c`' })]));
    assert.ok(evil.startsWith('| run | \\*\\*bold\\*\\* \\<img src=x\\> \\[a\\](b) \\`c\\` |'), evil);
  });

  it('formats durations, times and metrics for people; honours onlyDifferences', () => {
    const row = { section: 'attribute' as const, key: 'duration' };
    assert.equal(formatCompareCell(row, 185_000), '3m 05s');
    assert.equal(formatCompareCell({ section: 'attribute', key: 'startTime' }, 1_714_566_600_000), '2024-05-01T12:30:00Z');
    assert.equal(formatCompareCell({ section: 'param', key: 'lr' }, 0.123456789), '0.123456789');
    const md = compareTableToMarkdown(buildCompareTable(runs), { onlyDifferences: true });
    assert.ok(!md.includes('params.lr'));
    assert.ok(md.includes('params.note'));
  });
});

describe('chartDataToCsv', () => {
  it('writes one row per point, with the smoothed column when given', () => {
    const csv = chartDataToCsv([
      { runName: 'a,b', runId: 'r1', series: series([0, 1], [0.5, NaN]), smoothed: Float64Array.from([0.5, NaN]) },
      { runName: '=x', runId: 'r2', series: series([2], [3]) },
    ], 'step');
    assert.equal(csv, 'run,run_id,step,value,smoothed\r\n"a,b",r1,0,0.5,0.5\r\n"a,b",r1,1,NaN,NaN\r\n\'=x,r2,2,3,\r\n');
    assert.equal(chartDataToCsv([{ runName: 'a', runId: 'r', series: series([1], [2]) }], 'wall_time_ms'), 'run,run_id,wall_time_ms,value\r\na,r,1,2\r\n');
  });
});
