// What `dvc repro` records once a stage's commands succeeded (Stage.save, Stage.commit, Lockfile.dump): every
// dependency, params value and output hashed as DVC hashes them; cached outputs copied into the cache; the
// run-cache entry; outputs added to .gitignore; and finally the stage's entry in dvc.lock, written atomically.
// Any failure before the last step leaves dvc.lock as it was.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../index/atomicWrite';
import type { DvcHasher, HashedTree, HashRequest } from '../hash/dvcHasher';
import type { DvcIgnore } from '../hash/dvcIgnore';
import { isTextBlock } from '../hash/dos2unix';
import { HashError, type HashedPath, type HashName } from '../hash/hashTypes';
import { makeLockStage, updateLockStage } from '../pipeline/lockFile';
import { paramValues, readParamsFile } from '../pipeline/paramsFile';
import type { PyDict } from '../pipeline/pyValue';
import type { HashEntry, LockStage, OutSpec, PipelineStage } from '../pipeline/types';
import { normalizeDefPath } from '../status/computeStatus';
import type { StageStatus } from '../status/statusTypes';
import { storeFileObject, storeTreeObjects, type CacheStoreOptions } from './cacheStore';
import { currentUmask, type DvcRepoConfig } from './dvcRepoConfig';
import { ignoreOutput, type GitRunner } from './gitIgnore';
import { runCacheRefusal, saveRunCache } from './runCache';
import { PipelineRunError } from './runTypes';

export interface RecordContext {
  repoRoot: string;
  config: DvcRepoConfig;
  hasher: DvcHasher;
  ignore: DvcIgnore;
  /** The Git work tree when DVC would use Git (a repository in Git without `core.no_scm`). */
  gitWorkTree?: string;
  git?: GitRunner;
  signal?: AbortSignal;
  info?: (line: string) => void;
}

export interface RecordedStage {
  lock: LockStage;
  /** The dvc.lock written. */
  lockFile: string;
  /** Whether dvc.lock changed ("Updating lock file"). */
  lockChanged: boolean;
}

/** Hash names as DVC keeps them: the legacy md5-dos2unix only while it still matches what dvc.lock recorded. */
function recordedLegacy(prior: StageStatus | undefined, kind: 'deps' | 'outs', abs: string): string | undefined {
  const list = kind === 'deps' ? prior?.deps : prior?.outs;
  const r = list?.find((e) => e.path === abs)?.recorded;
  return r?.hashName === 'md5-dos2unix' ? r.md5 : undefined;
}

/**
 * Records `stage` after its commands ran (or, for a frozen stage, after its outputs were checked). `prior` is the
 * stage's status from before the run (for the hash names dvc.lock used). Throws PipelineRunError with DVC's reason
 * (a missing output or dependency, a missing param...) without touching dvc.lock.
 */
