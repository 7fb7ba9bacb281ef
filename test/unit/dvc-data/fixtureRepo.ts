import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository made by real git and DVC (test/fixtures/dvc-data/generate.sh), unpacked into a fresh temp folder. */
export function unpackFixtureRepo(): { root: string; cleanup: () => void } {
  const tarball = path.join(process.cwd(), 'test', 'fixtures', 'dvc-data', 'repo.tar.gz');
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-data-'));
  execFileSync('tar', ['-xzf', tarball, '-C', parent]);
  const root = path.join(parent, 'repo');
  return { root, cleanup: () => fs.rmSync(parent, { recursive: true, force: true }) };
}

/** git in the fixture, for the few changes a test makes (commits, edits to the index). */
export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

/** Cache files are read-only (DVC protects them): make the folder writable before changing it. */
export function removeCacheObject(root: string, md5: string): void {
  const file = path.join(root, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
  fs.chmodSync(path.dirname(file), 0o755);
  fs.rmSync(file);
}
