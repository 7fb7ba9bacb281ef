import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { computeDataStatus } from '../../../src/core/dvc/data/dataStatus';
import type { TrackedData } from '../../../src/core/dvc/data/dataTypes';
import { listTrackedData } from '../../../src/core/dvc/data/listTrackedData';
import { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { removeCacheObject, unpackFixtureRepo } from './fixtureRepo';

// On the repository real DVC made (test/fixtures/dvc-data/generate.sh): what is tracked, and its status.

const IMAGES_V2 = '189966c1efc9beaeaeca275516dd7ecd.dir';
const TABLE_V2 = '86f421b0f054675002f995c1778ef084';

describe('Data listing and status on a repository made by DVC', function () {
  this.timeout(60_000);
  let root: string;
  let cleanup: () => void;
  let hasher: DvcHasher;

  beforeEach(() => {
    ({ root, cleanup } = unpackFixtureRepo());
    hasher = new DvcHasher();
  });
  afterEach(async () => {
    await hasher.close();
    cleanup();
  });

  const byPath = (items: TrackedData[], rel: string) => {
    const item = items.find((i) => i.relPath === rel);
    assert.ok(item, `${rel} is listed (got ${items.map((i) => i.relPath).join(', ')})`);
    return item;
  };

  it('lists every .dvc output and every dvc.lock output with what is recorded', async () => {
    const listing = await listTrackedData([root]);
    assert.deepEqual(listing.problems, []);
    assert.equal(listing.repos.length, 1);
    assert.equal(listing.repos[0].cacheDir, path.join(root, '.dvc', 'cache'));
    assert.deepEqual(listing.items.map((i) => i.relPath), ['data/images', 'data/imported.txt', 'data/table.csv', 'out/features.csv', 'out/summary.txt']);

    const images = byPath(listing.items, 'data/images');
    assert.deepEqual(images.recorded, { md5: IMAGES_V2, hashName: 'md5', isDir: true, size: 26, nfiles: 3 });
    assert.deepEqual(images.source, { kind: 'dvc-file', file: path.join(root, 'data', 'images.dvc'), outPath: 'images' });
    assert.equal(images.line, 2);

    const imported = byPath(listing.items, 'data/imported.txt');
    assert.equal(imported.frozen, true, 'import-url stages are frozen');
    assert.equal(imported.importedFrom, '../external/source.txt');
    assert.equal((imported.source as { file: string }).file, path.join(root, 'data', 'import-source.dvc'), 'a renamed .dvc file still tracks its output');

    const features = byPath(listing.items, 'out/features.csv');
    assert.deepEqual(features.source, { kind: 'pipeline', lockFile: path.join(root, 'dvc.lock'), stage: 'prepare', outPath: 'out/features.csv' });
    assert.equal(features.recorded?.md5, '20195ecc548c96a761ac9592443c602f');
  });

  it('says up to date for everything DVC made, pipeline outputs included', async () => {
    const listing = await listTrackedData([root]);
    const status = await computeDataStatus(listing, hasher);
    assert.deepEqual(listing.items.map((i) => [i.relPath, status.get(i.id)?.status]), [
      ['data/images', 'up-to-date'],
      ['data/imported.txt', 'up-to-date'],
      ['data/table.csv', 'up-to-date'],
      ['out/features.csv', 'up-to-date'],
      ['out/summary.txt', 'up-to-date'],
    ]);
  });

  it('names the stage to reproduce when a pipeline output was changed by hand', async () => {
    fs.appendFileSync(path.join(root, 'out', 'features.csv'), '9,9\n');
    const listing = await listTrackedData([root]);
    const status = await computeDataStatus(listing, hasher);
    const features = status.get(byPath(listing.items, 'out/features.csv').id);
    assert.equal(features?.status, 'modified');
    assert.match(features!.reason, /`dvc repro prepare`/);
    assert.equal(status.get(byPath(listing.items, 'out/summary.txt').id)?.status, 'up-to-date');
  });

  it('says the status is unknown (not up to date) for dvc.lock outputs whose dvc.yaml is gone', async () => {
    fs.rmSync(path.join(root, 'dvc.yaml'));
    const listing = await listTrackedData([root]);
    const status = await computeDataStatus(listing, hasher);
    const features = status.get(byPath(listing.items, 'out/features.csv').id);
    assert.equal(features?.status, 'unknown');
    assert.match(features!.reason, /stage prepare of dvc\.yaml could not be read/);
    assert.equal(status.get(byPath(listing.items, 'data/images').id)?.status, 'up-to-date');
  });

  it('says modified / missing / not in cache as dvc status does', async () => {
    fs.writeFileSync(path.join(root, 'data', 'images', 'a.txt'), 'changed\n');
    fs.rmSync(path.join(root, 'data', 'imported.txt'));
    removeCacheObject(root, TABLE_V2);

    const listing = await listTrackedData([root]);
    const status = await computeDataStatus(listing, hasher);
    const of = (rel: string) => status.get(byPath(listing.items, rel).id);

    const images = of('data/images');
    assert.equal(images?.status, 'modified');
    assert.match(images!.reason, /`dvc add data\/images`/);
    assert.deepEqual(images?.folderChanges, { added: [], deleted: [], modified: ['a.txt'] });
    assert.equal(images?.workspace?.nfiles, 3);

    assert.equal(of('data/imported.txt')?.status, 'missing');
    assert.match(of('data/imported.txt')!.reason, /dvc checkout data\/import-source\.dvc/);
    // DVC's order: a recorded version missing from the cache is "not in cache" even if the workspace matches.
    assert.equal(of('data/table.csv')?.status, 'not-in-cache');
    assert.match(of('data/table.csv')!.reason, /dvc pull data\/table\.csv\.dvc/);
  });

  it('reports malformed .dvc files (at the entry\'s line) and still lists the others', async () => {
    fs.writeFileSync(path.join(root, 'data', 'nopath.dvc'), 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 12\n');
    fs.writeFileSync(path.join(root, 'data', 'broken.dvc'), 'outs:\n- md5: abc\n  path: [unclosed\n');
    const listing = await listTrackedData([root]);
    const noPath = listing.problems.find((p) => p.file === path.join(root, 'data', 'nopath.dvc'));
    assert.equal(noPath?.severity, 'error');
    assert.equal(noPath?.line, 2);
    assert.match(noPath!.message, /path/);
    const broken = listing.problems.find((p) => p.file === path.join(root, 'data', 'broken.dvc'));
    assert.match(broken?.message ?? '', /Invalid YAML/);
    assert.ok(listing.items.some((i) => i.relPath === 'data/images'));
  });

  it('finds the repository from a folder inside it, and repositories below a parent folder', async () => {
    const inside = await listTrackedData([path.join(root, 'data')]);
    assert.equal(inside.repos[0]?.root, root);
    const above = await listTrackedData([path.dirname(root)]);
    assert.deepEqual(above.repos.map((r) => r.root), [root]);
    assert.equal(above.items.length, 5);
  });
});