export async function recordStage(ctx: RecordContext, stage: PipelineStage, address: string, prior?: StageStatus): Promise<RecordedStage> {
  const where = (pos?: { line: number; column: number }) => [{ file: stage.dvcfile, line: pos?.line, column: pos?.column }];

  // 1. Dependencies and outputs: they must be there, and are hashed in one batch.
  const depPaths = stage.deps.map((d) => path.resolve(stage.wdir, d.path));
  const outPaths = stage.outs.map((o) => path.resolve(stage.wdir, o.path));
  stage.deps.forEach((d, i) => {
    const stat = fs.statSync(depPaths[i], { throwIfNoEntry: false });
    if (!stat) throw new PipelineRunError(`Stage '${address}': dependency '${d.path}' does not exist.`, where(d.pos));
    if (!stat.isFile() && !stat.isDirectory()) throw new PipelineRunError(`Stage '${address}': dependency '${d.path}' is not a file or directory.`, where(d.pos));
  });
  stage.outs.forEach((o, i) => checkOutput(ctx, stage, address, o, outPaths[i]));

  const hashAll = async (entries: { abs: string; legacy?: string }[]): Promise<{ hashed: HashedPath; name: HashName }[]> => {
    const first = await hashBatch(ctx, entries.map((e) => ({ path: e.abs, name: e.legacy !== undefined ? 'md5-dos2unix' : 'md5' })));
    const redo = entries.map((e, i) => (e.legacy !== undefined && first[i].md5 !== e.legacy ? i : -1)).filter((i) => i >= 0);
    const again = redo.length ? await hashBatch(ctx, redo.map((i) => ({ path: entries[i].abs, name: 'md5' as const }))) : [];
    return entries.map((e, i) => {
      const r = redo.indexOf(i);
      if (r >= 0) return { hashed: again[r], name: 'md5' as const };
      return { hashed: first[i], name: e.legacy !== undefined ? ('md5-dos2unix' as const) : ('md5' as const) };
    });
  };
  const deps = await hashAll(depPaths.map((abs) => ({ abs, legacy: recordedLegacy(prior, 'deps', abs) })));
  const outs = await hashAll(outPaths.map((abs) => ({ abs, legacy: recordedLegacy(prior, 'outs', abs) })));

  // 2. Params: the values of the listed keys (all of a file listed without keys), every key present.
  const params: Record<string, PyDict> = {};
  for (const { file, keys } of mergedParams(stage)) {
    const abs = path.resolve(stage.wdir, file);
    const read = await readParamsFile(abs);
    const spec = stage.params.find((p) => normalizeDefPath(p.file) === normalizeDefPath(file));
    if (!read.exists) throw new PipelineRunError(`Stage '${address}': params file '${file}' does not exist.`, where(spec?.pos));
    const error = read.problems.find((p) => p.severity === 'error');
    if (error || read.value === undefined) throw new PipelineRunError(`Stage '${address}': unable to read parameters from '${file}': ${error?.message ?? 'no value'}`, [{ file: abs, line: error?.line, column: error?.column }]);
    const values = paramValues(read, keys);
    const missing = keys.filter((k) => !values.has(k));
    if (missing.length) throw new PipelineRunError(`Stage '${address}': parameters '${missing.join(', ')}' are missing from '${file}'.`, where(spec?.keyPos?.[missing[0]] ?? spec?.pos));
    params[normalizeDefPath(file)] = values;
  }

  const entry = (spec: { path: string }, abs: string, h: { hashed: HashedPath; name: HashName }): HashEntry => {
    const e: HashEntry = { path: spec.path, md5: h.hashed.md5, size: h.hashed.size };
    if (h.name === 'md5') e.hash = 'md5';
    if (h.hashed.isDir) e.nfiles = h.hashed.nfiles;
    else if (isExecutable(abs)) e.isexec = true;
    return e;
  };
  const lock = makeLockStage(
    stage.cmd,
    stage.deps.map((d, i) => entry(d, depPaths[i], deps[i])),
    params,
    stage.outs.map((o, i) => entry(o, outPaths[i], outs[i])),
  );

  // 3. .gitignore, the cache and the run cache (Stage.save then Stage.commit).
  if (ctx.gitWorkTree && !ctx.config.noScm) {
    for (let i = 0; i < stage.outs.length; i++) {
      if (!stage.outs[i].cache || stage.outs[i].repoPath === undefined) continue;
      const written = await ignoreOutput(ctx.gitWorkTree, outPaths[i], ctx.git);
      if (written) ctx.info?.(`Added '${path.relative(ctx.repoRoot, outPaths[i])}' to ${path.relative(ctx.repoRoot, written)}.`);
    }
  }
  if (ctx.config.isDvcRepo) {
    const store: CacheStoreOptions = { cacheDir: ctx.config.cacheDir, hasher: ctx.hasher, dirMode: ctx.config.dirMode, signal: ctx.signal };
    const refusal = runCacheRefusal(stage, lock);
    for (let i = 0; i < stage.outs.length; i++) {
      const o = stage.outs[i];
      // DVC's run cache commits uncached metrics and plots too (StageCache._uncached_outs).
      const commit = o.repoPath !== undefined && (o.cache || refusal === undefined);
      if (!commit) continue;
      ctx.signal?.throwIfAborted();
      const { hashed, name } = outs[i];
      if (hashed.isDir) await storeTreeObjects(outPaths[i], hashed as HashedTree, name, store);
      else {
        await storeFileObject(outPaths[i], hashed.md5, name, store);
        await settleLikeCheckout(outPaths[i], o.cache ? 0o666 & ~currentUmask() : ctx.config.fileMode, lock.outs.find((e) => e.path === o.path)?.isexec === true);
      }
    }
    if (refusal === undefined) await saveRunCache(ctx.config.cacheDir, lock, ctx.config);
  }

  // 4. dvc.lock, last.
  const lockFile = stage.dvcfile.replace(/\.yaml$/, '.lock');
  let existing: string | undefined;
  try {
    existing = await fs.promises.readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = updateLockStage(existing, stage.name, lock, lockFile);
  const lockChanged = text !== existing;
  if (lockChanged) {
    ctx.info?.(`${existing === undefined ? 'Generating' : 'Updating'} lock file '${path.relative(ctx.repoRoot, lockFile)}'`);
    await writeFileAtomic(lockFile, Buffer.from(text, 'utf8'));
  }
  return { lock, lockFile, lockChanged };
}

/**
 * The file a committed single-file output leaves in the workspace (Output.commit's relinking checkout, then
 * set_exec): DVC replaces it with a fresh copy of the cache object, so it ends with the umask's default mode plus
 * u+x when executable, and a link (symbolic or hard) becomes a file of its own. A plain file keeps its bytes, so
 * here it is only given that mode (same result, and its inode and mtime stay, which keeps the hash cache valid).
 */
async function settleLikeCheckout(file: string, mode: number, isexec: boolean): Promise<void> {
  const stat = fs.lstatSync(file);
  if (stat.isSymbolicLink() || stat.nlink > 1) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.checkout.tmp`);
    await fs.promises.copyFile(file, temp, fs.constants.COPYFILE_FICLONE);
    await fs.promises.rename(temp, file);
  }
  // set_exec adds S_IEXEC (u+x) only.
  await fs.promises.chmod(file, mode | (isexec && process.platform !== 'win32' ? 0o100 : 0));
}

/** Output.save's checks: there (and not .dvcignore'd), a file or folder, and a metrics file must be text. */
function checkOutput(ctx: RecordContext, stage: PipelineStage, address: string, out: OutSpec, abs: string): void {
  const where = [{ file: stage.dvcfile, line: out.pos?.line, column: out.pos?.column }];
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat || ctx.ignore.isIgnored(abs, stat.isDirectory())) {
    throw new PipelineRunError(`Stage '${address}': output '${out.path}' does not exist (the command did not create it${stat ? ', or .dvcignore hides it' : ''}).`, where);
  }
  if (!stat.isFile() && !stat.isDirectory()) throw new PipelineRunError(`Stage '${address}': output '${out.path}' is not a file or directory.`, where);
  if (out.kind === 'metrics' && stat.isFile()) {
    const fd = fs.openSync(abs, 'r');
    try {
      const block = Buffer.alloc(512);
      const n = fs.readSync(fd, block, 0, 512, 0);
      if (!isTextBlock(block.subarray(0, n))) throw new PipelineRunError(`Stage '${address}': binary file '${abs}' cannot be used as metrics.`, where);
    } finally {
      fs.closeSync(fd);
    }
  }
}

async function hashBatch(ctx: RecordContext, requests: HashRequest[]): Promise<HashedPath[]> {
  if (requests.length === 0) return [];
  const results = await ctx.hasher.hashPaths(requests, { ignore: ctx.ignore, signal: ctx.signal });
  return results.map((r) => {
    if (r instanceof HashError) throw new PipelineRunError(r.message, [{ file: r.file }]);
    return r;
  });
}

function isExecutable(abs: string): boolean {
  if (process.platform === 'win32') return false;
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  return stat !== undefined && (stat.mode & 0o111) !== 0;
}

/** Params grouped by file as DVC merges them: keys in order of first mention; a file listed without keys is tracked whole. */
export function mergedParams(stage: PipelineStage): { file: string; keys: string[] }[] {
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
