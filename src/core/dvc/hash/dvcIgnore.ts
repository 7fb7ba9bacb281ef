import fs from 'node:fs';
import path from 'node:path';

// .dvcignore as DVC applies it (dvc/ignore.py over pathspec's gitignore patterns): gitignore syntax; each
// file's patterns are relative to its folder; deeper files come later and the last matching pattern wins;
// a folder that is ignored hides everything below it. DVC always ignores `.git`, `.hg` and `.dvc` folders.

export interface IgnorePattern {
  regex: RegExp;
  /** false for a `!pattern`, which takes a path back. */
  exclude: boolean;
  /** A pattern ending in `/` applies to folders only. */
  dirOnly: boolean;
  /** Absolute folder the pattern is relative to. */
  base: string;
  /** `.dvcignore:3:pattern`, to tell a user why a path is ignored. */
  source: string;
}

const DEFAULT_PATTERNS = ['.hg/', '.git/', '.git', '.dvc/'];
const IGNORE_FILE = '.dvcignore';

/**
 * pathspec's GitIgnoreSpecPattern.pattern_to_regex, as a JavaScript regex matched at the start of a
 * `/`-separated path relative to the pattern's folder (a folder is also tried with a trailing `/`).
 * Undefined for blank lines, comments, `/` and patterns with a broken `[...]`, which gitignore drops.
 */
export function compileIgnorePattern(line: string): { regex: RegExp; exclude: boolean; dirOnly: boolean } | undefined {
  let p = line.endsWith('\\ ') ? line : line.trimEnd();
  if (!p || p.startsWith('#') || p === '/') return undefined;
  let exclude = true;
  if (p.startsWith('!')) {
    exclude = false;
    p = p.slice(1);
  }
  const segs = p.split('/');
  const isDirPattern = segs[segs.length - 1] === '';
  if (segs[0] === '') segs.shift();
  else if ((segs.length === 1 || (segs.length === 2 && segs[1] === '')) && segs[0] !== '**') segs.unshift('**');
  if (segs.length === 0) return undefined;
  if (segs[segs.length - 1] === '') segs[segs.length - 1] = '**';
  for (let i = segs.length - 1; i > 0; i--) if (segs[i - 1] === '**' && segs[i] === '**') segs.splice(i, 1);

  let source: string | undefined;
  const n = segs.length;
  if (n === 1 && segs[0] === '**') source = isDirPattern ? '/' : '';
  else if (n === 2 && segs[0] === '**' && segs[1] === '*') source = '';
  else if (n === 3 && segs[0] === '**' && segs[1] === '*' && segs[2] === '**') source = '/';
  if (source === undefined) {
    let out = '';
    let needSlash = false;
    for (let i = 0; i < n; i++) {
      const seg = segs[i];
      if (seg === '**') {
        if (i === 0) out += '^(?:.+/)?';
        else if (i < n - 1) {
          out += '(?:/.+)?';
          needSlash = true;
        } else out += '/';
        continue;
      }
      if (i === 0) out += '^';
      if (needSlash) out += '/';
      if (seg === '*') out += '[^/]+';
      else {
        const glob = translateGlob(seg);
        if (glob === undefined) return undefined;
        out += glob;
      }
      if (i === n - 1) out += '(?:/|$)';
      needSlash = true;
    }
    source = out;
  }
  // DVC matches with re.match (anchored at the start): the override `.` matches any path, and `/` none at all
  // (so DVC never applies `*/` or `**/`; neither do we).
  const anchored = source === '' ? '^.' : source.startsWith('^') ? source : '^' + source;
  try {
    return { regex: new RegExp(anchored, 'u'), exclude, dirOnly: isDirPattern };
  } catch {
    return undefined;
  }
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

/** One path segment's glob (fnmatch with FNM_PATHNAME): `*`, `?`, `[...]`, backslash escapes. */
function translateGlob(glob: string): string | undefined {
  let out = '';
  let escape = false;
  for (let i = 0; i < glob.length; ) {
    const ch = glob[i++];
    if (escape) {
      escape = false;
      out += escapeChar(ch);
    } else if (ch === '\\') escape = true;
    else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      let j = i;
      if (j < glob.length && (glob[j] === '!' || glob[j] === '^')) j++;
      if (j < glob.length && glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) return undefined; // gitignore drops a pattern with an unclosed range
      j++;
      let expr = '[';
      if (glob[i] === '!' || glob[i] === '^') {
        expr += '^';
        i++;
      }
      expr += glob.slice(i, j - 1).replace(/\\/g, '\\\\').replace(/[[\]/]/g, (c) => '\\' + c) + ']';
      out += expr;
      i = j;
    } else out += escapeChar(ch);
  }
  if (escape) return undefined;
  return out;
}

function escapeChar(ch: string): string {
  return REGEX_SPECIAL.test(ch) ? '\\' + ch : ch;
}

export interface IgnoreFileOptions {
  /** The per-folder file to read; default `.dvcignore`. */
  fileName?: string;
  /** Patterns at the root before the file's; default DVC's `.hg/`, `.git/`, `.git`, `.dvc/`. */
  defaults?: string[];
  /** More files whose patterns apply at the root (git's `.git/info/exclude`). */
  rootFiles?: string[];
}

