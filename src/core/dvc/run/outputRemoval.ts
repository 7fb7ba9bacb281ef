// Clears a stage's outputs before its command runs, the way `dvc repro` does (Stage.remove_outs): a `persist`
// output is kept and only unprotected (links to the cache become copies, files writable); every other output is
// deleted. Unlike DVC, which deletes without a second look, a cached output is deleted only once its current
// version is safely in the cache: if the cache lacks it, it is copied there first (and the copy checked), and if
// that cannot be done the run stops before anything is deleted. Paths outside the repository, or that hold the
// repository's own files, are never deleted.
import fs from 'node:fs';
import path from 'node:path';
import type { DvcHasher, HashedTree } from '../hash/dvcHasher';
import type { DvcIgnore } from '../hash/dvcIgnore';
import { HashError, type HashName } from '../hash/hashTypes';
import { walkFiles } from '../hash/walkFiles';
import type { PipelineStage } from '../pipeline/types';
import { checkCached } from '../status/cacheCheck';
import type { OutStatus } from '../status/statusTypes';
import { storeFileObject, storeTreeObjects } from './cacheStore';
import type { DvcRepoConfig } from './dvcRepoConfig';
import { PipelineRunError } from './runTypes';

export interface OutputPrepContext {
  repoRoot: string;
  config: DvcRepoConfig;
  hasher: DvcHasher;
  ignore: DvcIgnore;
  signal?: AbortSignal;
  /** A line for the user (a copy kept in the cache). */
  info?: (line: string) => void;
}

export interface OutputPrepReport {
  /** Absolute paths deleted. */
  removed: string[];
  /** Persistent outputs made writable copies. */
  unprotected: string[];
  /** Outputs whose current version was not in the cache and was copied there before the delete. */
  savedToCache: { path: string; md5: string }[];
}

type Step =
  | { kind: 'remove'; abs: string; display: string; save?: { md5: string; name: HashName; tree?: HashedTree } }
  | { kind: 'unprotect'; abs: string };

/**
 * Prepares every output of `stage` for its run. All checks (and copies into the cache) happen before the first
 * delete, so a refusal leaves every output as it was. `statuses` are the stage's output statuses (for the hash
 * name dvc.lock recorded); optional.
 */
export async function prepareOutputs(ctx: OutputPrepContext, stage: PipelineStage, address: string, statuses: readonly OutStatus[] = []): Promise<OutputPrepReport> {
  const root = path.resolve(ctx.repoRoot);
  const steps: Step[] = [];
  for (const out of stage.outs) {
    ctx.signal?.throwIfAborted();
    const abs = path.resolve(stage.wdir, out.path);
    const display = path.relative(root, abs) || '.';
    const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!stat) continue;
    if (!isInside(abs, root)) {
      throw new PipelineRunError(`Output '${out.path}' of stage '${address}' is outside the repository (${abs}); the built-in runner never deletes files outside ${root}. Delete it yourself or run the stage with DVC.`, [{ file: stage.dvcfile, line: out.pos?.line, column: out.pos?.column }]);
    }
    const guarded = guardedInside(abs, root, stage);
    if (guarded) {
      throw new PipelineRunError(`Output '${out.path}' of stage '${address}' contains ${guarded}; deleting it before the run would delete that too. Point the output at a folder of its own.`, [{ file: stage.dvcfile, line: out.pos?.line, column: out.pos?.column }]);
    }
    if (out.persist) {
      if (out.cache && !ctx.ignore.isIgnored(abs, stat.isDirectory())) steps.push({ kind: 'unprotect', abs });
      continue;
    }
    if (!out.cache || stat.isSymbolicLink()) {
      // Uncached outputs are deleted as DVC deletes them; a link is removed, never what it points to.
      steps.push({ kind: 'remove', abs, display });
      continue;
    }
    if (!ctx.config.isDvcRepo) {
      throw new PipelineRunError(`Stage '${address}' would delete its output '${display}' before running, but ${root} has no DVC cache (.dvc/) to keep the current version in. Run \`dvc init\` there, delete '${display}' yourself, or mark the output \`persist: true\`.`, [{ file: stage.dvcfile, line: out.pos?.line, column: out.pos?.column }]);
    }
    const recorded = statuses.find((s) => s.path === abs)?.recorded;
    steps.push({ kind: 'remove', abs, display, save: await versionToKeep(ctx, abs, display, address, recorded?.hashName === 'md5-dos2unix' ? recorded.md5 : undefined) });
  }

  const report: OutputPrepReport = { removed: [], unprotected: [], savedToCache: [] };
  // Copies first: a failure here stops the run with every output still in place.
  for (const step of steps) {
    if (step.kind !== 'remove' || !step.save) continue;
    ctx.signal?.throwIfAborted();
    const { md5, name, tree } = step.save;
    const [cached] = await checkCached(ctx.config.cacheDir, [{ md5, name }], ctx.hasher, ctx.signal);
    if (cached.inCache) continue;
    const store = { cacheDir: ctx.config.cacheDir, hasher: ctx.hasher, dirMode: ctx.config.dirMode, verify: true, signal: ctx.signal };
    try {
      if (tree) await storeTreeObjects(step.abs, tree, name, store);
      else await storeFileObject(step.abs, md5, name, store);
    } catch (error) {
      throw new PipelineRunError(`Stage '${address}' did not run: its output '${step.display}' must be deleted first, and its current version could not be copied into the DVC cache: ${(error as Error).message}`);
    }
    report.savedToCache.push({ path: step.abs, md5 });
    ctx.info?.(`Kept the previous '${step.display}' in the DVC cache (${md5}) before the run replaces it.`);
  }
  for (const step of steps) {
    ctx.signal?.throwIfAborted();
    if (step.kind === 'remove') {
      await fs.promises.rm(step.abs, { recursive: true, force: true });
      report.removed.push(step.abs);
    } else {
      await unprotect(step.abs, ctx.config.fileMode);
      report.unprotected.push(step.abs);
    }
  }
  return report;
}

