import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cacheObjectPath } from '../../../src/core/dvc/hash/dvcCache';
import type { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { PyFloat } from '../../../src/core/dvc/pipeline/pyValue';
import type { DvcLock, PipelineStage } from '../../../src/core/dvc/pipeline/types';
import { computeStatus } from '../../../src/core/dvc/status/computeStatus';
import { findDvcFiles, parseDvcFile } from '../../../src/core/dvc/status/dvcFile';
import { DvcIgnore } from '../../../src/core/dvc/hash/dvcIgnore';
import { toDvcStatusJson } from '../../../src/core/dvc/status/dvcStatusJson';
import type { StageStatus } from '../../../src/core/dvc/status/statusTypes';
import { inlineHasher, lockNow, makeRepo, stage, write } from './statusFixtures';

describe('computeStatus', () => {
  let root: string;
  let hasher: DvcHasher;
  beforeEach(() => (hasher = inlineHasher()));
  afterEach(async () => {
    await hasher.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const run = (stages: PipelineStage[], locks: DvcLock[], extra: Partial<Parameters<typeof computeStatus>[0]> = {}) =>
    computeStatus({ repoRoot: root, stages, locks, hasher, ...extra });
  const byName = (stages: StageStatus[], name: string) => stages.find((s) => s.name === name)!;

  it('a stage never run: deps modified or deleted, params new, outputs deleted, in that order', async () => {
    root = makeRepo({ 'data.csv': 'x', 'params.yaml': 'lr: 0.1\n' });
    const s = stage(root, 'train', { deps: ['data.csv', 'gone.csv'], params: [{ file: 'params.yaml', keys: ['lr'] }], outs: ['model.pkl'] });
    const r = await run([s], []);
    assert.equal(toDvcStatusJson(r), '{"train": [{"changed deps": {"data.csv": "modified", "gone.csv": "deleted", "params.yaml": "new"}}, {"changed outs": {"model.pkl": "deleted"}}]}');
    const st = r.stages[0];
    assert.equal(st.inLock, false);
    assert.equal(st.wouldRun, true);
    assert.match(st.reasons[0].message, /never run/i);
    assert.equal(r.stats.hashed, 0, 'nothing recorded: nothing to hash');
  });

  it('up to date after a run; then each kind of change, with the values behind it', async () => {
    root = makeRepo({ 'data/a.csv': '1', 'data/b.csv': '2', 'params.yaml': 'lr: 0.1\nmodel:\n  depth: 4\n', 'model.pkl': 'm', 'metrics.json': '{}', 'out/x.txt': 'x', 'out/y.txt': 'y' });
    const train = stage(root, 'train', {
      deps: ['data'],
      params: [{ file: 'params.yaml', keys: ['lr', 'model.depth'] }],
      outs: ['model.pkl', 'out', { path: 'metrics.json', kind: 'metrics', cache: false }],
    });
    const lock = await lockNow(root, [train], { train: { 'params.yaml': { lr: 0.1, 'model.depth': 4 } } });
    assert.equal(toDvcStatusJson(await run([train], [lock])), '{}');

    write(root, { 'data/c.csv': '3', 'params.yaml': 'lr: 0.2\nmodel:\n  depth: 4.0\n', 'metrics.json': '{"a": 1}' });
    fs.rmSync(path.join(root, 'out/y.txt'));
    fs.rmSync(cacheObjectPath(path.join(root, '.dvc/cache'), lock.stages.train.outs.find((o) => o.path === 'model.pkl')!.md5, 'md5'));
    const r = await run([train], [lock]);
    assert.equal(toDvcStatusJson(r), '{"train": [{"changed deps": {"data": "modified", "params.yaml": {"lr": "modified"}}}, {"changed outs": {"model.pkl": "not in cache", "out": "modified", "metrics.json": "modified"}}]}');
    const st = r.stages[0];
    assert.deepEqual(st.params[0].changes, [{ key: 'lr', state: 'modified', old: 0.1, now: 0.2 }]);
    assert.deepEqual(st.outs.find((o) => o.defPath === 'out')!.folderChanges, { added: [], deleted: ['y.txt'], modified: [] });
    assert.deepEqual(
      st.reasons.map((x) => x.message),
      [
        'Dependency data modified.',
        'Param params.yaml:lr changed: 0.1 -> 0.2.',
        'Output model.pkl is not in the DVC cache (its recorded version cannot be restored).',
        'Output out modified: 1 deleted (y.txt).',
        'Output metrics.json modified.',
      ],
    );
  });

  it('an object in the cache that is writable is trusted only if its bytes hash to its name', async () => {
    root = makeRepo({ 'o.txt': 'content' });
    const s = stage(root, 's', { outs: ['o.txt'] });
    const lock = await lockNow(root, [s]);
    const obj = cacheObjectPath(path.join(root, '.dvc/cache'), lock.stages.s.outs[0].md5, 'md5');
    fs.chmodSync(obj, 0o644);
    assert.equal(toDvcStatusJson(await run([s], [lock])), '{}');
    fs.writeFileSync(obj, 'tampered');
    assert.equal(toDvcStatusJson(await run([s], [lock])), '{"s": [{"changed outs": {"o.txt": "not in cache"}}]}');
    assert.ok(fs.existsSync(obj), 'never deletes anything in the cache');
  });

  it('frozen: dependencies not checked, outputs still; always_changed and a bare command always listed', async () => {
    root = makeRepo({ 'in.txt': 'a', 'out.txt': 'o', 'a.txt': 'x' });
    const frozen = stage(root, 'frozen', { deps: ['in.txt'], outs: ['out.txt'], frozen: true });
    const always = stage(root, 'always', { outs: ['a.txt'], alwaysChanged: true });
    const bare = stage(root, 'bare', { cmd: 'echo hi' });
    const lock = await lockNow(root, [frozen, always, bare]);
    write(root, { 'in.txt': 'changed' });
    let r = await run([frozen, always, bare], [lock]);
    assert.equal(toDvcStatusJson(r), '{"always": ["always changed"], "bare": ["always changed"]}');
    assert.equal(byName(r.stages, 'frozen').wouldRun, false);
    assert.equal(byName(r.stages, 'always').wouldRun, true);
    fs.rmSync(path.join(root, 'out.txt'));
    r = await run([frozen, always, bare], [lock]);
    assert.equal(toDvcStatusJson(r), '{"frozen": [{"changed outs": {"out.txt": "deleted"}}], "always": ["always changed"], "bare": ["always changed"]}');
    assert.equal(byName(r.stages, 'frozen').wouldRun, true);
  });

  it('command changed, string against list compared as Python does', async () => {
    root = makeRepo({});
    const a = stage(root, 'a', { cmd: ['echo 1', 'echo 2'], outs: [] });
    const lock: DvcLock = { file: path.join(root, 'dvc.lock'), schema: '2.0', stages: { a: { cmd: 'echo 1 && echo 2', deps: [], params: {}, outs: [] } } };
    assert.equal(toDvcStatusJson(await run([a], [lock])), '{"a": ["always changed", "changed command"]}');
    lock.stages.a.cmd = ['echo 1', 'echo 2'];
    assert.equal(toDvcStatusJson(await run([a], [lock])), '{"a": ["always changed"]}');
  });

  it('whole-file params: the file order, then keys only dvc.lock has; 4 equals 4.0', async () => {
    root = makeRepo({ 'p.yaml': 'b: 2\n"10": x\na: 4.0\nnew: true\n', 'o': 'o' });
    const s = stage(root, 's', { params: [{ file: 'p.yaml', keys: [] }], outs: ['o'] });
    const lock = await lockNow(root, [s], { s: { 'p.yaml': { a: 4, b: 1, gone: 'x', '10': 'x' } } });
    const r = await run([s], [lock]);
    assert.equal(toDvcStatusJson(r), '{"s": [{"changed deps": {"p.yaml": {"b": "modified", "new": "new", "gone": "deleted"}}}]}');
    assert.deepEqual(
      r.stages[0].reasons.map((x) => x.message),
      ['Param p.yaml:b changed: 1 -> 2.', 'Param p.yaml:new added (True).', "Param p.yaml:gone removed (was 'x')."],
    );
    assert.ok(r.stages[0].params[0].changes.every((c) => !(c.now instanceof PyFloat)));
  });

  it('a params file listed with keys and whole in two entries is tracked whole; a missing one is deleted', async () => {
    root = makeRepo({ 'params.yaml': 'a: 1\nb: 2\n', 'o': 'o' });
    const s = stage(root, 's', { params: [{ file: 'params.yaml', keys: ['a'] }, { file: 'params.yaml', keys: [] }, { file: 'other.yaml', keys: ['x'] }], outs: ['o'] });
    const lock = await lockNow(root, [s], { s: { 'params.yaml': { a: 1 }, 'other.yaml': { x: 1 } } });
    assert.equal(toDvcStatusJson(await run([s], [lock])), '{"s": [{"changed deps": {"params.yaml": {"b": "new"}, "other.yaml": "deleted"}}]}');
  });

  it('names stages and paths relative to the current folder, and paths outside the repo absolutely', async () => {
    root = makeRepo({ 'sub/in.txt': 'a', 'top.txt': 't' });
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'ext.txt'), 'e');
      const s = stage(root, 's', { dir: 'sub', deps: ['in.txt', '../top.txt', path.join(outside, 'ext.txt')], outs: ['o.txt'] });
      const fromRoot = await run([s], []);
      assert.equal(
        toDvcStatusJson(fromRoot),
        `{"sub/dvc.yaml:s": [{"changed deps": {"sub/in.txt": "modified", "top.txt": "modified", "${path.join(outside, 'ext.txt')}": "modified"}}, {"changed outs": {"sub/o.txt": "deleted"}}]}`,
      );
      const fromSub = await run([s], [], { cwd: path.join(root, 'sub') });
      assert.match(toDvcStatusJson(fromSub), /^\{"s": \[\{"changed deps": \{"in.txt": "modified", "..\/top.txt": "modified"/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('.dvc files: modified data, a stale md5, an ignored output counts as deleted', async () => {
    root = makeRepo({ 'd.csv': 'v1', '.dvcignore': 'ignored.bin\n', 'ignored.bin': 'x' });
    const s = stage(root, 'x', { outs: ['d.csv', 'ignored.bin'] });
    const lock = await lockNow(root, [s]);
    const [d, ig] = lock.stages.x.outs;
    const text = `outs:\n- md5: ${d.md5}\n  size: 2\n  hash: md5\n  path: d.csv\n- md5: ${ig.md5}\n  size: 1\n  hash: md5\n  path: ignored.bin\nmd5: 00000000000000000000000000000000\n`;
    const parsed = parseDvcFile(text, path.join(root, 'd.csv.dvc'));
    assert.deepEqual(parsed.problems, []);
    write(root, { 'd.csv': 'v2' });
    const r = await run([], [], { dvcFiles: [parsed.stage!] });
    assert.equal(toDvcStatusJson(r), '{"d.csv.dvc": [{"changed outs": {"d.csv": "modified", "ignored.bin": "deleted"}}, "changed checksum"]}');
  });

  it('reports what it cannot check as a problem at the file, and leaves it out of the JSON', async () => {
    root = makeRepo({ 'in/.dvcignore': 'x', 'in/a': 'a', 'p.yaml': 'a: [1\n', 'o': 'o' });
    const s = stage(root, 's', { deps: ['in'], params: [{ file: 'p.yaml', keys: ['a'] }], outs: ['o'] });
    const lock = await lockNow(root, [stage(root, 's', { outs: ['o'] })], { s: { 'p.yaml': { a: 1 } } });
    lock.stages.s.deps = [{ path: 'in', hash: 'md5', md5: 'd41d8cd98f00b204e9800998ecf8427e.dir' }];
    const r = await run([s], [lock]);
    assert.equal(toDvcStatusJson(r), '{}');
    assert.equal(r.problems.length, 2);
    assert.ok(r.problems.some((p) => p.file === path.join(root, 'in') && /\.dvcignore/.test(p.message)));
    assert.ok(r.problems.some((p) => p.file === path.join(root, 'p.yaml')));
  });

  it('legacy md5-dos2unix entries: a CRLF file converted to LF is unchanged', async () => {
    root = makeRepo({ 't.txt': 'a\r\nb\r\n' });
    const s = stage(root, 's', { deps: ['t.txt'], cmd: 'c' });
    const dos2unix = (await hasher.hashPath(path.join(root, 't.txt'), 'md5-dos2unix')).md5;
    const lock: DvcLock = { file: path.join(root, 'dvc.lock'), schema: '2.0', stages: { s: { cmd: 'c', deps: [{ path: 't.txt', md5: dos2unix, size: 6 }], params: {}, outs: [] } } };
    write(root, { 't.txt': 'a\nb\n' });
    assert.equal(toDvcStatusJson(await run([s], [lock])), '{}');
    write(root, { 't.txt': 'a\nc\n' });
    assert.equal(toDvcStatusJson(await run([s], [lock])), '{"s": [{"changed deps": {"t.txt": "modified"}}]}');
  });

  it('hashes nothing twice: a second call with nothing changed only stats', async () => {
    root = makeRepo({ 'data/a': 'a', 'data/b': 'b', 'o': 'o' });
    const s = stage(root, 's', { deps: ['data'], outs: ['o'] });
    const lock = await lockNow(root, [s]);
    await run([s], [lock]);
    const second = await run([s], [lock]);
    assert.equal(second.stats.hashed, 0);
    assert.equal(second.stats.cached, 3);
  });
});

describe('computeStatus on remote dependencies', () => {
  it('does not pretend to check an s3:// dependency: a warning at dvc.yaml, nothing in the JSON', async () => {
    const root = makeRepo({ 'o': 'o' });
    const hasher = inlineHasher();
    try {
      const s = stage(root, 's', { deps: ['s3://bucket/data.csv'], outs: ['o'] });
      const lock = await lockNow(root, [stage(root, 's', { outs: ['o'] })]);
      const r = await computeStatus({ repoRoot: root, stages: [s], locks: [lock], hasher });
      assert.equal(toDvcStatusJson(r), '{}');
      assert.deepEqual(r.problems.map((p) => [p.severity, p.file]), [['warning', s.dvcfile]]);
      assert.match(r.problems[0].message, /remote dependency/);
    } finally {
      await hasher.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('findDvcFiles', () => {
  it('finds .dvc files as DVC collects them: not in .dvcignore-d, git-ignored, output or nested-repo folders', async () => {
    const root = makeRepo({
      'a.dvc': 'outs: []\n',
      'sub/b.dvc': 'outs: []\n',
      '.gitignore': '.venv/\n*.local.dvc\n',
      '.dvcignore': 'skipped/\n',
      '.venv/lib/c.dvc': 'outs: []\n',
      'x.local.dvc': 'outs: []\n',
      'skipped/d.dvc': 'outs: []\n',
      'out/e.dvc': 'outs: []\n',
      'nested/.dvc/config': '',
      'nested/f.dvc': 'outs: []\n',
    });
    try {
      fs.mkdirSync(path.join(root, '.git'));
      const found = await findDvcFiles(root, { ignore: new DvcIgnore(root), skipDirs: new Set([path.join(root, 'out')]) });
      assert.deepEqual(found.map((f) => path.relative(root, f)), ['a.dvc', 'sub/b.dvc']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
