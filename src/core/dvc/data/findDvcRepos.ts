import fs from 'node:fs';
import path from 'node:path';
import type { DataProblem } from './dataTypes';

/** A DVC repository (a folder holding `.dvc/`) and the dvc.lock files inside it. */
export interface DvcRepoLocation {
  root: string;
  /** Absolute paths, sorted. */
  lockFiles: string[];
}

export interface FindDvcReposOptions {
  /** Folder levels below the start folder to search (default 8). */
  maxDepth?: number;
  /** Directory entries to look at before giving up with a warning (default 200,000). */
  maxEntries?: number;
  signal?: AbortSignal;
}

/** Never worth entering: version control, dependencies, virtual environments, caches. */
const SKIPPED = new Set(['.git', '.hg', '.svn', '.dvc', 'node_modules', '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', '.nox', '.venv', 'venv', 'site-packages', '.ipynb_checkpoints']);

/**
 * The DVC repositories a workspace folder holds: the one it is inside of (a `.dvc/` folder at or above it; then
 * the whole repository is searched, as DVC does), and every one below it, with their dvc.lock files. Folders DVC itself ignores in git (`/name` lines DVC writes to
 * the .gitignore next to each output) are not entered: they are tracked data, often with many files.
 */
export async function findDvcRepos(folder: string, opts: FindDvcReposOptions = {}): Promise<{ repos: DvcRepoLocation[]; problems: DataProblem[] }> {
  const start = path.resolve(folder);
  const maxDepth = opts.maxDepth ?? 8;
  const maxEntries = opts.maxEntries ?? 200_000;
  const repos = new Map<string, DvcRepoLocation>();
  const problems: DataProblem[] = [];
  const outer = enclosingDvcRoot(start);
  if (outer) repos.set(outer, { root: outer, lockFiles: [] });

  let entriesSeen = 0;
  // Inside a repository, its pipelines are all of it (DVC's view): walk from its root.
  const from = outer ?? start;
  const stack: { dir: string; depth: number; repo: string | undefined }[] = [{ dir: from, depth: 0, repo: outer }];
  while (stack.length) {
    opts.signal?.throwIfAborted();
    const { dir, depth, repo: parentRepo } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: nothing of ours there
    }
    entriesSeen += entries.length;
    if (entriesSeen > maxEntries) {
      problems.push({ severity: 'warning', file: from, message: `Stopped looking for DVC repositories after ${maxEntries} entries in ${from}; open a smaller folder to see the data further down.` });
      break;
    }
    const isRoot = entries.some((e) => e.name === '.dvc' && e.isDirectory());
    const repo = isRoot ? dir : parentRepo;
    if (isRoot && !repos.has(dir)) repos.set(dir, { root: dir, lockFiles: [] });
    if (entries.some((e) => e.name === 'dvc.lock' && e.isFile())) {
      const lock = path.join(dir, 'dvc.lock');
      if (repo) repos.get(repo)!.lockFiles.push(lock);
      else problems.push({ severity: 'warning', file: lock, message: 'This dvc.lock is not inside a DVC repository (no .dvc folder above it), so its outputs are not listed. Run `dvc init` in the project folder.' });
    }
    if (depth >= maxDepth) continue;
    const ignoredOutputs = dvcOutputsIgnoredIn(dir);
    for (const e of entries) {
      if (!e.isDirectory() || SKIPPED.has(e.name) || ignoredOutputs.has(e.name)) continue;
      const child = path.join(dir, e.name);
      if (fs.existsSync(path.join(child, 'pyvenv.cfg'))) continue; // a virtual environment under any name
      stack.push({ dir: child, depth: depth + 1, repo });
    }
  }
  for (const r of repos.values()) r.lockFiles.sort();
  return { repos: [...repos.values()].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0)), problems };
}

/** The nearest folder at or above `dir` that holds a `.dvc/` folder. */
export function enclosingDvcRoot(dir: string): string | undefined {
  let at = path.resolve(dir);
  for (;;) {
    if (isDirectory(path.join(at, '.dvc'))) return at;
    const up = path.dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** Names DVC wrote to this folder's .gitignore for its outputs (`/images`): exact, root-anchored, no wildcard. */
function dvcOutputsIgnoredIn(dir: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return new Set();
  }
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\/([^/*?[\]!#\\]+)\/?$/.exec(raw.trim());
    if (m) names.add(m[1]);
  }
  return names;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
