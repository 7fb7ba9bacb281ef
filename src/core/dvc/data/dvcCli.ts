import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A DVC executable that answered `dvc --version`. */
export interface DvcExecutable {
  /** Absolute path, or `dvc` when found on PATH. */
  command: string;
  version: string;
}

/** What to tell a user who has no DVC. */
export const INSTALL_DVC_HINT = 'DVC is not installed: install it with `pip install dvc` (or `pipx install dvc`, `conda install -c conda-forge dvc`), in the project\'s virtual environment or on PATH, then try again.';

/**
 * Finds DVC the way a user of this project would run it: the project's virtual environment first (`.venv`,
 * `venv`, `env`), then PATH. Runs `dvc --version`, so call it only in a trusted workspace (a workspace's venv is
 * the workspace's code). Undefined when none answers.
 */
export async function findDvc(projectRoot: string, opts: { explicit?: string; signal?: AbortSignal } = {}): Promise<DvcExecutable | undefined> {
  const candidates: string[] = [];
  if (opts.explicit) candidates.push(opts.explicit);
  const bin = process.platform === 'win32' ? path.join('Scripts', 'dvc.exe') : path.join('bin', 'dvc');
  for (const venv of ['.venv', 'venv', 'env']) {
    const p = path.join(projectRoot, venv, bin);
    if (fs.existsSync(p)) candidates.push(p);
  }
  candidates.push('dvc');
  for (const command of candidates) {
    const version = await dvcVersion(command, projectRoot, opts.signal);
    if (version) return { command, version };
  }
  return undefined;
}

function dvcVersion(command: string, cwd: string, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { cwd, signal, timeout: 30_000, windowsHide: true, env: { ...process.env, DVC_NO_ANALYTICS: '1' } }, (error, stdout) => {
      if (error) return resolve(undefined);
      const version = String(stdout).trim().split(/\r?\n/).pop()?.trim();
      resolve(version && /^\d+\.\d+/.test(version) ? version : undefined);
    });
  });
}
