import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { HashPool } from '../../../src/core/dvc/hash/hashPool';

/**
 * A temp DVC repository made from a map of files: `.dvc/` with `core.no_scm` (no Git, as the demo), unless
 * `dvcDir: false`. Commands in the tests use POSIX sh and coreutils only.
 */
export function makeRunRepo(files: Record<string, string | Buffer>, opts: { dvcDir?: boolean } = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-run-')));
  if (opts.dvcDir !== false) writeFiles(root, { '.dvc/config': '[core]\n    no_scm = true\n' });
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

export function exists(root: string, rel: string): boolean {
  return fs.existsSync(path.join(root, rel));
}

/** Hashing on the calling thread (no worker script needed under mocha). */
export function inlineHasher(): DvcHasher {
  return new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
}

/** Every file under the cache, `mode relpath`, sorted. */
export function cacheListing(root: string): string[] {
  const cache = path.join(root, '.dvc', 'cache');
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else out.push(`${(fs.statSync(abs).mode & 0o777).toString(8)} ${path.relative(cache, abs).split(path.sep).join('/')}`);
    }
  };
  walk(cache);
  return out.sort();
}

/** An environment with a known shell, so the tests do not depend on the user's $SHELL. */
export function shEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // MLOPS_HASH_CACHE=off: the CLI's hash cache would otherwise go to the user's ~/.cache for every temp repo.
  return { ...process.env, SHELL: '/bin/sh', MLOPS_HASH_CACHE: 'off', ...extra };
}

export function cleanup(root: string | undefined): void {
  if (!root) return;
  // Cache objects are read-only; make them writable so the folder can go.
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) {
        fs.chmodSync(abs, 0o755);
        walk(abs);
      }
    }
  };
  try {
    walk(root);
  } catch {
    // best effort
  }
  fs.rmSync(root, { recursive: true, force: true });
}
