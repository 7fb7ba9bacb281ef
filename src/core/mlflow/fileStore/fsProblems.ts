import type { StoreProblem } from '../../runs/types';

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** An I/O failure on one file or folder as a problem a user can act on. Abort errors are not problems: rethrown. */
export function ioProblem(file: string, err: unknown, what: string): StoreProblem {
  if (err instanceof Error && err.name === 'AbortError') throw err;
  const code = errorCode(err);
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? 'Permission denied: give your user read access to it.'
      : code === 'ELOOP'
        ? 'It is a symbolic link that points back to itself: fix or remove the link.'
        : code === 'EMFILE'
          ? 'Too many open files: close other programs or raise the limit (ulimit -n).'
          : 'Check that it is readable.';
  const detail = err instanceof Error ? err.message : String(err);
  return { severity: 'error', file, message: `Can't read ${what} (${code ?? 'error'}): ${hint} [${detail}]` };
}
