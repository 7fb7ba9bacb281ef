import fs from 'node:fs';
import path from 'node:path';
import { diffManifests } from '../data/dirDiff';
import { resolveCacheDir, readCachedManifest } from '../hash/dvcCache';
import type { DirEntry } from '../hash/dirListing';
import { DvcIgnore } from '../hash/dvcIgnore';
import type { DvcHasher, HashRequest, HashStats, HashedTree } from '../hash/dvcHasher';
import { HashError, type HashName } from '../hash/hashTypes';
import { pyEquals, type PyValue } from '../pipeline/pyValue';
import type { DvcLock, HashEntry, LockStage, PipelineProblem, PipelineStage } from '../pipeline/types';
import { checkCached } from './cacheCheck';
import type { DvcFileStage } from './dvcFile';
import { paramValues, readParamsFile, type ParamsFile } from '../pipeline/paramsFile';
import { stageReasons } from './statusReasons';
import type { DepStatus, FolderChanges, OutStatus, ParamChange, ParamsStatus, RecordedHash, StageStatus, StatusResult } from './statusTypes';

export interface ComputeStatusOptions {
  /** Absolute root of the DVC repository (the folder holding `.dvc/`). */
  repoRoot: string;
  /** Pipeline stages of every dvc.yaml in the repository, foreach/matrix already expanded. */
  stages: readonly PipelineStage[];
  /** The dvc.lock files read so far; each belongs to the dvc.yaml beside it. */
  locks: readonly DvcLock[];
  /** .dvc files (see loadDvcFiles). */
  dvcFiles?: readonly DvcFileStage[];
  hasher: DvcHasher;
  /** Paths are shown relative to this folder, as `dvc status` run there shows them; default the repo root. */
  cwd?: string;
  /** The repository's .dvcignore; default read from repoRoot. */
  ignore?: DvcIgnore;
  /** Reads a params file (default: the pipeline's readParamsFile, which loads YAML, JSON, TOML and .py as DVC does). */
  readParams?: (file: string) => Promise<ParamsFile>;
  /** Default: from .dvc/config, else .dvc/cache. */
  cacheDir?: string;
  signal?: AbortSignal;
}

interface OutWork {
  status: OutStatus;
  /** Checked against the cache first (use_cache and a recorded hash). */
  cacheQuery?: number;
  hashRequest?: number;
}

interface DepWork {
  status: DepStatus;
  hashRequest?: number;
}

interface Unit {
  status: StageStatus;
  deps: DepWork[];
  outs: OutWork[];
  isCallback: boolean;
}

/**
 * `dvc status` for a whole repository, decided as DVC decides it (dvc/stage/__init__.py `status`, dvc/output.py,
 * dvc/dependency/param.py), from our parse of dvc.yaml/dvc.lock/.dvc files and our hashes. Every file that needs a
 * hash is hashed in one batch (cached by inode, mtime and size; cold ones on worker threads).
 * Nothing is written: neither the workspace, nor the cache, nor dvc.lock.
 */
