import path from 'node:path';
import { resolveCacheDir } from '../hash/dvcCache';
import { DvcIgnore } from '../hash/dvcIgnore';
import { loadPipelines } from '../pipeline/loadPipelines';
import { loadDvcLock } from '../pipeline/lockFile';
import type { DvcLock, PipelineProblem, PipelineStage } from '../pipeline/types';
import { loadDvcFiles, type DvcFileStage } from '../status/dvcFile';
import { normalizeDefPath } from '../status/computeStatus';
import type { DataProblem, TrackedData } from './dataTypes';
import { findDvcRepos } from './findDvcRepos';
import { recordedHashOf } from './recordedHash';

/** One DVC repository as read for the Data view: what computeStatus needs, kept for the status pass. */
export interface RepoData {
  root: string;
  cacheDir: string;
  dvcFiles: DvcFileStage[];
  locks: DvcLock[];
  /** Pipeline stages of its dvc.yaml files (for each output's wdir and `cache` option). */
  stages: PipelineStage[];
}

export interface DataListing {
  repos: RepoData[];
  /** Sorted by repository, then path. */
  items: TrackedData[];
  problems: DataProblem[];
}

/** Reads every dvc.yaml of a repository (foreach/matrix expanded). The pipeline module provides it. */
export type StageLoader = (repoRoot: string, signal?: AbortSignal) => Promise<{ stages: PipelineStage[]; problems: PipelineProblem[] }>;

export interface ListTrackedDataOptions {
  /** Default: the pipeline module's loadPipelines. */
  loadStages?: StageLoader;
  maxDepth?: number;
  signal?: AbortSignal;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Every path DVC tracks in the given folders: each output of each .dvc file, and each output dvc.lock records.
 * Cheap (no hashing): the view paints this first, then asks for statuses.
 */
export async function listTrackedData(folders: readonly string[], opts: ListTrackedDataOptions = {}): Promise<DataListing> {
  const problems: DataProblem[] = [];
  const seen = new Set<string>();
  const repos: RepoData[] = [];
  for (const folder of folders) {
    const found = await findDvcRepos(folder, { maxDepth: opts.maxDepth, signal: opts.signal });
    problems.push(...found.problems);
    for (const location of found.repos) {
      if (seen.has(location.root)) continue;
      seen.add(location.root);
      const repo = await readRepo(location.root, location.lockFiles, opts, problems);
      repos.push(repo);
    }
  }
  const items = repos.flatMap((r) => trackedItemsOf(r, problems));
  return { repos, items, problems };
}

async function readRepo(root: string, lockFiles: readonly string[], opts: ListTrackedDataOptions, problems: DataProblem[]): Promise<RepoData> {
  const locks: DvcLock[] = [];
  for (const file of lockFiles) {
    const parsed = await loadDvcLock(file);
    if (!parsed) continue;
    problems.push(...parsed.problems);
    if (parsed.lock) locks.push(parsed.lock);
  }
  let stages: PipelineStage[] = [];
  if (locks.length) {
    const loaded = await (opts.loadStages ?? loadPipelines)(root, opts.signal);
    stages = loaded.stages;
    // dvc.yaml's own problems belong to the Pipelines view; here only say that some outputs may lack a status.
    const broken = [...new Set(loaded.problems.filter((p) => p.severity === 'error').map((p) => p.file))];
    for (const file of broken) {
      problems.push({ severity: 'warning', file, message: `${path.basename(file)} has errors (see the Pipelines view), so outputs of its stages may be shown without a status.` });
    }
  }
  // DVC does not look for .dvc files inside pipeline outputs.
  const skipDirs = new Set<string>();
  for (const lock of locks) {
    for (const [name, stage] of Object.entries(lock.stages)) {
      const wdir = stageWdir(stages, lock, name);
      for (const out of stage.outs) if (out.md5.endsWith('.dir')) skipDirs.add(path.resolve(wdir, out.path));
    }
  }
  const ignore = new DvcIgnore(root);
  const dvc = await loadDvcFiles(root, { ignore, skipDirs, signal: opts.signal });
  problems.push(...dvc.problems);
  return { root, cacheDir: resolveCacheDir(root), dvcFiles: dvc.stages, locks, stages };
}

/** The folder a dvc.lock stage's paths are relative to: its dvc.yaml stage's wdir, else the lock's folder. */
function stageWdir(stages: readonly PipelineStage[], lock: DvcLock, name: string): string {
  const yaml = lock.file.replace(/\.lock$/, '.yaml');
  return stages.find((s) => s.dvcfile === yaml && s.name === name)?.wdir ?? path.dirname(lock.file);
}

function trackedItemsOf(repo: RepoData, problems: DataProblem[]): TrackedData[] {
  const items: TrackedData[] = [];
  const inRepo = (abs: string) => abs === repo.root || abs.startsWith(repo.root + path.sep);
  const rel = (abs: string) => path.relative(repo.root, abs).split(path.sep).join('/');
  const external = (file: string, outPath: string, line?: number) =>
    problems.push({ severity: 'warning', file, line, message: `${outPath} is outside the repository (an external output); the Data view lists only data inside ${repo.root}.` });

  for (const stage of repo.dvcFiles) {
    const depPath = field(stage.deps[0], 'path');
    const repoUrl = field(field(stage.deps[0], 'repo'), 'url');
    const importedFrom = typeof depPath === 'string' ? (typeof repoUrl === 'string' ? `${repoUrl} ${depPath}` : depPath) : undefined;
    for (const out of stage.outs) {
      const abs = path.resolve(stage.wdir, out.path);
      if (URL_LIKE.test(out.path) || !inRepo(abs)) {
        external(stage.file, out.path, out.pos?.line);
        continue;
      }
      const item: TrackedData = {
        id: `dvc:${stage.file}#${normalizeDefPath(out.path)}`,
        repoRoot: repo.root,
        path: abs,
        relPath: rel(abs),
        source: { kind: 'dvc-file', file: stage.file, outPath: out.path },
        recorded: recordedHashOf(out),
        cache: out.cache,
        frozen: stage.frozen,
        line: out.pos?.line,
      };
      if (importedFrom) item.importedFrom = importedFrom;
      items.push(item);
    }
  }

  for (const lock of repo.locks) {
    for (const [name, lockStage] of Object.entries(lock.stages)) {
      const wdir = stageWdir(repo.stages, lock, name);
      const spec = repo.stages.find((s) => s.dvcfile === lock.file.replace(/\.lock$/, '.yaml') && s.name === name);
      for (const out of lockStage.outs) {
        const abs = path.resolve(wdir, out.path);
        if (URL_LIKE.test(out.path) || !inRepo(abs)) {
          external(lock.file, out.path);
          continue;
        }
        const outSpec = spec?.outs.find((o) => normalizeDefPath(o.path) === normalizeDefPath(out.path));
        items.push({
          id: `lock:${lock.file}#${name}#${normalizeDefPath(out.path)}`,
          repoRoot: repo.root,
          path: abs,
          relPath: rel(abs),
          source: { kind: 'pipeline', lockFile: lock.file, stage: name, outPath: out.path },
          recorded: recordedHashOf(out),
          cache: outSpec?.cache ?? true,
          frozen: spec?.frozen ?? false,
        });
      }
    }
  }
  const byPath = (a: TrackedData, b: TrackedData) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : a.id < b.id ? -1 : 1);
  return items.sort(byPath);
}

/** A key of a mapping loaded from YAML (a Map for the pipeline module's PyDict, else a plain object). */
function field(value: unknown, key: string): unknown {
  if (value instanceof Map) return value.get(key);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}
