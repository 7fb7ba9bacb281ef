// What DVC does with Git for a cached output (dvc/output.py Output.ignore, scmrepo's Git.ignore): an output Git
// already tracks is refused; one Git does not ignore yet gets a `/name` line (gitignore-escaped) appended to the
// .gitignore beside it. Nothing happens when the repository is not in Git or `core.no_scm` is set.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface GitAnswer {
  code: number;
  stdout: string;
}

/** Runs `git args...` in `cwd`; code -1 when git cannot be started. */
export type GitRunner = (args: string[], cwd: string) => Promise<GitAnswer>;

export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve) => {
    execFile('git', args, { cwd, windowsHide: true, timeout: 30_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : -1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });

/** The Git work tree that holds `repoRoot`, or undefined when there is none (or git is not installed). */
export async function gitWorkTree(repoRoot: string, git: GitRunner = runGit): Promise<string | undefined> {
  const r = await git(['rev-parse', '--show-toplevel'], repoRoot);
  return r.code === 0 ? path.resolve(r.stdout.trim()) : undefined;
}

/** Whether Git tracks `file` (or anything under it, for a folder). */
export async function isTrackedByGit(workTree: string, file: string, git: GitRunner = runGit): Promise<boolean> {
  const r = await git(['ls-files', '-z', '--', toGitPath(workTree, file)], workTree);
  return r.code === 0 && r.stdout.length > 0;
}

/** Whether Git ignores `file` (`git check-ignore`: 0 ignored, 1 not). */
export async function isIgnoredByGit(workTree: string, file: string, git: GitRunner = runGit): Promise<boolean> {
  const r = await git(['check-ignore', '-q', '--', toGitPath(workTree, file)], workTree);
  return r.code === 0;
}

/** The message DVC gives for a cached output Git tracks (OutputAlreadyTrackedError), with the way out. */
export function trackedOutputMessage(display: string, stageAddress: string): string {
  return `Output '${display}' of stage '${stageAddress}' is tracked by Git, so DVC cannot cache it (DVC stops with "output is already tracked by SCM"). Stop tracking it with \`git rm -r --cached '${display}'\` and commit, or give it \`cache: false\` in dvc.yaml.`;
}

/** pathspec's GitWildMatchPattern.escape: a backslash before `\ [ ] ! * # ?`. */
export function escapeGitignoreEntry(entry: string): string {
  return entry.replace(/[\\[\]!*#?]/g, (c) => `\\${c}`);
}

/**
 * Appends `/name` to the .gitignore beside `file` unless Git already ignores it (scmrepo's Git.ignore). Returns the
 * .gitignore written, or undefined. The line is appended (never a rewrite of the user's file), after a newline if
 * the file does not end with one, and only if the same line is not there.
 */
export async function ignoreOutput(workTree: string, file: string, git: GitRunner = runGit): Promise<string | undefined> {
  if (await isIgnoredByGit(workTree, file, git)) return undefined;
  const gitignore = path.join(path.dirname(file), '.gitignore');
  const entry = escapeGitignoreEntry('/' + path.basename(file));
  let existing = '';
  try {
    existing = await fs.promises.readFile(gitignore, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const prefix = existing.length === 0 || existing.endsWith('\n') ? '' : '\n';
  const line = `${prefix}${entry}\n`;
  const lines = existing.split(/(?<=\n)/);
  if (lines.includes(line)) return undefined;
  await fs.promises.appendFile(gitignore, line, 'utf8');
  return gitignore;
}

function toGitPath(workTree: string, file: string): string {
  return path.relative(workTree, file).split(path.sep).join('/') || '.';
}
