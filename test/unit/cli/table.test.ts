import assert from 'node:assert/strict';
import { displayWidth, formatTable, sanitizeCell, truncate } from '../../../src/cli/table';
import { isoTime, metricHistoryTable, pickMetricColumns, runsTable } from '../../../src/cli/tableViews';
import { parseOrderBy } from '../../../src/core/runs/filter/parseOrderBy';
import { makeRun } from '../filter/makeRun';

describe('table', () => {
  it('aligns columns, right-aligning where asked', () => {
    const text = formatTable([{ header: 'NAME' }, { header: 'N', align: 'right' }], [['a', '1'], ['longer', '100']]);
    assert.equal(text, 'NAME      N\n------  ---\na         1\nlonger  100\n');
  });

  it('truncates long cells with an ellipsis so the layout holds', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('模型模型模型', 5), '模型…', 'wide characters take two columns');
    assert.equal(truncate('模型模型模型', 4), '模…');
    const text = formatTable([{ header: 'NAME', maxWidth: 6 }, { header: 'X' }], [['a-very-long-run-name', 'x']]);
    assert.deepEqual(text.split('\n').map((l) => l.length), [9, 9, 9, 0]);
    assert.ok(text.includes('a-ver…  x'));
  });

  it('aligns wide characters by the columns they take', () => {
    assert.equal(displayWidth('résumé-δ 模型 🚀'), 16);
    const text = formatTable([{ header: 'NAME' }, { header: 'X' }], [['模型', 'a'], ['abcd', 'b']]);
    assert.equal(text.split('\n')[2], '模型  a');
    assert.equal(text.split('\n')[3], 'abcd  b');
  });

  it('shows control characters instead of printing them', () => {
    assert.equal(sanitizeCell('a\nb\x1b[31m'), 'a\\nb\\x1b[31m');
    const text = formatTable([{ header: 'NAME' }], [['two\nlines']]);
    assert.equal(text.split('\n').length, 4);
  });

  it('formats ISO times to the second and nothing for null', () => {
    assert.equal(isoTime(Date.UTC(2024, 4, 1, 12, 30, 5, 123)), '2024-05-01T12:30:05Z');
    assert.equal(isoTime(null), '');
  });

  it('picks sorted-on metrics first, then the most common', () => {
    const runs = [makeRun({ metrics: { a: 1, b: 2, z: 1 } }), makeRun({ metrics: { b: 1, c: 1, z: 1 } }), makeRun({ metrics: { z: 1 } })];
    assert.deepEqual(pickMetricColumns(runs, []), ['z', 'b', 'a']);
    assert.deepEqual(pickMetricColumns(runs, parseOrderBy('metrics.c DESC')), ['c', 'z', 'b']);
  });

  it('lays out runs with short ids, times, durations and metrics', () => {
    const run = makeRun({
      runId: '0123456789abcdef', runName: 'x'.repeat(40), startTime: Date.UTC(2024, 0, 2, 3, 4, 5), endTime: Date.UTC(2024, 0, 2, 3, 6, 10),
      metrics: { acc: 0.912345 },
    });
    const lines = runsTable([run], () => 'vision', ['acc', 'loss']).split('\n');
    assert.match(lines[0], /^RUN ID\s+NAME\s+EXPERIMENT\s+STATUS\s+START\s+DURATION\s+acc\s+loss$/);
    assert.match(lines[2], /^01234567 {2}x{27}… {2}vision {6}FINISHED {2}2024-01-02T03:04:05Z {4}2m 05s {2}0\.9123$/);
  });

  it('prints metric history at full precision', () => {
    const text = metricHistoryTable([{ step: 0, timestamp: 0, value: 0.123456789 }, { step: 10, timestamp: 1000, value: NaN }]);
    assert.deepEqual(text.split('\n').slice(2, 4), ['   0  1970-01-01T00:00:00Z  0.123456789', '  10  1970-01-01T00:00:01Z          NaN']);
  });
});
