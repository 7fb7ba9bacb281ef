import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tailMetricFile } from '../../../src/core/mlflow/fileStore/metricFileTail';

describe('tailMetricFile', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlops-tail-'));
    file = path.join(dir, 'loss');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads from an offset to the end and reports only the new points', async () => {
    await writeFile(file, '1 0.9 0\n2 0.8 1\n');
    const first = await tailMetricFile(file, undefined);
    assert.equal(first.replaced, true);
    assert.deepEqual(Array.from(first.series.values), [0.9, 0.8]);
    assert.equal(first.cursor.offset, 16);
    await appendFile(file, '3 0.7 2\n4 0.');
    const second = await tailMetricFile(file, first.cursor);
    assert.equal(second.replaced, false);
    assert.deepEqual(Array.from(second.series.values), [0.7]);
    assert.equal(second.cursor.offset, 24, 'stops before the half-written line');
    assert.deepEqual(second.latest, { step: 2, timestamp: 3, value: 0.7 });
    await appendFile(file, '6 3\n');
    const third = await tailMetricFile(file, second.cursor);
    assert.deepEqual(Array.from(third.series.values), [0.6]);
    assert.deepEqual(Array.from(third.series.steps), [3]);
    assert.equal(third.cursor.lines, 4);
  });

  it('re-reads from 0 and reports replaced when the file shrank', async () => {
    await writeFile(file, '1 0.9 0\n2 0.8 1\n3 0.7 2\n');
    const first = await tailMetricFile(file, undefined);
    await writeFile(file, '9 0.1 0\n');
    const again = await tailMetricFile(file, first.cursor);
    assert.equal(again.replaced, true);
    assert.deepEqual(Array.from(again.series.values), [0.1]);
    assert.deepEqual(again.latest, { step: 0, timestamp: 9, value: 0.1 });
  });

  it('re-reads from 0 when the file was rewritten with other content but grew', async () => {
    await writeFile(file, '1 0.9 0\n');
    const first = await tailMetricFile(file, undefined);
    await writeFile(file, '5 0.3 0\n6 0.2 1\n');
    const again = await tailMetricFile(file, first.cursor);
    assert.equal(again.replaced, true);
    assert.deepEqual(Array.from(again.series.values), [0.3, 0.2]);
  });

  it('parses across chunk boundaries in bounded reads', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`${1700000000000 + i} ${i / 7} ${i}`);
    await writeFile(file, lines.join('\n') + '\n');
    const r = await tailMetricFile(file, undefined, { chunkSize: 1024 });
    assert.equal(r.series.steps.length, 5000);
    assert.deepEqual(r.problems, []);
    assert.equal(r.series.values[4321], 4321 / 7);
    assert.equal(r.cursor.lines, 5000);
  });

  it('skips a line longer than 64 KB with a problem and goes on', async () => {
    await writeFile(file, `1 0.5 0\n${'x'.repeat(200_000)}\n3 0.25 2\n`);
    const r = await tailMetricFile(file, undefined, { chunkSize: 16 * 1024 });
    assert.deepEqual(Array.from(r.series.values), [0.5, 0.25]);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].line, 2);
    assert.match(r.problems[0].message, /longer than 64 KB/);
  });

  it('caps the problems of a garbage file', async () => {
    await writeFile(file, 'garbage\n'.repeat(1000));
    const r = await tailMetricFile(file, undefined);
    assert.equal(r.series.steps.length, 0);
    assert.ok(r.problems.length <= 21);
    assert.match(r.problems[r.problems.length - 1].message, /980 more malformed metric lines/);
  });

  it('honours an aborted signal', async () => {
    await writeFile(file, '1 0.5 0\n');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(tailMetricFile(file, undefined, { signal: ac.signal }), { name: 'AbortError' });
  });
});
