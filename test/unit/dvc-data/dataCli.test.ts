import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataItemJson } from '../../../src/cli/commands/data';
import { main } from '../../../src/cli/main';
import { unpackFixtureRepo } from './fixtureRepo';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd });
  return { code, stdout, stderr };
}

describe('mlops-workbench data', function () {
  this.timeout(60_000);
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = unpackFixtureRepo()));
  afterEach(() => cleanup());

  it('prints every tracked path as JSON with hash, size, files and status', async () => {
    fs.rmSync(path.join(root, 'out', 'summary.txt'));
    const { code, stdout, stderr } = await cli(['data', '--json'], root);
    assert.equal(code, 0, stderr);
    const items = JSON.parse(stdout) as DataItemJson[];
    assert.deepEqual(items.map((i) => [i.path, i.status]), [
      ['data/images', 'up-to-date'],
      ['data/imported.txt', 'up-to-date'],
      ['data/table.csv', 'up-to-date'],
      ['out/features.csv', 'up-to-date'],
      ['out/summary.txt', 'missing'],
    ]);
    const images = items[0];
    assert.deepEqual({ ...images, reason: undefined }, {
      path: 'data/images', repo: root, kind: 'dvc-file', recordedIn: 'data/images.dvc', stage: null,
      hash: '189966c1efc9beaeaeca275516dd7ecd.dir', hashName: 'md5', isDir: true, size: 26, nfiles: 3,
      status: 'up-to-date', reason: undefined, frozen: false, cache: true, importedFrom: null,
    });
    assert.equal(items[4].stage, 'summarize');
    assert.equal(items[4].recordedIn, 'dvc.lock');
  });

  it('prints a table from a folder inside the repository, and warns about broken .dvc files on stderr', async () => {
    fs.writeFileSync(path.join(root, 'data', 'bad.dvc'), 'outs: 3\n');
    const { code, stdout, stderr } = await cli(['data', '--workspace', 'data'], root);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^PATH\s+STATUS\s+SIZE\s+FILES\s+HASH\s+RECORDED IN$/);
    assert.match(stdout, /data\/images\s+up to date\s+26 B\s+3\s+189966c1….dir\s+data\/images\.dvc/);
    assert.match(stdout, /out\/features\.csv\s+up to date\s+42 B\s+20195ecc…\s+dvc\.lock › prepare/);
    assert.match(stderr, /error: .*bad\.dvc.*outs/);
  });

  it('says when there is no DVC repository', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-dvc-'));
    try {
      const { code, stdout } = await cli(['data'], empty);
      assert.equal(code, 0);
      assert.match(stdout, /No DVC repository in .*no-dvc-/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
