// dvc.lock: read, written back byte for byte as DVC wrote it, one stage updated in place, bad locks refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LockFileError,
  loadDvcLock,
  parseDvcLock,
  serializeDvcLock,
  updateLockStage,
  writeLockStage,
} from '../../../src/core/dvc/pipeline/lockFile';
import { PyDict, PyFloat } from '../../../src/core/dvc/pipeline/pyValue';
import type { LockStage } from '../../../src/core/dvc/pipeline/types';
import { DVC_FIXTURES, fixtureRepoNames } from './helpers';

function fixtureLocks(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === 'dvc.lock') out.push(path.join(dir, e.name));
    }
  };
  for (const name of fixtureRepoNames()) walk(path.join(DVC_FIXTURES, 'repos', name));
  return out.sort();
}

const stage = (cmd: string | string[], extra: Partial<LockStage> = {}): LockStage => ({ cmd, deps: [], params: {}, outs: [], ...extra });

describe('dvc pipeline: dvc.lock', () => {
  const locks = fixtureLocks();

  it('has fixture locks written by DVC', () => {
    assert.ok(locks.length >= 7, `found ${locks.length}`);
  });

  for (const file of locks) {
    const rel = path.relative(DVC_FIXTURES, file);
    it(`${rel}: parse then serialize gives DVC's bytes`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const { lock, problems } = parseDvcLock(text, file);
      assert.deepEqual(problems, []);
      assert.ok(lock);
      assert.equal(serializeDvcLock(lock), text);
    });

    it(`${rel}: updating each stage with itself changes nothing`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const { lock } = parseDvcLock(text, file);
      for (const name of Object.keys(lock!.stages)) assert.equal(updateLockStage(text, name, lock!.stages[name]), text, name);
    });
  }

  it('reads entries, params and legacy md5-dos2unix entries', () => {
    const text = [
      "schema: '2.0'",
      'stages:',
      '  train:',
      '    cmd: python train.py',
      '    deps:',
      '    - path: data.csv',
      '      md5: 0123456789ABCDEF0123456789abcdef',
      '      size: 12',
      '    params:',
      '      params.yaml:',
      '        layers:',
      '        - 1',
      '        lr: 1.0',
      '    outs:',
      '    - path: model',
      '      hash: md5',
      '      md5: 2a6f2e6e1d0a6f8b4f3e9d7c1b0a9e8d.dir',
      '      size: 300',
      '      nfiles: 3',
      '    - path: run.sh',
      '      hash: md5',
      '      md5: d41d8cd98f00b204e9800998ecf8427e',
      '      size: 0',
      '      isexec: true',
      '',
    ].join('\n');
    const { lock, problems } = parseDvcLock(text, '/r/dvc.lock');
    assert.deepEqual(problems, []);
    const train = lock!.stages.train;
    assert.equal(train.deps[0].hash, undefined, 'no `hash:` means the legacy md5-dos2unix');
    assert.deepEqual(train.deps, [{ path: 'data.csv', md5: '0123456789abcdef0123456789abcdef', size: 12 }]);
    assert.deepEqual(train.outs[0], { path: 'model', hash: 'md5', md5: '2a6f2e6e1d0a6f8b4f3e9d7c1b0a9e8d.dir', size: 300, nfiles: 3 });
    assert.equal(train.outs[1].isexec, true);
    assert.ok(train.params['params.yaml'].lr instanceof PyFloat, '1.0 stays a float');
    assert.deepEqual(train.params['params.yaml'].layers, [1]);
    // Written back: the md5 lowercased as DVC's schema does, everything else as read.
    assert.equal(serializeDvcLock(lock!), text.replace('0123456789ABCDEF', '0123456789abcdef'));
  });

  it('reports a DVC 1 lock file clearly', () => {
    const { lock, problems } = parseDvcLock('train:\n  cmd: python train.py\n  deps:\n  - path: a\n    md5: abc\n', '/r/dvc.lock');
    assert.equal(lock, undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /DVC 1\.x/);
    assert.equal(problems[0].line, 1);
  });

  it('reports an unknown schema version at its line', () => {
    const { lock, problems } = parseDvcLock("# written by the future\nschema: '3.0'\nstages: {}\n", '/r/dvc.lock');
    assert.equal(lock, undefined);
    assert.match(problems[0].message, /"3\.0".*invalid schema version/);
    assert.equal(problems[0].line, 2);
  });

  it('reports invalid YAML and unknown keys with their lines', () => {
    assert.equal(parseDvcLock("schema: '2.0'\nstages:\n  a: [\n", 'x').problems[0].severity, 'error');
    const { problems } = parseDvcLock("schema: '2.0'\nstages:\n  a:\n    cmd: x\n    command: y\n", 'x');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /Unknown key 'command'/);
    assert.equal(problems[0].line, 5);
  });

  it('writes a new lock as DVC does: sorted entries, params.yaml first, keys sorted, empty sections left out', () => {
    const s = stage('python train.py --lr 0.1', {
      deps: [
        { path: 'src/train.py', hash: 'md5', md5: 'bb', size: 2 },
        { path: 'data/train.csv', hash: 'md5', md5: 'aa', size: 1 },
      ],
      params: {
        'other.yaml': { z: 1, a: 'yes' },
        'params.yaml': { 'train.lr': 0.1, 'train.epochs': 10, 'train.big': new PyFloat(1e16) },
      },
      outs: [{ path: 'model.pkl', hash: 'md5', md5: 'cc', size: 3 }],
    });
    assert.equal(
      updateLockStage(undefined, 'train', s),
      [
        "schema: '2.0'",
        'stages:',
        '  train:',
        '    cmd: python train.py --lr 0.1',
        '    deps:',
        '    - path: data/train.csv',
        '      hash: md5',
        '      md5: aa',
        '      size: 1',
        '    - path: src/train.py',
        '      hash: md5',
        '      md5: bb',
        '      size: 2',
        '    params:',
        '      params.yaml:',
        '        train.big: 1e+16',
        '        train.epochs: 10',
        '        train.lr: 0.1',
        '      other.yaml:',
        '        a: yes',
        '        z: 1',
        '    outs:',
        '    - path: model.pkl',
        '      hash: md5',
        '      md5: cc',
        '      size: 3',
        '',
      ].join('\n'),
    );
  });

  it('replaces one stage in place and keeps the others, comments included', () => {
    const text = "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n  # kept\n  b:\n    cmd: echo b\n  c:\n    cmd: echo c\n";
    const updated = updateLockStage(text, 'b', stage(['echo b', 'echo bb']));
    assert.equal(updated, "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n  # kept\n  b:\n    cmd:\n    - echo b\n    - echo bb\n  c:\n    cmd: echo c\n");
  });

  it('appends a new stage after the last one, as DVC does', () => {
    const text = "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n";
    assert.equal(updateLockStage(text, 'z@1', stage('echo z')), "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n  z@1:\n    cmd: echo z\n");
    assert.equal(updateLockStage("schema: '2.0'\nstages: {}\n", 'a', stage('echo a')), "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n");
  });

  it('rewrites a hand-indented lock the way DVC would rather than mixing indentations', () => {
    const text = "schema: '2.0'\nstages:\n    a:\n        cmd: echo a\n";
    assert.equal(updateLockStage(text, 'b', stage('echo b')), "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n  b:\n    cmd: echo b\n");
  });

  it('refuses to update a lock it cannot read, and says why', () => {
    assert.throws(() => updateLockStage('train:\n  cmd: x\n', 'train', stage('x')), (e: unknown) => e instanceof LockFileError && /DVC 1\.x/.test(e.message));
    assert.throws(() => updateLockStage("schema: '2.0'\nstages: [\n", 'train', stage('x')), LockFileError);
  });

  it('writes atomically: the new text in place, no temp file left', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-lock-'));
    try {
      const file = path.join(dir, 'dvc.lock');
      await writeLockStage(file, 'a', stage('echo a'));
      await writeLockStage(file, 'b', stage('echo b'));
      assert.equal(fs.readFileSync(file, 'utf8'), "schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n  b:\n    cmd: echo b\n");
      assert.deepEqual(fs.readdirSync(dir), ['dvc.lock']);
      const loaded = await loadDvcLock(file);
      assert.deepEqual(Object.keys(loaded!.lock!.stages), ['a', 'b']);
      assert.equal(await loadDvcLock(path.join(dir, 'missing.lock')), undefined);
      fs.writeFileSync(file, 'a:\n  cmd: x\n');
      await assert.rejects(writeLockStage(file, 'a', stage('y')), LockFileError);
      assert.equal(fs.readFileSync(file, 'utf8'), 'a:\n  cmd: x\n', 'an unreadable lock is left as it was');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the stage order of integer-like names', () => {
    const text = "schema: '2.0'\nstages:\n  zeta:\n    cmd: a\n  '2020':\n    cmd: b\n";
    const { lock } = parseDvcLock(text, 'x');
    assert.equal(serializeDvcLock(lock!), text);
  });

  it('keeps param values with integer keys as DVC writes them', () => {
    const weights = PyDict.from([
      ['10', new PyFloat(1)],
      ['2', 2.5],
    ]);
    weights.nonStringKeys = new Map([
      ['10', 10],
      ['2', 2],
    ]);
    const out = updateLockStage(undefined, 's', stage('x', { params: { 'params.yaml': { weights } } }));
    assert.match(out, /weights:\n {10}10: 1\.0\n {10}2: 2\.5\n/);
  });
});
