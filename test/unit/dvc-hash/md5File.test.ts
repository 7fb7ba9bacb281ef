import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dos2unixChunk, isTextBlock } from '../../../src/core/dvc/hash/dos2unix';
import { HashError } from '../../../src/core/dvc/hash/hashTypes';
import { makeHashScratch, md5FileSync } from '../../../src/core/dvc/hash/md5File';
import { buildBytes, hashCases, tempDir } from './hashFixtures';

describe('md5 and md5-dos2unix of a file (answers from dvc-data)', () => {
  const cases = hashCases().files;
  let dir: string;
  before(() => (dir = tempDir('dvc-md5-')));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: both hashes equal DVC's`, () => {
      const file = path.join(dir, 'f');
      fs.writeFileSync(file, buildBytes(c.segments));
      // A small read buffer (1 MiB) and the default (4 MiB) must agree: chunking is DVC's, not the buffer's.
      for (const scratch of [makeHashScratch(1 << 20), makeHashScratch()]) {
        assert.deepEqual(md5FileSync(file, 'md5', scratch), { md5: c.md5, size: c.size });
        assert.deepEqual(md5FileSync(file, 'md5-dos2unix', scratch), { md5: c['md5-dos2unix'], size: c.size });
      }
    });
  }

  it('says why a file cannot be hashed, and stops when cancelled', () => {
    const scratch = makeHashScratch();
    assert.throws(() => md5FileSync(path.join(dir, 'missing'), 'md5', scratch), (e: unknown) => e instanceof HashError && e.code === 'ENOENT' && /does not exist/.test(e.message));
    assert.throws(() => md5FileSync(dir, 'md5', scratch), (e: unknown) => e instanceof HashError && /folder/.test(e.message));
    fs.writeFileSync(path.join(dir, 'g'), 'x');
    assert.throws(() => md5FileSync(path.join(dir, 'g'), 'md5', scratch, () => true), (e: unknown) => e instanceof HashError && e.code === 'ABORT_ERR');
  });
});

describe('dos2unix chunks', () => {
  it('classifies blocks as dvc-data istextblock does', () => {
    assert.equal(isTextBlock(new Uint8Array()), true);
    assert.equal(isTextBlock(Buffer.from('plain text\r\n')), true);
    assert.equal(isTextBlock(Buffer.from([0x61, 0, 0x62])), false);
    assert.equal(isTextBlock(Buffer.concat([Buffer.alloc(3, 0x80), Buffer.alloc(7, 0x61)])), true); // 30%
    assert.equal(isTextBlock(Buffer.concat([Buffer.alloc(4, 0x80), Buffer.alloc(6, 0x61)])), false); // 40%
  });

  it('replaces CRLF left to right, keeps a lone CR and returns the chunk itself when nothing changes', () => {
    const scratch = Buffer.alloc(64);
    assert.equal(Buffer.from(dos2unixChunk(Buffer.from('a\r\r\nb\r\n\r'), scratch)).toString(), 'a\r\nb\n\r');
    const unchanged = Buffer.from('no carriage returns\n');
    assert.equal(dos2unixChunk(unchanged, scratch), unchanged);
    const lone = Buffer.from('a\rb');
    assert.equal(dos2unixChunk(lone, scratch), lone);
    const binary = Buffer.from([0, 13, 10]);
    assert.equal(dos2unixChunk(binary, scratch), binary);
  });
});