/** Hashes what is there now (DVC's hash: md5, or the legacy one when it still matches dvc.lock), refusing what cannot be kept. */
async function versionToKeep(ctx: OutputPrepContext, abs: string, display: string, address: string, legacyMd5: string | undefined): Promise<{ md5: string; name: HashName; tree?: HashedTree }> {
  const refuse = (why: string) => new PipelineRunError(`Stage '${address}' did not run: its output '${display}' must be deleted first and ${why}`);
  if (fs.statSync(abs).isDirectory()) {
    let all: number;
    try {
      all = (await walkFiles(abs, { signal: ctx.signal })).length;
    } catch (error) {
      throw refuse(`cannot be read whole: ${(error as Error).message}`);
    }
    const seen = (await walkFiles(abs, { ignore: ctx.ignore, signal: ctx.signal }).catch(() => [])).length;
    if (seen !== all) throw refuse(`it holds ${all - seen} file(s) that .dvcignore excludes, which the DVC cache would not keep. Move them out of '${display}' or delete them yourself.`);
  }
  const hash = async (name: HashName) => {
    const [h] = await ctx.hasher.hashPaths([{ path: abs, name }], { ignore: ctx.ignore, signal: ctx.signal });
    if (h instanceof HashError) throw refuse(`its current version cannot be hashed to keep a copy: ${h.message}`);
    return h;
  };
  if (legacyMd5 !== undefined) {
    const legacy = await hash('md5-dos2unix');
    if (legacy.md5 === legacyMd5) return { md5: legacy.md5, name: 'md5-dos2unix', tree: legacy.isDir ? (legacy as HashedTree) : undefined };
  }
  const h = await hash('md5');
  return { md5: h.md5, name: 'md5', tree: h.isDir ? (h as HashedTree) : undefined };
}

/** LocalHashFileDB.unprotect: each file that is a link (sym or hard) becomes a copy of its own; all get DVC's file mode. */
async function unprotect(abs: string, fileMode: number): Promise<void> {
  const stat = fs.lstatSync(abs);
  const files = stat.isDirectory() ? (await walkFiles(abs)).map((f) => f.abs) : [abs];
  for (const file of files) {
    const l = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!l) continue;
    if (l.isSymbolicLink() || l.nlink > 1) {
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.unprotect.tmp`);
      await fs.promises.copyFile(file, temp);
      await fs.promises.rm(file, { force: true });
      await fs.promises.rename(temp, file);
    }
    await fs.promises.chmod(file, fileMode);
  }
}

/** What an output may not contain: the repository itself, its .dvc or .git folder, or the stage's dvc.yaml. */
function guardedInside(abs: string, root: string, stage: PipelineStage): string | undefined {
  if (abs === root) return 'the whole repository';
  for (const [inner, what] of [
    [path.join(root, '.dvc'), "the repository's .dvc folder"],
    [path.join(root, '.git'), "the repository's .git folder"],
    [stage.dvcfile, `the stage's own ${path.basename(stage.dvcfile)}`],
  ] as const) {
    if (isInside(inner, abs)) return what;
  }
  return undefined;
}

function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
