import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MemoryHashCache } from '../../../src/core/dvc/hash/hashCache';
import { JsonHashCache } from '../../../src/core/dvc/hash/jsonHashCache';
import { tempDir } from './hashFixtures';

const stamp = { ino: 7, mtimeMs: 1700000000123.456, size: 42 };

describe('hash cache', () => {
  it('answers only while inode, mtime and size are the ones it was given, per algorithm', () => {
    const c = new MemoryHashCache();
    c.set('/a', stamp, 'm1');
    c.set('/a', stamp, 'd1', 'md5-dos2unix');
    assert.equal(c.get('/a', stamp), 'm1');
    assert.equal(c.get('/a', stamp, 'md5-dos2unix'), 'd1');
    assert.equal(c.get('/a', { ...stamp, mtimeMs: stamp.mtimeMs + 0.001 }), undefined);
    assert.equal(c.get('/a', { ...stamp, ino: 8 }), undefined);
    assert.equal(c.get('/a', { ...stamp, size: 43 }), undefined);
    assert.equal(c.get('/b', stamp), undefined);
    // A new stamp replaces the entry, both algorithms' values with it.
    c.set('/a', { ...stamp, size: 43 }, 'm2');
    assert.equal(c.get('/a', { ...stamp, size: 43 }, 'md5-dos2unix'), undefined);
  });

  it('persists atomically, saves only when changed, and starts empty from a corrupt or foreign file', async () => {
    const dir = tempDir('hash-cache-');
    try {
      const file = path.join(dir, 'sub', 'hashes.json');
      const a = await JsonHashCache.open(file);
      assert.equal(await a.save(), false);
      a.set('/x/é 😀', stamp, 'abc');
      a.set('/x/é 😀', stamp, 'def', 'md5-dos2unix');
      assert.equal(await a.save(), true);
      assert.equal(await a.save(), false);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['hashes.json']); // no temp file left behind

      const b = await JsonHashCache.open(file);
      assert.equal(b.get('/x/é 😀', stamp), 'abc');
      assert.equal(b.get('/x/é 😀', stamp, 'md5-dos2unix'), 'def');
      assert.equal(await b.save(), false);

      fs.writeFileSync(file, '{"truncated": [');
      assert.equal((await JsonHashCache.open(file)).size, 0);
      fs.writeFileSync(file, JSON.stringify({ format: 'other', version: 1, files: [['/x', 1, 1, 1, 'a', null]] }));
      assert.equal((await JsonHashCache.open(file)).size, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps at most maxEntries on disk, the newest', async () => {
    const dir = tempDir('hash-cache-');
    try {
      const file = path.join(dir, 'h.json');
      const a = await JsonHashCache.open(file, { maxEntries: 2 });
      for (const f of ['/1', '/2', '/3']) a.set(f, stamp, f);
      await a.save();
      const b = await JsonHashCache.open(file);
      assert.deepEqual([...b.entries()].map(([f]) => f), ['/2', '/3']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
