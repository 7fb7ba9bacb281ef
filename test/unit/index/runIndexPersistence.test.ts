import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INDEX_SCHEMA_VERSION } from '../../../src/core/index/indexSchema';
import { loadSqlJs } from '../../../src/core/index/loadSqlJs';
import { RunIndex } from '../../../src/core/index/runIndex';
import { append, delta, fileStore, makeExperiment, makeRun, points, series, sqliteStore } from './indexFixtures';

describe('RunIndex persistence', () => {
  let dir: string;
  let file: string;
  const open: RunIndex[] = [];
  async function openIndex(): Promise<{ index: RunIndex; note?: string }> {
    const result = await RunIndex.open({ file });
    open.push(result.index);
    return result;
  }
  /** An index with runs of two stores, a history and a reader state. */
  async function savedIndex(): Promise<RunIndex> {
    const { index } = await openIndex();
    index.applyDelta(delta(fileStore, {
      experiments: [makeExperiment(fileStore, '1')],
      runs: [makeRun(fileStore, 'a', { metrics: { loss: { value: NaN, step: 1, timestamp: 2 } } }), makeRun(fileStore, 'b')],
      appends: [append('a', 'loss', series([0, 1], [0.5, NaN]), true)],
    }));
    index.applyDelta(delta(sqliteStore, { runs: [makeRun(sqliteStore, 'a')] }));
    index.setReaderState(fileStore.uri, { files: { 'x/y': 3 } });
    await index.save();
    return index;
  }
  const leftovers = () => fs.readdirSync(dir).filter((f) => f !== 'index.db');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-index-'));
    file = path.join(dir, 'index.db');
  });
  afterEach(() => {
    for (const index of open.splice(0)) index.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reopens a saved index with the same content', async () => {
    const first = await savedIndex();
    const { index, note } = await openIndex();
    assert.equal(note, undefined);
    assert.deepStrictEqual(index.stores(), first.stores());
    assert.deepStrictEqual(index.experiments(), first.experiments());
    assert.deepStrictEqual(index.runs({ includeDeleted: true }), first.runs({ includeDeleted: true }));
    assert.equal(index.runs().length, 3);
    assert.deepStrictEqual(points(index.metricHistory(fileStore.uri, 'a', 'loss')), points(first.metricHistory(fileStore.uri, 'a', 'loss')));
    assert.deepStrictEqual(index.readerState(fileStore.uri), { files: { 'x/y': 3 } });
    // The reopened index keeps working: appends go on growing the stored series.
    index.applyDelta(delta(fileStore, { appends: [append('a', 'loss', series([2], [0.25]))] }));
    assert.equal(index.metricHistory(fileStore.uri, 'a', 'loss')?.values.length, 3);
  });

  it('starts empty with no note when there is no file yet, and writes nothing until something changes', async () => {
    const { index, note } = await openIndex();
    assert.equal(note, undefined);
    assert.deepStrictEqual(index.runs(), []);
    await index.save();
    assert.equal(fs.existsSync(file), false);
  });

  it('skips a save when nothing changed since the last one', async () => {
    const index = await savedIndex();
    fs.rmSync(file);
    await index.save();
    assert.equal(fs.existsSync(file), false);
    index.setReaderState(fileStore.uri, { files: {} });
    await index.save();
    assert.equal(fs.existsSync(file), true);
  });

  it('serializes concurrent saves and leaves no temp file', async () => {
    const { index } = await openIndex();
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, `r${i}`)] }));
      saves.push(index.save());
    }
    await Promise.all(saves);
    assert.deepStrictEqual(leftovers(), []);
    const { index: reopened } = await openIndex();
    assert.equal(reopened.runs().length, 5);
  });

  it('rejects a save whose rename fails, removes the temp file and leaves the previous file intact', async () => {
    const index = await savedIndex();
    const good = fs.readFileSync(file);
    index.applyDelta(delta(fileStore, { removedRunIds: ['a', 'b'] }));
    const rename = fs.promises.rename;
    fs.promises.rename = async () => {
      throw Object.assign(new Error('simulated rename failure'), { code: 'EIO' });
    };
    try {
      await assert.rejects(index.save(), /simulated rename failure/);
    } finally {
      fs.promises.rename = rename;
    }
    assert.deepStrictEqual(fs.readFileSync(file), good);
    assert.deepStrictEqual(leftovers(), []);
    const { index: previous } = await openIndex();
    assert.deepStrictEqual(previous.runs({ storeUri: fileStore.uri }).map((r) => r.runId).sort(), ['a', 'b']);
    // Still dirty: the next save writes the change.
    await index.save();
    const { index: next } = await openIndex();
    assert.deepStrictEqual(next.runs({ storeUri: fileStore.uri }), []);
  });

  it('rejects a save onto a directory without leaving a temp file', async () => {
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'keep'), 'x');
    const { index, note } = await openIndex();
    assert.match(note ?? '', /could not read/);
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'a')] }));
    await assert.rejects(index.save());
    assert.deepStrictEqual(leftovers(), []);
    assert.equal(fs.readFileSync(path.join(file, 'keep'), 'utf8'), 'x');
  });

  describe('a damaged file gives a fresh empty index and a note, and the next save replaces it', () => {
    async function expectRebuilt(pattern: RegExp): Promise<void> {
      const { index, note } = await openIndex();
      assert.match(note ?? '', pattern);
      assert.match(note ?? '', /rebuilt/);
      assert.deepStrictEqual(index.stores(), []);
      assert.deepStrictEqual(index.runs({ includeDeleted: true }), []);
      await index.save();
      const again = await openIndex();
      assert.equal(again.note, undefined);
    }

    it('random bytes', async () => {
      fs.writeFileSync(file, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
      await expectRebuilt(/not an SQLite database/);
    });

    it('an empty file', async () => {
      fs.writeFileSync(file, '');
      await expectRebuilt(/not an SQLite database/);
    });

    it('a truncated database', async () => {
      (await savedIndex()).close();
      const bytes = fs.readFileSync(file);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
      await expectRebuilt(/truncated/);
    });

    it('a database cut at a page boundary', async () => {
      (await savedIndex()).close();
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      assert.ok(bytes.length >= 2 * pageSize);
      fs.writeFileSync(file, bytes.subarray(0, bytes.length - pageSize));
      await expectRebuilt(/truncated/);
    });

    it('damaged pages inside the database', async () => {
      (await savedIndex()).close();
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0xa5, pageSize, bytes.length);
      fs.writeFileSync(file, bytes);
      await expectRebuilt(/damaged|not a readable/);
    });

    it('another schema version', async () => {
      (await savedIndex()).close();
      const sql = await loadSqlJs();
      const db = new sql.Database(fs.readFileSync(file));
      db.exec(`PRAGMA user_version = ${INDEX_SCHEMA_VERSION + 1}`);
      fs.writeFileSync(file, db.export());
      db.close();
      await expectRebuilt(new RegExp(`schema version ${INDEX_SCHEMA_VERSION + 1}`));
    });
  });

  it('keeps an in-memory index (no file) without writing anything', async () => {
    const { index } = await RunIndex.open({});
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'a')] }));
    await index.save();
    assert.deepStrictEqual(fs.readdirSync(dir), []);
    index.close();
  });
});