export async function computeStatus(opts: ComputeStatusOptions): Promise<StatusResult> {
  const started = performance.now();
  const repoRoot = path.resolve(opts.repoRoot);
  const cwd = path.resolve(opts.cwd ?? repoRoot);
  const ignore = opts.ignore ?? new DvcIgnore(repoRoot);
  const cacheDir = opts.cacheDir ?? resolveCacheDir(repoRoot);
  const readParams = memoize(opts.readParams ?? readParamsFile);
  const problems: PipelineProblem[] = [];
  const locksByYaml = new Map(opts.locks.map((l) => [l.file.replace(/\.lock$/, '.yaml'), l]));
  const shown = (defPath: string, abs: string) => displayPath(defPath, abs, repoRoot, cwd);

  const units: Unit[] = [];
  const cacheQueries: { md5: string; name: HashName }[] = [];

  for (const stage of opts.stages) {
    const lockStage: LockStage | undefined = locksByYaml.get(stage.dvcfile)?.stages[stage.name];
    const hasLock = lockStage !== undefined;
    const rel = path.relative(cwd, stage.dvcfile);
    const status = newStageStatus({
      address: rel === 'dvc.yaml' ? stage.name : `${rel}:${stage.name}`,
      kind: 'pipeline',
      name: stage.name,
      file: stage.dvcfile,
      stage,
      frozen: stage.frozen,
      alwaysChanged: stage.alwaysChanged,
      inLock: hasLock,
      commandChanged: hasLock && !sameCommand(lockStage.cmd, stage.cmd),
    });
    // Without a lock entry DVC keeps each path's default hash name (md5); with one, a path it lacks is legacy.
    const recordedOf = (entries: readonly HashEntry[] | undefined, defPath: string) => {
      const entry = entries?.find((e) => normalizeDefPath(e.path) === defPath);
      const hashName: HashName = entry ? (entry.hash === 'md5' ? 'md5' : 'md5-dos2unix') : hasLock ? 'md5-dos2unix' : 'md5';
      const recorded: RecordedHash | undefined = entry?.md5 ? { md5: entry.md5, hashName, size: entry.size, nfiles: entry.nfiles } : undefined;
      return { hashName, recorded };
    };
    const unit: Unit = { status, deps: [], outs: [], isCallback: false };
    for (const dep of stage.deps) {
      if (isUrl(dep.path)) {
        unit.deps.push({ status: remoteEntry(dep.path) });
        continue;
      }
      const defPath = normalizeDefPath(dep.path);
      const abs = path.resolve(stage.wdir, dep.path);
      const { recorded } = recordedOf(lockStage?.deps, defPath);
      unit.deps.push({ status: { kind: 'dep', display: shown(dep.path, abs), path: abs, defPath, state: undefined, recorded } });
    }
    status.params = await Promise.all(
      mergeParams(stage).map(async ({ file, keys }) => {
        const abs = path.resolve(stage.wdir, file);
        const defPath = normalizeDefPath(file);
        const p: ParamsStatus = { display: shown(file, abs), path: abs, defPath, keys, state: undefined, changes: [] };
        if (!stage.frozen) await evaluateParams(p, hasLock ? lockStage.params[defPath] : undefined, readParams);
        return p;
      }),
    );
    for (const out of stage.outs) {
      const defPath = normalizeDefPath(out.path);
      const abs = path.resolve(stage.wdir, out.path);
      const { recorded } = recordedOf(lockStage?.outs, defPath);
      const work: OutWork = {
        status: { kind: out.kind, display: shown(out.path, abs), path: abs, defPath, state: undefined, recorded, cache: out.cache, persist: out.persist },
      };
      if (recorded && out.cache) work.cacheQuery = cacheQueries.push({ md5: recorded.md5, name: recorded.hashName }) - 1;
      unit.outs.push(work);
    }
    unit.isCallback = !!stage.cmd && stage.deps.length === 0 && stage.params.length === 0 && stage.outs.length === 0;
    units.push(unit);
  }

  for (const dvcFile of opts.dvcFiles ?? []) {
    const status = newStageStatus({
      address: path.relative(cwd, dvcFile.file),
      kind: 'dvcfile',
      file: dvcFile.file,
      frozen: dvcFile.frozen,
      alwaysChanged: false,
      inLock: true,
      // A data source has no stage md5 (Stage.compute_md5 returns None), so a recorded one always differs.
      checksumChanged: dvcFile.cmd === undefined && dvcFile.deps.length === 0 && dvcFile.md5 !== undefined,
    });
    if (dvcFile.deps.length || dvcFile.cmd !== undefined) {
      status.problems.push({
        severity: 'warning',
        file: dvcFile.file,
        message: `${path.basename(dvcFile.file)} is an import or an old single-stage file; only its outputs are checked (run \`dvc status\` for the rest).`,
      });
    }
    const unit: Unit = { status, deps: [], outs: [], isCallback: false };
    for (const out of dvcFile.outs) {
      const defPath = normalizeDefPath(out.path);
      const abs = path.resolve(dvcFile.wdir, out.path);
      const hashName: HashName = out.hash === 'md5' ? 'md5' : 'md5-dos2unix';
      const recorded: RecordedHash | undefined = out.md5 ? { md5: out.md5, hashName, size: out.size, nfiles: out.nfiles } : undefined;
      const work: OutWork = {
        status: { kind: 'outs', display: shown(out.path, abs), path: abs, defPath, state: undefined, recorded, cache: out.cache, persist: out.persist },
      };
      if (recorded && out.cache) work.cacheQuery = cacheQueries.push({ md5: recorded.md5, name: recorded.hashName }) - 1;
      unit.outs.push(work);
    }
    units.push(unit);
  }

  // 1. Cache: a recorded, cached output whose object is missing is "not in cache", whatever the workspace holds.
  opts.signal?.throwIfAborted();
  const hashStats: HashStats = { files: 0, cached: 0, hashed: 0, hashedBytes: 0 };
  const cached = await checkCached(cacheDir, cacheQueries, opts.hasher, opts.signal, hashStats);

  // 2. Workspace: what exists, and what must be hashed to compare with the record.
  const requests: HashRequest[] = [];
  for (const unit of units) {
    if (!unit.status.frozen) {
      for (const dep of unit.deps) {
        const s = dep.status;
        if (s.state === 'error') continue;
        if (!fs.existsSync(s.path)) s.state = 'deleted';
        else if (!s.recorded) s.state = 'modified'; // nothing recorded: any hash differs
        else dep.hashRequest = requests.push({ path: s.path, name: s.recorded.hashName }) - 1;
      }
    }
    for (const out of unit.outs) {
      const s = out.status;
      if (out.cacheQuery !== undefined && !cached[out.cacheQuery].inCache) s.state = 'not in cache';
      else if (!outputExists(s.path, ignore)) s.state = 'deleted';
      else if (!s.recorded) s.state = 'modified';
      else out.hashRequest = requests.push({ path: s.path, name: s.recorded.hashName }) - 1;
    }
  }
  const hashed = await opts.hasher.hashPaths(requests, { ignore, signal: opts.signal, stats: hashStats });

  // 3. Verdicts.
  const manifestOf = (md5: string, name: HashName, query: number | undefined): DirEntry[] | undefined =>
    (query !== undefined ? cached[query].manifest : undefined) ?? readCachedManifest(cacheDir, md5, name);
  const settle = (s: DepStatus | OutStatus, request: number | undefined, query: number | undefined) => {
    if (request === undefined) return;
    const h = hashed[request];
    if (h instanceof HashError) {
      s.state = 'error';
      s.error = h.message;
      return;
    }
    s.current = h;
    if (h.md5 === s.recorded!.md5) return;
    s.state = 'modified';
    if (h.isDir && s.recorded!.md5.endsWith('.dir')) {
      const before = manifestOf(s.recorded!.md5, s.recorded!.hashName, query);
      if (before) s.folderChanges = folderChangesOf(before, (h as HashedTree).entries);
    }
  };
  for (const unit of units) {
    for (const dep of unit.deps) settle(dep.status, dep.hashRequest, undefined);
    for (const out of unit.outs) settle(out.status, out.hashRequest, out.cacheQuery);
    finish(unit);
    problems.push(...unit.status.problems);
  }

  return {
    stages: units.map((u) => u.status),
    problems,
    stats: { files: hashStats.files, cached: hashStats.cached, hashed: hashStats.hashed, hashedBytes: hashStats.hashedBytes, ms: performance.now() - started },
  };
}