/** Reads `.dvcignore` files of a repository lazily and answers, folder by folder, what DVC would skip. */
export class DvcIgnore {
  /** Patterns in force in a folder (absolute path): those of its ancestors' .dvcignore files, then its own. */
  private readonly byDir = new Map<string, IgnorePattern[]>();
  readonly problems: { file: string; line: number; message: string }[] = [];
  private readonly fileName: string;

  constructor(readonly repoRoot: string, opts: IgnoreFileOptions = {}) {
    const root = path.resolve(repoRoot);
    this.repoRoot = root;
    this.fileName = opts.fileName ?? IGNORE_FILE;
    const defaults = (opts.defaults ?? DEFAULT_PATTERNS).map((p) => ({ ...compileIgnorePattern(p)!, base: root, source: `(default):${p}` }));
    const extra = (opts.rootFiles ?? []).flatMap((f) => this.readIgnoreFile(root, f));
    this.byDir.set(root, [...defaults, ...extra, ...this.readIgnoreFile(root)]);
  }

  /**
   * Git's ignore rules (`.gitignore` files and `.git/info/exclude`), in the same syntax: DVC does not look for
   * .dvc files in folders git ignores (dvc/repo/index.py collect_files).
   */
  static forGit(repoRoot: string): DvcIgnore {
    return new DvcIgnore(repoRoot, { fileName: '.gitignore', defaults: ['.git/'], rootFiles: [path.join(repoRoot, '.git', 'info', 'exclude')] });
  }

  /** The patterns that apply to entries of `dir` (absolute, inside the repository). */
  patternsFor(dir: string): IgnorePattern[] {
    const known = this.byDir.get(dir);
    if (known) return known;
    if (!isInside(dir, this.repoRoot)) return [];
    const parent = this.patternsFor(path.dirname(dir));
    // DVC does not read a .dvcignore that its parents' patterns ignore.
    const own = this.matches(parent, dir, this.fileName, false) ? [] : this.readIgnoreFile(dir);
    const list = own.length ? [...parent, ...own] : parent;
    this.byDir.set(dir, list);
    return list;
  }

  /** Whether `name` inside folder `dir` (absolute) is ignored by the patterns in force there. */
  isIgnoredIn(dir: string, name: string, isDir: boolean): boolean {
    return this.matches(this.patternsFor(dir), dir, name, isDir);
  }

  /** Whether an absolute path is ignored, itself or through an ignored parent folder (DVC's is_ignored). */
  isIgnored(absPath: string, isDir: boolean): boolean {
    const target = path.resolve(absPath);
    if (!isInside(target, this.repoRoot) || target === this.repoRoot) return false;
    const rel = path.relative(this.repoRoot, target).split(path.sep);
    let dir = this.repoRoot;
    for (let i = 0; i < rel.length; i++) {
      const last = i === rel.length - 1;
      if (this.isIgnoredIn(dir, rel[i], last ? isDir : true)) return true;
      dir = path.join(dir, rel[i]);
    }
    return false;
  }

  private matches(patterns: readonly IgnorePattern[], dir: string, name: string, isDir: boolean): boolean {
    // Most patterns share a base folder: compute the relative path once per base (and its folder part once per folder).
    let base: string | undefined;
    let rel: string | undefined;
    for (let i = patterns.length - 1; i >= 0; i--) {
      const p = patterns[i];
      if (p.dirOnly && !isDir) continue;
      if (p.base !== base) {
        base = p.base;
        const relDir = this.relDir(base, dir);
        rel = relDir === undefined ? undefined : relDir === '' ? name : relDir + '/' + name;
      }
      if (rel === undefined) continue;
      if (p.regex.test(rel) || (isDir && p.regex.test(rel + '/'))) return p.exclude;
    }
    return false;
  }

  private relDirMemo = { dir: '', byBase: new Map<string, string | undefined>() };

  /** `dir` relative to `base` with `/` ('' when equal; undefined when outside), remembered for the last folder. */
  private relDir(base: string, dir: string): string | undefined {
    if (this.relDirMemo.dir !== dir) this.relDirMemo = { dir, byBase: new Map() };
    const memo = this.relDirMemo.byBase;
    if (memo.has(base)) return memo.get(base);
    let rel: string | undefined;
    if (dir === base) rel = '';
    else {
      const prefix = base.endsWith(path.sep) ? base : base + path.sep;
      rel = dir.startsWith(prefix) ? (path.sep === '/' ? dir.slice(prefix.length) : dir.slice(prefix.length).split(path.sep).join('/')) : undefined;
    }
    memo.set(base, rel);
    return rel;
  }

  private readIgnoreFile(dir: string, file = path.join(dir, this.fileName)): IgnorePattern[] {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const rel = path.relative(this.repoRoot, file).split(path.sep).join('/');
    const out: IgnorePattern[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const compiled = compileIgnorePattern(line);
      if (!compiled) {
        this.problems.push({ file, line: index + 1, message: `Pattern "${line}" is not a valid gitignore pattern; DVC skips it too.` });
        return;
      }
      out.push({ ...compiled, base: dir, source: `${rel}:${index + 1}:${line}` });
    });
    return out;
  }
}

function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
