import { execFile } from 'node:child_process';

// Git, run as a program (execFile: no shell, arguments passed as they are), cancellable by an AbortSignal.
// Reads only: the one git command that changes files (`git checkout <rev> -- <file>`) is run by checkout.ts,
// after its safety checks.

export type GitErrorCode = 'not-installed' | 'not-a-repo' | 'failed';

export class GitError extends Error {
  constructor(message: string, readonly code: GitErrorCode, readonly stderr = '') {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** Folder git runs in (any folder inside the repository). */
  cwd: string;
  signal?: AbortSignal;
  /** Written to git's stdin (for `cat-file --batch`). */
  input?: string;
}

/** Environment for read-only git calls: never take the index lock (the user's own git may be running). */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

/** Runs `git <args>` and returns its stdout as bytes; a GitError says what to do when git is missing or the folder is not a repository. */
export function runGit(args: readonly string[], opts: GitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      { cwd: opts.cwd, signal: opts.signal, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024, env: gitEnv(), windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const err = error as NodeJS.ErrnoException & { code?: string | number };
        if (err.name === 'AbortError' || opts.signal?.aborted) return reject(opts.signal?.reason ?? err);
        const text = stderr.toString('utf8').trim();
        if (err.code === 'ENOENT' && typeof err.syscall === 'string' && err.syscall.startsWith('spawn')) {
          return reject(new GitError('Git is not installed (or not on PATH). Data history and checkout read the history of .dvc files and dvc.lock through git: install Git from https://git-scm.com and reload the window.', 'not-installed'));
        }
        if (err.code === 'ENOENT') {
          return reject(new GitError(`Cannot run git in ${opts.cwd}: the folder does not exist.`, 'failed'));
        }
        if (/not a git repository/i.test(text)) {
          return reject(new GitError(`${opts.cwd} is not inside a Git repository, so its .dvc files have no history. Run \`git init\` and commit the .dvc files and dvc.lock to version your data.`, 'not-a-repo', text));
        }
        reject(new GitError(`git ${args.join(' ')} failed: ${text || err.message}`, 'failed', text));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** The repository's top folder (absolute, with the platform's separators). */
export async function gitTopLevel(cwd: string, signal?: AbortSignal): Promise<string> {
  const out = await runGit(['rev-parse', '--show-toplevel'], { cwd, signal });
  return out.toString('utf8').trim();
}

/**
 * Reads many `<commit>:<path>` blobs in one git process (`cat-file --batch`), instead of one `git show` each.
 * A blob that does not exist at that commit maps to undefined.
 */
export async function readBlobs(cwd: string, specs: readonly string[], signal?: AbortSignal): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  if (specs.length === 0) return out;
  for (const s of specs) if (/[\n\r]/.test(s)) throw new GitError(`A path with a line break cannot be read through git cat-file: ${JSON.stringify(s)}`, 'failed');
  const stdout = await runGit(['cat-file', '--batch'], { cwd, signal, input: specs.join('\n') + '\n' });
  let at = 0;
  for (const spec of specs) {
    const eol = stdout.indexOf(0x0a, at);
    if (eol < 0) throw new GitError(`git cat-file --batch ended early (at ${spec}).`, 'failed');
    const header = stdout.subarray(at, eol).toString('utf8');
    at = eol + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      out.set(spec, undefined);
      continue;
    }
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) throw new GitError(`Unexpected git cat-file output for ${spec}: ${header}`, 'failed');
    const size = Number(m[2]);
    out.set(spec, m[1] === 'blob' ? Buffer.from(stdout.subarray(at, at + size)) : undefined);
    at += size + 1; // the contents are followed by a newline
  }
  return out;
}

export interface GitCommitInfo {
  commit: string;
  /** ISO 8601 (strict) author date. */
  date: string;
  author: string;
  authorEmail: string;
  subject: string;
  /** The path at that commit (it changes across renames when following), relative to the top level. */
  path: string;
}

/**
 * `git log --follow` of one file, newest first: each commit that changed it, with the file's name at that commit.
 * `relPath` is relative to the top level, `/`-separated.
 */
export async function fileLog(topLevel: string, relPath: string, opts: { maxCount: number; signal?: AbortSignal }): Promise<GitCommitInfo[]> {
  const args = ['log', '--follow', `--max-count=${opts.maxCount}`, '--format=%x1e%H%x1f%aI%x1f%an%x1f%ae%x1f%s', '--name-only', '-z', '--', relPath];
  const text = (await runGit(args, { cwd: topLevel, signal: opts.signal })).toString('utf8');
  return parseFileLog(text, relPath);
}

/** Parses the output of the `git log` call above (records start with \x1e; fields split by \x1f; the name follows a NUL). */
export function parseFileLog(text: string, fallbackPath: string): GitCommitInfo[] {
  const out: GitCommitInfo[] = [];
  for (const record of text.split('\x1e')) {
    if (!record.trim()) continue;
    const nul = record.indexOf('\0');
    const header = nul >= 0 ? record.slice(0, nul) : record;
    const names = nul >= 0 ? record.slice(nul + 1).split('\0').map((s) => s.replace(/^\n+/, '')).filter(Boolean) : [];
    const [commit, date, author, authorEmail, ...subject] = header.split('\x1f');
    if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) continue;
    out.push({ commit, date: date ?? '', author: author ?? '', authorEmail: authorEmail ?? '', subject: subject.join('\x1f').trim(), path: names[0] ?? fallbackPath });
  }
  return out;
}

/** Whether the file differs from HEAD in the index or the working tree (or is untracked). */
export async function hasUncommittedChanges(topLevel: string, relPath: string, signal?: AbortSignal): Promise<boolean> {
  const out = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', relPath], { cwd: topLevel, signal });
  return out.length > 0;
}
