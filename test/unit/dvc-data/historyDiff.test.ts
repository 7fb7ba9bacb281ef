import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dataHistory } from '../../../src/core/dvc/data/dataHistory';
import { diffVersions } from '../../../src/core/dvc/data/dataDiff';
import { versionLabel } from '../../../src/core/dvc/data/dataFormat';
import type { DataVersion, TrackedData, VersionSide } from '../../../src/core/dvc/data/dataTypes';
import { diffMarkdown } from '../../../src/core/dvc/data/diffMarkdown';
import { GitError } from '../../../src/core/dvc/data/git';
import { listTrackedData } from '../../../src/core/dvc/data/listTrackedData';
import { git, removeCacheObject, unpackFixtureRepo } from './fixtureRepo';

// History (git log of .dvc files and dvc.lock) and diffs (manifests, CSV) on the repository real DVC made.

const side = (v: DataVersion): VersionSide => ({ label: versionLabel(v), commit: v.commit, recorded: v.recorded! });

describe('Data history and diff on a repository made by DVC', function () {
  this.timeout(60_000);
  let root: string;
  let cleanup: () => void;
  let items: TrackedData[];
  const item = (rel: string) => {
    const found = items.find((i) => i.relPath === rel);
    assert.ok(found, rel);
    return found;
  };

  beforeEach(async () => {
    ({ root, cleanup } = unpackFixtureRepo());
    items = (await listTrackedData([root])).items;
  });
  afterEach(() => cleanup());

  it('lists the versions of a .dvc file, newest first, with commit, author, date and what each recorded', async () => {
    const h = await dataHistory(item('data/images'));
    assert.equal(h.truncated, false);
    assert.equal(h.current, 0);
    assert.deepEqual(h.problems, []);
    assert.deepEqual(h.versions.map((v) => v.subject), ['Update images and table to v2', 'Add images, table and features v1']);
    const [v2, v1] = h.versions;
    assert.equal(v2.author, 'Grace Hopper');
    assert.equal(v1.author, 'Ada Lovelace');
    assert.equal(v2.date, '2024-02-03T14:15:00+00:00');
    assert.match(v2.commit ?? '', /^[0-9a-f]{40}$/);
    assert.deepEqual(v1.recorded, { md5: '000482f511151813a216bc006d45404b.dir', hashName: 'md5', isDir: true, size: 13, nfiles: 3 });
    assert.equal(v2.recorded?.md5, '189966c1efc9beaeaeca275516dd7ecd.dir');
  });

  it('follows a renamed .dvc file back to its first commit', async () => {
    const h = await dataHistory(item('data/imported.txt'));
    assert.deepEqual(h.versions.map((v) => v.recordPath), ['data/import-source.dvc', 'data/imported.txt.dvc']);
    assert.equal(h.versions[0].recorded?.md5, h.versions[1].recorded?.md5, 'a rename records the same data');
  });

  it('keeps only the dvc.lock commits where that output changed', async () => {
    const features = await dataHistory(item('out/features.csv'));
    assert.deepEqual(features.versions.map((v) => v.subject), ['Update images and table to v2', 'Add images, table and features v1'], 'the summary commit did not change it');
    assert.deepEqual(features.versions.map((v) => v.recorded?.md5), ['20195ecc548c96a761ac9592443c602f', 'b247d21b405b12300ae9fa64f56637e3']);
    const summary = await dataHistory(item('out/summary.txt'));
    assert.deepEqual(summary.versions.map((v) => v.subject), ['Add a summary stage']);
  });

  it('puts an uncommitted record first', async () => {
    const file = path.join(root, 'data', 'table.csv.dvc');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('86f421b0f054675002f995c1778ef084', 'ffffffffffffffffffffffffffffffff'));
    const h = await dataHistory(item('data/table.csv'));
    assert.equal(h.versions.length, 3);
    assert.equal(h.versions[0].commit, undefined);
    assert.equal(h.versions[0].recorded?.md5, 'ffffffffffffffffffffffffffffffff');
    assert.equal(h.current, 0);
  });

  it('says clearly when the folder is not a git repository', async () => {
    fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    // Outside any repository (a temp folder), git must not find a parent repository either.
    await assert.rejects(dataHistory(item('data/images')), (e: unknown) => e instanceof GitError && e.code === 'not-a-repo' && /git init/.test(e.message));
  });

  it('diffs two versions of a folder from their manifests: added, removed, modified, unchanged', async () => {
    const [v2, v1] = (await dataHistory(item('data/images'))).versions;
    const diff = await diffVersions(item('data/images'), side(v1), side(v2), { cacheDir: path.join(root, '.dvc', 'cache') });
    assert.equal(diff.identical, false);
    assert.deepEqual(diff.dir?.added.map((f) => [f.relpath, f.size]), [['d.txt', 5]]);
    assert.deepEqual(diff.dir?.removed.map((f) => [f.relpath, f.size]), [['b.txt', 4]]);
    assert.deepEqual(diff.dir?.modified.map((m) => [m.relpath, m.older.size, m.newer.size]), [['a.txt', 4, 16]]);
    assert.equal(diff.dir?.unchanged, 1);
    assert.deepEqual(diff.notes, []);
    const md = diffMarkdown(diff);
    assert.match(md, /\*\*1 added · 1 removed · 1 modified · 1 unchanged\*\*/);
    assert.match(md, /\| `d\.txt` \| 5 B \|/);
  });

  it('diffs two versions of a CSV: rows and columns, quoted line breaks counted once', async () => {
    const [v2, v1] = (await dataHistory(item('data/table.csv'))).versions;
    const diff = await diffVersions(item('data/table.csv'), side(v1), side(v2), { cacheDir: path.join(root, '.dvc', 'cache') });
    assert.equal(diff.csv?.older.rows, 3);
    assert.equal(diff.csv?.newer.rows, 5);
    assert.deepEqual(diff.csv?.addedColumns, ['label']);
    assert.deepEqual(diff.csv?.removedColumns, ['score']);
    assert.match(diffMarkdown(diff), /\| Rows \| 3 \| 5 \| \+2 \|/);
  });

  it('reads a CSV version from the workspace when the cache lacks it, and says what to fetch otherwise', async () => {
    const [v2, v1] = (await dataHistory(item('data/table.csv'))).versions;
    removeCacheObject(root, v2.recorded!.md5);
    const cacheDir = path.join(root, '.dvc', 'cache');
    const fromWorkspace = await diffVersions(item('data/table.csv'), side(v1), side(v2), { cacheDir, workspaceMd5: v2.recorded!.md5 });
    assert.equal(fromWorkspace.csv?.newer.rows, 5);
    const without = await diffVersions(item('data/table.csv'), side(v1), side(v2), { cacheDir });
    assert.equal(without.csv, undefined);
    assert.match(without.notes.join('\n'), /not in the local cache.*dvc fetch --all-commits data\/table\.csv\.dvc/);
  });

  it('says which manifest is missing from the cache and how to get it', async () => {
    const [v2, v1] = (await dataHistory(item('data/images'))).versions;
    removeCacheObject(root, v1.recorded!.md5);
    const diff = await diffVersions(item('data/images'), side(v1), side(v2), { cacheDir: path.join(root, '.dvc', 'cache') });
    assert.equal(diff.dir, undefined);
    assert.equal(diff.notes.length, 1);
    assert.match(diff.notes[0], /file list of version .*000482f511151813a216bc006d45404b\.dir.*dvc fetch/);
  });

  it('follows history in a repository where git sees a commit made after the fixture', async () => {
    fs.writeFileSync(path.join(root, 'data', 'images', 'e.txt'), 'eel\n');
    // A .dvc rewritten by hand as `dvc add` would (the test does not need DVC): new md5 for the folder.
    const dvcFile = path.join(root, 'data', 'images.dvc');
    fs.writeFileSync(dvcFile, fs.readFileSync(dvcFile, 'utf8').replace(/md5: .*\.dir/, 'md5: 11111111111111111111111111111111.dir'));
    git(root, 'add', 'data/images.dvc');
    git(root, 'commit', '-q', '-m', 'Third version');
    const h = await dataHistory(item('data/images'), { maxVersions: 2 });
    assert.deepEqual(h.versions.map((v) => v.subject), ['Third version', 'Update images and table to v2']);
    assert.equal(h.truncated, true);
    assert.equal(h.versions[0].author, 'Test');
  });
});