function newStageStatus(init: Pick<StageStatus, 'address' | 'kind' | 'file' | 'frozen' | 'alwaysChanged' | 'inLock'> & Partial<StageStatus>): StageStatus {
  return {
    commandChanged: false,
    checksumChanged: false,
    deps: [],
    params: [],
    outs: [],
    changed: false,
    wouldRun: false,
    reasons: [],
    problems: [],
    ...init,
  };
}

/** Fills the stage's lists, its problems and its verdicts once every entry is settled. */
function finish(unit: Unit): void {
  const s = unit.status;
  s.deps = unit.deps.map((d) => d.status);
  s.outs = unit.outs.map((o) => o.status);
  for (const e of [...s.deps, ...s.outs]) {
    if (e.state !== 'error') continue;
    const message = e.error ?? `Cannot check ${e.display}.`;
    s.problems.push(isUrl(e.path) ? { severity: 'warning', file: s.file, message } : { severity: 'error', file: e.path, message });
  }
  for (const p of s.params) {
    if (p.state === 'error') s.problems.push({ severity: 'error', file: p.path, message: p.error ?? `Cannot read ${p.display}.` });
  }
  const isChange = (state: string | undefined) => state !== undefined && state !== 'error';
  const depsChanged = !s.frozen && (s.deps.some((d) => isChange(d.state)) || s.params.some((p) => isChange(p.state)));
  const outsChanged = s.outs.some((o) => isChange(o.state));
  const always = unit.isCallback || s.alwaysChanged;
  const stageChanged = s.kind === 'pipeline' ? s.commandChanged : s.checksumChanged;
  s.alwaysChanged = always;
  s.changed = depsChanged || outsChanged || always || stageChanged;
  s.wouldRun = stageChanged || (!s.frozen && (always || depsChanged)) || outsChanged;
  s.reasons = stageReasons(s);
}

/** DVC compares the lock's `cmd` with dvc.yaml's with Python `!=`: a string and a list never match. */
function sameCommand(locked: unknown, now: string | string[]): boolean {
  if (typeof now === 'string') return locked === now;
  return Array.isArray(locked) && locked.length === now.length && locked.every((c, i) => c === now[i]);
}

/**
 * A stage's params grouped by file as DVC merges them (dvc/dependency/__init__.py _merge_params): keys in order of
 * first mention, and a file listed with no keys anywhere is tracked whole.
 */
