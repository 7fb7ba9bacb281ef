import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { DvcIgnore } from '../../../src/core/dvc/hash/dvcIgnore';
import type { OutSpec, PipelineStage } from '../../../src/core/dvc/pipeline/types';
import { storeFileObject } from '../../../src/core/dvc/run/cacheStore';
import { readDvcRepoConfig } from '../../../src/core/dvc/run/dvcRepoConfig';
import { prepareOutputs } from '../../../src/core/dvc/run/outputRemoval';
import { PipelineRunError } from '../../../src/core/dvc/run/runTypes';
import { cleanup, exists, inlineHasher, makeRunRepo, read } from './runFixtures';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function stageWith(root: string, outs: (Partial<OutSpec> & { path: string })[]): PipelineStage {
  return {
    name: 's',
    dvcfile: path.join(root, 'dvc.yaml'),
    wdir: root,
    cmd: 'true',
    deps: [],
    params: [],
    outs: outs.map((o) => ({ kind: 'outs', cache: true, persist: false, push: true, repoPath: path.posix.normalize(o.path), ...o })),
    frozen: false,
    alwaysChanged: false,
    pos: { file: path.join(root, 'dvc.yaml'), line: 1, column: 1 },
  };
}

describe('outputs removed before a run', () => {
  let root: string | undefined;
  let hasher: DvcHasher;
  beforeEach(() => (hasher = inlineHasher()));
  afterEach(async () => {
    await hasher.close();
    cleanup(root);
    root = undefined;
  });

  const prepare = (stage: PipelineStage, info?: (l: string) => void) =>
    prepareOutputs({ repoRoot: root!, config: readDvcRepoConfig(root!), hasher, ignore: new DvcIgnore(root!), info }, stage, 's');
  const objectPath = (h: string) => path.join(root!, '.dvc', 'cache', 'files', 'md5', h.slice(0, 2), h.slice(2));

  it('keeps persist outputs, deletes uncached ones, and deletes a cached one already in the cache', async () => {
    root = makeRunRepo({ 'keep.ckpt': 'k', 'metrics.json': '{}', 'model.bin': 'm' });
    const config = readDvcRepoConfig(root);
    await storeFileObject(path.join(root, 'model.bin'), md5('m'), 'md5', { cacheDir: config.cacheDir, hasher, dirMode: config.dirMode });
    const report = await prepare(stageWith(root, [{ path: 'keep.ckpt', persist: true }, { path: 'metrics.json', cache: false, kind: 'metrics' }, { path: 'model.bin' }]));
    assert.equal(read(root, 'keep.ckpt'), 'k');
    assert.equal(exists(root, 'metrics.json'), false);
    assert.equal(exists(root, 'model.bin'), false);
    assert.deepEqual(report.savedToCache, []);
    assert.deepEqual(report.unprotected, [path.join(root, 'keep.ckpt')]);
  });

  it('copies a cached output the cache lacks into it (read-only, verified) before deleting it', async () => {
    root = makeRunRepo({ 'model.bin': 'hand-edited', 'data/out/a.txt': 'A', 'data/out/sub/b.txt': 'B' });
    const lines: string[] = [];
    const report = await prepare(stageWith(root, [{ path: 'model.bin' }, { path: 'data/out' }]), (l) => lines.push(l));
    assert.equal(exists(root, 'model.bin'), false);
    assert.equal(exists(root, 'data/out'), false);
    assert.equal(fs.readFileSync(objectPath(md5('hand-edited')), 'utf8'), 'hand-edited');
    assert.equal(fs.statSync(objectPath(md5('hand-edited'))).mode & 0o777, 0o444);
    assert.equal(fs.readFileSync(objectPath(md5('A')), 'utf8'), 'A');
    assert.equal(fs.readFileSync(objectPath(md5('B')), 'utf8'), 'B');
    const manifest = `[{"md5": "${md5('A')}", "relpath": "a.txt"}, {"md5": "${md5('B')}", "relpath": "sub/b.txt"}]`;
    assert.equal(fs.readFileSync(objectPath(md5(manifest) + '.dir'), 'utf8'), manifest);
    assert.deepEqual(report.savedToCache.map((s) => s.md5), [md5('hand-edited'), md5(manifest) + '.dir']);
    assert.match(lines[0], /Kept the previous 'model\.bin' in the DVC cache/);
  });

  it('without a DVC cache, refuses to delete a cached output and deletes nothing at all', async () => {
    root = makeRunRepo({ 'metrics.json': '{}', 'model.bin': 'm' }, { dvcDir: false });
    await assert.rejects(prepare(stageWith(root, [{ path: 'metrics.json', cache: false }, { path: 'model.bin' }])), (e: Error) => {
      assert.ok(e instanceof PipelineRunError);
      assert.match(e.message, /would delete its output 'model\.bin'.*no DVC cache \(\.dvc\/\)/);
      return true;
    });
    assert.equal(read(root, 'model.bin'), 'm');
    assert.equal(read(root, 'metrics.json'), '{}', 'checks come before the first delete');
  });

  it('never deletes outside the repository, the repository itself, or a folder holding dvc.yaml', async () => {
    root = makeRunRepo({ 'dvc.yaml': 'stages: {}\n', 'inner/x.txt': 'x' });
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'outside-'));
    try {
      await assert.rejects(prepare(stageWith(root, [{ path: path.relative(root, outside), repoPath: undefined, cache: false }])), /outside the repository/);
      assert.ok(fs.existsSync(outside));
      await assert.rejects(prepare(stageWith(root, [{ path: '.', cache: false }])), /contains the whole repository/);
      const nested = stageWith(root, [{ path: 'inner', cache: false }]);
      nested.dvcfile = path.join(root, 'inner', 'dvc.yaml');
      await assert.rejects(prepare(nested), /contains the stage's own dvc\.yaml/);
      assert.equal(read(root, 'inner/x.txt'), 'x');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('removes a symlinked output, never what it points to', async () => {
    root = makeRunRepo({ 'real.bin': 'r' });
    fs.symlinkSync(path.join(root, 'real.bin'), path.join(root, 'link.bin'));
    await prepare(stageWith(root, [{ path: 'link.bin' }]));
    assert.equal(fs.lstatSync(path.join(root, 'link.bin'), { throwIfNoEntry: false }), undefined);
    assert.equal(read(root, 'real.bin'), 'r');
  });

  it('refuses to delete a folder holding files .dvcignore hides (the cache would not keep them)', async () => {
    root = makeRunRepo({ '.dvcignore': '*.tmp\n', 'out/a.txt': 'a', 'out/scratch.tmp': 's' });
    await assert.rejects(prepare(stageWith(root, [{ path: 'out' }])), /holds 1 file\(s\) that \.dvcignore excludes/);
    assert.equal(read(root, 'out/scratch.tmp'), 's');
  });

  it('unprotects a persistent output: a hard link to the cache becomes a writable copy, the object untouched', async () => {
    root = makeRunRepo({ 'ckpt.bin': 'c' });
    const config = readDvcRepoConfig(root);
    await storeFileObject(path.join(root, 'ckpt.bin'), md5('c'), 'md5', { cacheDir: config.cacheDir, hasher, dirMode: config.dirMode });
    fs.rmSync(path.join(root, 'ckpt.bin'));
    fs.linkSync(objectPath(md5('c')), path.join(root, 'ckpt.bin'));
    await prepare(stageWith(root, [{ path: 'ckpt.bin', persist: true }]));
    const stat = fs.statSync(path.join(root, 'ckpt.bin'));
    assert.equal(stat.nlink, 1);
    assert.equal(stat.mode & 0o777, config.fileMode);
    assert.equal(fs.statSync(objectPath(md5('c'))).mode & 0o777, 0o444);
    assert.equal(read(root, 'ckpt.bin'), 'c');
  });
});
