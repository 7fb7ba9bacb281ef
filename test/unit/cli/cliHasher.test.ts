import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashCacheFile } from '../../../src/cli/cliHasher';
import { main } from '../../../src/cli/main';
import { cleanup, makeRunRepo, shEnv } from '../dvc-run/runFixtures';

const PIPELINE = `stages:
  copy:
    cmd: cp raw.txt out.txt
    deps:
      - raw.txt
    outs:
      - out.txt
`;

describe('CLI hash cache', () => {
  let root: string | undefined;
  let cacheHome: string | undefined;
  afterEach(() => {
    cleanup(root);
    if (cacheHome) fs.rmSync(cacheHome, { recursive: true, force: true });
    root = cacheHome = undefined;
  });

  async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: root! });
    return { code, stdout, stderr };
  }

  it('keeps hashes between calls in the user cache folder, never in the repo, and can be turned off', () => {
    assert.equal(hashCacheFile('/repo', { XDG_CACHE_HOME: '/c', MLOPS_HASH_CACHE: 'off' }), undefined);
    const file = hashCacheFile('/repo', { XDG_CACHE_HOME: '/c' });
    assert.match(file ?? '', /^\/c\/mlops-workbench\/dvc-hashes-[0-9a-f]{16}\.json$/);
    assert.notEqual(file, hashCacheFile('/other-repo', { XDG_CACHE_HOME: '/c' }), 'one file per repository');
    assert.match(hashCacheFile('/repo', {}) ?? '', new RegExp(`^${os.homedir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.cache/`));
  });

  it('a second status reuses the hashes of unchanged files (a planted hash is believed until the file changes)', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, 'raw.txt': 'abc' });
    cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cache-'));
    const env = shEnv({ XDG_CACHE_HOME: cacheHome, MLOPS_HASH_CACHE: '' });
    assert.equal((await cli(['repro', '--runner', 'builtin'], env)).code, 0);
    assert.equal((await cli(['status', '--json'], env)).stdout, '{}\n');
    const file = hashCacheFile(root, env)!;
    assert.ok(fs.existsSync(file), 'the cache was written');
    assert.ok(!fs.readdirSync(root).some((f) => f.includes('hash')), 'nothing written into the repository');

    // Replace raw.txt's remembered md5: a status that hashed again would not notice; one that trusts the cache does.
    const text = fs.readFileSync(file, 'utf8');
    const realMd5 = '900150983cd24fb0d6963f7d28e17f72'; // md5("abc")
    assert.ok(text.includes(realMd5), 'raw.txt is in the cache');
    fs.writeFileSync(file, text.split(realMd5).join('0'.repeat(32)));
    assert.match((await cli(['status', '--json'], env)).stdout, /"raw\.txt": "modified"/);
    // Touching the files (out.txt holds the same bytes, so its planted md5 too) changes their stamps: hashed again.
    const later = new Date(Date.now() + 5000);
    for (const f of ['raw.txt', 'out.txt']) fs.utimesSync(path.join(root, f), later, later);
    assert.equal((await cli(['status', '--json'], env)).stdout, '{}\n');
  });
});
