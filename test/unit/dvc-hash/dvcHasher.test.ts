import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DvcHasher, type HashedTree } from '../../../src/core/dvc/hash/dvcHasher';
import { DvcIgnore } from '../../../src/core/dvc/hash/dvcIgnore';
import { HashPool } from '../../../src/core/dvc/hash/hashPool';
import { HashError } from '../../../src/core/dvc/hash/hashTypes';
import { tempDir, writeTree } from './hashFixtures';

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

describe('DvcHasher', () => {
  let root: string;
  beforeEach(() => (root = tempDir('dvc-hasher-')));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('hashes a folder as DVC lists it: ignored files, .git, nested repos and linked folders left out', async () => {
    writeTree(root, {
      '.dvcignore': '*.tmp\n',
      'd/a.txt': 'a',
      'd/sub/b.txt': 'bb',
      'd/x.tmp': 'ignored',
      'd/.git': 'gitdir',
      'd/nested/.dvc/config': '',
      'd/nested/n.txt': 'in a nested repo',
      'target/t.txt': 't',
      'file-target.txt': 'linked file',
    });
    fs.mkdirSync(path.join(root, 'd/empty'));
    fs.symlinkSync(path.join(root, 'target'), path.join(root, 'd/linked-dir'));
    fs.symlinkSync(path.join(root, 'file-target.txt'), path.join(root, 'd/linked-file'));
    const hasher = new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
    const tree = (await hasher.hashPath(path.join(root, 'd'), 'md5', { ignore: new DvcIgnore(root) })) as HashedTree;
    const expected = [
      { md5: md5('a'), relpath: 'a.txt' },
      { md5: md5('linked file'), relpath: 'linked-file' },
      { md5: md5('bb'), relpath: 'sub/b.txt' },
    ];
    assert.deepEqual([...tree.entries].sort((x, y) => (x.relpath < y.relpath ? -1 : 1)), expected);
    const manifest = '[' + expected.map((e) => `{"md5": "${e.md5}", "relpath": "${e.relpath}"}`).join(', ') + ']';
    assert.equal(tree.manifest.toString(), manifest);
    assert.equal(tree.md5, md5(manifest) + '.dir');
    assert.equal(tree.size, 1 + 11 + 2);
    assert.equal(tree.nfiles, 3);
    await hasher.close();
  });

  it('never re-hashes an unchanged file, and re-hashes one whose mtime or size moved', async () => {
    writeTree(root, { 'a.txt': 'one', 'b.txt': 'two' });
    const hasher = new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
    const reqs = [{ path: path.join(root, 'a.txt'), name: 'md5' as const }, { path: path.join(root, 'b.txt'), name: 'md5' as const }];
    await hasher.hashPaths(reqs);
    assert.deepEqual(hasher.lastStats, { files: 2, cached: 0, hashed: 2, hashedBytes: 6 });
    await hasher.hashPaths(reqs);
    assert.deepEqual(hasher.lastStats, { files: 2, cached: 2, hashed: 0, hashedBytes: 0 });
    fs.writeFileSync(path.join(root, 'a.txt'), 'ONE!');
    const [a] = await hasher.hashPaths(reqs);
    assert.deepEqual(a, { md5: md5('ONE!'), size: 4, isDir: false });
    assert.equal(hasher.lastStats.hashed, 1);
    // The same file under another algorithm is a different hash.
    await hasher.hashPaths([{ path: reqs[1].path, name: 'md5-dos2unix' }]);
    assert.equal(hasher.lastStats.hashed, 1);
    await hasher.close();
  });

  it('gives a HashError in place of what cannot be hashed, the others still hashed', async () => {
    writeTree(root, { 'ok.txt': 'ok', 'bad/.dvcignore': 'x\n', 'bad/f': 'f' });
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'broken'));
    fs.mkdirSync(path.join(root, 'with-broken'));
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'with-broken/link'));
    const hasher = new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
    const [ok, missing, broken, badDir, brokenInDir] = await hasher.hashPaths(
      ['ok.txt', 'missing.txt', 'broken', 'bad', 'with-broken'].map((p) => ({ path: path.join(root, p), name: 'md5' as const })),
    );
    assert.equal((ok as { md5: string }).md5, md5('ok'));
    assert.ok(missing instanceof HashError && /does not exist/.test(missing.message));
    assert.ok(broken instanceof HashError);
    assert.ok(badDir instanceof HashError && /\.dvcignore/.test(badDir.message));
    assert.ok(brokenInDir instanceof HashError && /symlink/.test(brokenInDir.message));
    await hasher.close();
  });

  it('hashes on worker threads the same as inline, in the order asked, and can be cancelled', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.bin`] = Buffer.alloc(200_000 + i * 1000, i);
    files['big.bin'] = Buffer.alloc(9 << 20, 7);
    writeTree(root, files);
    const reqs = Object.keys(files).map((f) => ({ path: path.join(root, f), name: 'md5' as const }));
    const pool = new HashPool({ inlineBytes: 0, threads: 2 });
    assert.equal(pool.usesWorkers, true, 'dvcHashWorker.js must sit beside hashPool.js in the build');
    const onWorkers = await new DvcHasher({ pool }).hashPaths(reqs);
    const inline = await new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) }).hashPaths(reqs);
    assert.deepEqual(onWorkers, inline);
    assert.deepEqual(onWorkers.map((h) => (h as { md5: string }).md5), Object.values(files).map((b) => md5(b)));

    const controller = new AbortController();
    const pending = new DvcHasher({ pool }).hashPaths(reqs, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (e: unknown) => (e as Error).name === 'AbortError');
    await pool.close();
  });

  it('streams a 10 GB file in constant memory, and a cancel stops the worker within a read', async function () {
    this.timeout(30_000);
    const big = path.join(root, 'ten-gb.bin');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 10 * 2 ** 30); // sparse: no disk used, but 10 GB to read
    const pool = new HashPool({ inlineBytes: 0, threads: 1 });
    const hasher = new DvcHasher({ pool });
    const rssBefore = process.memoryUsage().rss;
    const controller = new AbortController();
    const pending = hasher.hashPaths([{ path: big, name: 'md5' }], { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    await assert.rejects(pending, (e: unknown) => (e as Error).name === 'AbortError');
    assert.ok(process.memoryUsage().rss - rssBefore < 64 * 2 ** 20, 'hashing must not load the file');
    // One worker only: if it were still reading the 10 GB, this small job would wait for it (about 20 s).
    writeTree(root, { 'small.txt': 'small' });
    const started = Date.now();
    const [small] = await hasher.hashPaths([{ path: path.join(root, 'small.txt'), name: 'md5' }]);
    assert.equal((small as { md5: string }).md5, md5('small'));
    assert.ok(Date.now() - started < 5000, `the cancelled worker went on reading (${Date.now() - started} ms)`);
    await pool.close();
  });

  it('falls back to hashing inline when the worker script is missing', async () => {
    writeTree(root, { 'a.bin': Buffer.alloc(5 << 20, 1) });
    const pool = new HashPool({ inlineBytes: 0, workerPath: path.join(root, 'no-such-worker.js') });
    assert.equal(pool.usesWorkers, false);
    const [h] = await new DvcHasher({ pool }).hashPaths([{ path: path.join(root, 'a.bin'), name: 'md5' }]);
    assert.equal((h as { md5: string }).md5, md5(Buffer.alloc(5 << 20, 1)));
    await pool.close();
  });
});