function mergeParams(stage: PipelineStage): { file: string; keys: string[] }[] {
  const byFile = new Map<string, { file: string; keys: string[]; whole: boolean }>();
  for (const spec of stage.params) {
    const key = normalizeDefPath(spec.file);
    let group = byFile.get(key);
    if (!group) byFile.set(key, (group = { file: spec.file, keys: [], whole: false }));
    if (spec.keys.length === 0) group.whole = true;
    for (const k of spec.keys) if (!group.keys.includes(k)) group.keys.push(k);
  }
  return [...byFile.values()].map((g) => ({ file: g.file, keys: g.whole ? [] : g.keys }));
}

/** ParamsDependency.workspace_status: the file gone, no values in dvc.lock, or key by key. */
async function evaluateParams(p: ParamsStatus, locked: Record<string, unknown> | undefined, readParams: (file: string) => Promise<ParamsFile>): Promise<void> {
  if (!fs.existsSync(p.path)) {
    p.state = 'deleted';
    return;
  }
  if (locked === undefined || locked === null) {
    p.state = 'new';
    return;
  }
  const read = await readParams(p.path);
  const error = read.problems.find((x) => x.severity === 'error');
  if (error || read.value === undefined) {
    p.state = 'error';
    p.error = `Unable to read parameters from '${p.display}': ${error?.message ?? 'no value'}`;
    return;
  }
  // Keys present in each, in order (a Map: a lock key may be `__proto__` or `10`).
  const lockedValues = new Map(Object.entries(locked) as [string, PyValue][]);
  const actual = paramValues(read, p.keys);
  let info: Map<string, PyValue>;
  let keys: string[];
  if (p.keys.length) {
    info = new Map(p.keys.filter((k) => lockedValues.has(k)).map((k) => [k, lockedValues.get(k)!]));
    keys = [...new Set(p.keys)];
  } else {
    info = lockedValues;
    // DVC's order for a whole file: its top-level keys, then keys only dvc.lock has (sorted there).
    keys = [...new Set([...actual.keys(), ...info.keys()])];
  }
  const changes: ParamChange[] = [];
  for (const key of keys) {
    if (!actual.has(key)) changes.push({ key, state: 'deleted', old: info.get(key) });
    else if (!info.has(key)) changes.push({ key, state: 'new', now: actual.get(key) });
    else if (!pyEquals(actual.get(key), info.get(key))) changes.push({ key, state: 'modified', old: info.get(key), now: actual.get(key) });
  }
  p.changes = changes;
  p.state = changes.length ? 'changed' : undefined;
}

/** Output.exists: not ignored by .dvcignore, and there (following symlinks). */
function outputExists(abs: string, ignore: DvcIgnore): boolean {
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat) return false;
  return !ignore.isIgnored(abs, stat.isDirectory());
}

/** A remote dependency (`s3://...`, `https://...`): DVC asks the remote, which we do not. */
function isUrl(p: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(p);
}

function remoteEntry(url: string): DepStatus {
  return { kind: 'dep', display: url, path: url, defPath: url, state: 'error', error: `${url} is a remote dependency; its status is not checked here (run \`dvc status\`).` };
}

/** How dvc.lock and DVC's def_path write a path: normalized, `/`-separated, no trailing slash. */
export function normalizeDefPath(p: string): string {
  const posix = path.posix.normalize(p.replace(/\\/g, '/'));
  return posix.length > 1 && posix.endsWith('/') ? posix.slice(0, -1) : posix;
}

/** str(Output): an absolute path as written, a path outside the repo absolute, else relative to the current folder. */
function displayPath(defPath: string, abs: string, repoRoot: string, cwd: string): string {
  if (path.isAbsolute(defPath)) return defPath;
  const inRepo = abs === repoRoot || abs.startsWith(repoRoot + path.sep);
  if (!inRepo) return abs;
  const base = cwd === repoRoot || cwd.startsWith(repoRoot + path.sep) ? cwd : repoRoot;
  return path.relative(base, abs) || '.';
}

/** The files of a folder output added, deleted and modified since its recorded manifest (the Data view's diff). */
function folderChangesOf(before: readonly DirEntry[], after: readonly DirEntry[]): FolderChanges {
  const diff = diffManifests(before, after);
  const paths = (list: ReadonlyArray<{ relpath: string }>) => list.map((c) => c.relpath);
  return { added: paths(diff.added), deleted: paths(diff.removed), modified: paths(diff.modified) };
}

function memoize(read: (file: string) => Promise<ParamsFile>): (file: string) => Promise<ParamsFile> {
  const seen = new Map<string, Promise<ParamsFile>>();
  return (file) => {
    let r = seen.get(file);
    if (!r) seen.set(file, (r = read(file)));
    return r;
  };
}
