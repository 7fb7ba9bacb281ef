import fs from 'node:fs';
import path from 'node:path';
import { DvcIgnore } from '../hash/dvcIgnore';
import { isDict, type PyValue } from '../pipeline/pyValue';
import type { PipelineProblem, SourcePos } from '../pipeline/types';
import { loadYaml } from '../pipeline/yamlLoad';

/** One output of a .dvc file (what `dvc add` writes), with its recorded hash. */
export interface DvcFileOut {
  path: string;
  /** `md5` for DVC 3; absent for DVC 2's md5-dos2unix. */
  hash?: 'md5';
  md5?: string;
  size?: number;
  nfiles?: number;
  cache: boolean;
  persist: boolean;
  pos?: SourcePos;
}

/** A .dvc file: a data source (`dvc add`), or an import, or an old single-stage file with a command. */
export interface DvcFileStage {
  /** Absolute path of the .dvc file. */
  file: string;
  /** Absolute working folder (the file's folder joined with `wdir`). */
  wdir: string;
  outs: DvcFileOut[];
  /** Raw `deps` (imports); status of imports is not computed. */
  deps: unknown[];
  cmd?: string | string[];
  md5?: string;
  frozen: boolean;
}

/** Parses a .dvc file; undefined (with problems) when it is not valid. */
export function parseDvcFile(text: string, file: string): { stage?: DvcFileStage; problems: PipelineProblem[] } {
  const loaded = loadYaml(text, file);
  const problems = [...loaded.problems];
  const doc = loaded.value;
  if (doc === undefined) return { problems };
  if (!isDict(doc)) {
    problems.push({ severity: 'error', file, line: 1, column: 1, message: `${path.basename(file)}: expected a mapping with \`outs\`.` });
    return { problems };
  }
  const get = (k: string) => doc.get(k);
  const wdirValue = get('wdir');
  const wdir = path.resolve(path.dirname(file), typeof wdirValue === 'string' ? wdirValue : '.');
  const outs: DvcFileOut[] = [];
  const rawOuts = get('outs') ?? [];
  if (!Array.isArray(rawOuts)) {
    problems.push({ severity: 'error', file, ...lineOf(loaded.locate(doc, 'outs')), message: '`outs` must be a list.' });
    return { problems };
  }
  rawOuts.forEach((o: PyValue, i: number) => {
    const pos = loaded.locate(rawOuts, i);
    const p = isDict(o) ? o.get('path') : undefined;
    if (!isDict(o) || typeof p !== 'string') {
      problems.push({ severity: 'error', file, ...lineOf(pos), message: 'Each entry of `outs` needs a `path`.' });
      return;
    }
    const md5 = o.get('md5');
    const size = o.get('size');
    const nfiles = o.get('nfiles');
    outs.push({
      path: p,
      hash: o.get('hash') === 'md5' ? 'md5' : undefined,
      md5: typeof md5 === 'string' ? md5 : undefined,
      size: typeof size === 'number' ? size : undefined,
      nfiles: typeof nfiles === 'number' ? nfiles : undefined,
      cache: o.get('cache') !== false,
      persist: o.get('persist') === true,
      pos,
    });
  });
  const rawCmd = get('cmd');
  const cmd = typeof rawCmd === 'string' || Array.isArray(rawCmd) ? (rawCmd as string | string[]) : undefined;
  const deps = get('deps');
  const md5 = get('md5');
  return {
    stage: {
      file,
      wdir,
      outs,
      deps: Array.isArray(deps) ? deps : [],
      cmd,
      // Any value counts (an all-digit md5 loads as an int, and DVC still compares it with None).
      md5: md5 === undefined || md5 === null ? undefined : String(md5),
      frozen: get('frozen') === true || get('locked') === true,
    },
    problems,
  };
}

function lineOf(pos: SourcePos | undefined): { line?: number; column?: number } {
  return pos ? { line: pos.line, column: pos.column } : {};
}

export interface FindDvcFilesOptions {
  ignore?: DvcIgnore;
  /** Git's ignore rules; default read from the repository when it has a `.git` folder (see DvcIgnore.forGit). */
  gitIgnore?: DvcIgnore | null;
  /** Absolute folders not to enter (pipeline outputs: DVC does not look for .dvc files inside outputs). */
  skipDirs?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/**
 * Every `*.dvc` file of a repository, as DVC collects them: the tree walked through .dvcignore (so `.git` and
 * `.dvc` are skipped), leaving out what git ignores (a virtual environment in .gitignore is never walked), without
 * entering nested DVC repositories or symlinked folders. Sorted by path.
 */
export async function findDvcFiles(repoRoot: string, opts: FindDvcFilesOptions = {}): Promise<string[]> {
  const root = path.resolve(repoRoot);
  const git = opts.gitIgnore === undefined ? (fs.existsSync(path.join(root, '.git')) ? DvcIgnore.forGit(root) : undefined) : (opts.gitIgnore ?? undefined);
  const found: string[] = [];
  const stack = [root];
  let sinceYield = 0;
  while (stack.length) {
    opts.signal?.throwIfAborted();
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const e of entries) {
      if (e.isDirectory()) {
        const abs = prefix + e.name;
        if (opts.skipDirs?.has(abs) || opts.ignore?.isIgnoredIn(dir, e.name, true) || git?.isIgnoredIn(dir, e.name, true)) continue;
        if (dir !== root && e.name === '.dvc') continue;
        if (fs.existsSync(abs + path.sep + '.dvc')) continue; // nested repository
        stack.push(abs);
      } else if (e.name.endsWith('.dvc') && e.name !== '.dvc' && (e.isFile() || e.isSymbolicLink())) {
        if (!opts.ignore?.isIgnoredIn(dir, e.name, false) && !git?.isIgnoredIn(dir, e.name, false)) found.push(prefix + e.name);
      }
    }
    if (++sinceYield >= 64) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return found.sort();
}

/** Reads and parses every .dvc file found; problems for the ones that cannot be read. */
export async function loadDvcFiles(repoRoot: string, opts: FindDvcFilesOptions = {}): Promise<{ stages: DvcFileStage[]; problems: PipelineProblem[] }> {
  const stages: DvcFileStage[] = [];
  const problems: PipelineProblem[] = [];
  for (const file of await findDvcFiles(repoRoot, opts)) {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (e) {
      problems.push({ severity: 'error', file, message: `Cannot read ${file}: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseDvcFile(text, file);
    problems.push(...parsed.problems);
    if (parsed.stage) stages.push(parsed.stage);
  }
  return { stages, problems };
}
