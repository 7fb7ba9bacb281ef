// The pipelines of the open folders and their status, kept current: the one model the Pipelines view, CodeLens,
// hovers, diagnostics and the DAG panel read. A refresh reads every dvc.yaml and dvc.lock (cheap; views update at
// once) and then decides each stage's status as `dvc status` does (hashes cached by inode, mtime and size; cold
// files hashed on worker threads). Refreshes never overlap: one asked for while another runs follows it. No
// `vscode` here, so the model is unit-tested in plain Node.
import fs from 'node:fs';
import path from 'node:path';
import { findDvcRepos } from '../../core/dvc/data/findDvcRepos';
import type { DvcHasher } from '../../core/dvc/hash/dvcHasher';
import type { ReadText } from '../../core/dvc/pipeline/dvcYaml';
import { loadPipelines, type LoadedPipelines } from '../../core/dvc/pipeline/loadPipelines';
import { loadDvcLock, parseDvcLock } from '../../core/dvc/pipeline/lockFile';
import type { DvcLock, PipelineProblem, PipelineStage } from '../../core/dvc/pipeline/types';
import { computeStatus } from '../../core/dvc/status/computeStatus';
import type { StageStatus, StatusResult } from '../../core/dvc/status/statusTypes';
import { Emitter } from '../../core/util/emitter';

export interface RepoPipelines {
  /** The repository root (the folder holding `.dvc/`, or a workspace folder with dvc.yaml files but no `.dvc/`). */
  root: string;
  loaded: LoadedPipelines;
  locks: DvcLock[];
  /** Problems of the dvc.lock files (invalid YAML, an unknown schema...). */
  lockProblems: PipelineProblem[];
  /** Undefined until the first status of this repository is known. */
  status?: StatusResult;
  /** Why the status could not be computed at all, when it could not. */
  statusError?: string;
  /** Per stage key: the newest modification time of its outputs (epoch ms), for "outputs written 5 min ago". */
  outputsWrittenAt: Map<string, number>;
}

export interface StageRef {
  repo: RepoPipelines;
  stage: PipelineStage;
}

export interface PipelineLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PipelineWorkspaceOptions {
  /** The open folders (absolute paths). */
  folders: () => readonly string[];
  /** The hasher (made on first use: its persistent cache is read from disk). */
  hasher: () => Promise<DvcHasher>;
  /** Reads dvc.yaml and vars files: an editor's unsaved text first, so CodeLens and problems follow typing. */
  readText?: ReadText;
  log?: PipelineLog;
  /** Called after each status pass (e.g. to save the hash cache). */
  afterStatus?: () => void;
}

/** The key of a stage across the views and the panel: its dvc.yaml and its name. */
export function stageKey(stage: { dvcfile: string; name: string }): string {
  return `${stage.dvcfile}::${stage.name}`;
}

const SKIPPED_INSIDE_DVC = new Set(['cache', 'tmp']);
const PIPELINE_FILES = new Set(['dvc.yaml', 'dvc.lock', '.dvcignore']);

export class PipelineWorkspace {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private state: RepoPipelines[] = [];
  private roots: string[] | undefined;
  private firstLoad = false;
  private busy: Promise<void> | undefined;
  private again = false;
  private againRediscover = false;
  private paused = 0;
  private pendingWhilePaused = false;
  private statusPass = false;
  private disposed = false;
  private readonly abort = new AbortController();
  /** Absolute paths whose change can alter a stage's status: deps, outs, params and vars files. */
  private watchedPaths: string[] = [];

  constructor(private readonly opts: PipelineWorkspaceOptions) {}

  get repos(): readonly RepoPipelines[] {
    return this.state;
  }

  /** Whether the pipelines have been read once. */
  get loaded(): boolean {
    return this.firstLoad;
  }

  /** Whether a status pass is under way. */
  get checking(): boolean {
    return this.statusPass;
  }

  /** Every stage of every repository, in DVC's order. */
  stages(): StageRef[] {
    return this.state.flatMap((repo) => repo.loaded.stages.map((stage) => ({ repo, stage })));
  }

  findStage(key: string): StageRef | undefined {
    return this.stages().find((s) => stageKey(s.stage) === key);
  }

  statusOf(stage: PipelineStage): StageStatus | undefined {
    for (const repo of this.state) {
      const s = repo.status?.stages.find((x) => x.kind === 'pipeline' && x.stage?.dvcfile === stage.dvcfile && x.name === stage.name);
      if (s) return s;
    }
    return undefined;
  }

  /** The stages a dvc.yaml defines (any repository). */
  stagesOf(dvcfile: string): StageRef[] {
    return this.stages().filter((s) => s.stage.dvcfile === dvcfile);
  }

  /** Every problem: dvc.yaml and params (parse, schema, cycles), dvc.lock, and what the status pass could not check. */
  problems(): PipelineProblem[] {
    const out: PipelineProblem[] = [];
    for (const repo of this.state) {
      out.push(...repo.loaded.problems, ...repo.lockProblems);
      if (repo.status) out.push(...repo.status.problems);
      if (repo.statusError) out.push({ severity: 'error', file: path.join(repo.root, 'dvc.yaml'), message: `Cannot compute the pipeline's status: ${repo.statusError}` });
    }
    return out;
  }

  /**
   * Reads everything again (both passes). `rediscover` also looks for repositories anew (a `.dvc/` folder or a
   * dvc.yaml appeared or went). Resolves when this refresh, or the one it was folded into, is done.
   */
  refresh(rediscover = false): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (rediscover) this.roots = undefined;
    if (this.paused > 0) {
      this.pendingWhilePaused = true;
      return Promise.resolve();
    }
    if (this.busy) {
      this.again = true;
      this.againRediscover ||= rediscover;
      return this.busy;
    }
    this.busy = this.loop().finally(() => (this.busy = undefined));
    return this.busy;
  }

  /** Resolves once no refresh is running or waiting. */
  async whenIdle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /** Holds refreshes (a run is writing outputs); they happen once, at `resume`. Nested calls count. */
  pause(): void {
    this.paused++;
  }

  resume(): Promise<void> {
    this.paused = Math.max(0, this.paused - 1);
    if (this.paused === 0 && this.pendingWhilePaused) {
      this.pendingWhilePaused = false;
      return this.refresh();
    }
    return Promise.resolve();
  }

  /**
   * Whether a changed file can alter what the views show: a dvc.yaml, dvc.lock or .dvcignore anywhere, DVC's config,
   * a params or vars file, or anything at, inside or above a stage's dependency or output.
   */
  isRelevant(file: string): boolean {
    const base = path.basename(file);
    if (PIPELINE_FILES.has(base)) return true;
    const parts = file.split(path.sep);
    const dvcAt = parts.lastIndexOf('.dvc');
    if (dvcAt >= 0) return dvcAt === parts.length - 1 || (!SKIPPED_INSIDE_DVC.has(parts[dvcAt + 1]) && parts[dvcAt + 1].startsWith('config'));
    if (parts.includes('.git')) return false;
    return this.watchedPaths.some((p) => p === file || file.startsWith(p + path.sep) || p.startsWith(file + path.sep));
  }

  /** Whether a created or deleted path means the set of repositories or dvc.yaml files may have changed. */
  isStructural(file: string): boolean {
    return path.basename(file) === 'dvc.yaml' || path.basename(file) === '.dvc';
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.changed.dispose();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const rediscover = this.againRediscover;
      this.againRediscover = false;
      if (rediscover) this.roots = undefined;
      try {
        await this.readAll();
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.opts.log?.error(`Reading the pipelines failed: ${errorText(e)}`);
      }
    } while (this.again && !this.disposed);
  }

  private async readAll(): Promise<void> {
    const signal = this.abort.signal;
    const t0 = performance.now();
    if (!this.roots) this.roots = await this.discoverRoots(signal);
    const previous = new Map(this.state.map((r) => [r.root, r]));
    const next: RepoPipelines[] = [];
    for (const root of this.roots) {
      const loaded = await loadPipelines(root, signal, { readText: this.opts.readText });
      // A dvc.yaml inside a nested repository belongs to that one (DVC stops at subrepos).
      const nested = this.roots.filter((r) => r !== root && r.startsWith(root + path.sep));
      if (nested.length) {
        const outside = (f: string) => !nested.some((r) => f.startsWith(r + path.sep));
        loaded.stages = loaded.stages.filter((s) => outside(s.dvcfile));
        loaded.dvcfiles = loaded.dvcfiles.filter(outside);
        loaded.problems = loaded.problems.filter((p) => outside(p.file));
      }
      const locks: DvcLock[] = [];
      const lockProblems: PipelineProblem[] = [];
      for (const dvcfile of loaded.dvcfiles) {
        const lockFile = path.join(path.dirname(dvcfile), 'dvc.lock');
        const text = await this.readLockText(lockFile);
        if (text === undefined) continue;
        const parsed = text === null ? await loadDvcLock(lockFile) : parseDvcLock(text, lockFile);
        if (!parsed) continue;
        lockProblems.push(...parsed.problems);
        if (parsed.lock) locks.push(parsed.lock);
      }
      const old = previous.get(root);
      // Keep the last verdict on screen while the new one is computed (no flicker to "checking").
      next.push({ root, loaded, locks, lockProblems, status: old?.status, statusError: old?.statusError, outputsWrittenAt: old?.outputsWrittenAt ?? new Map() });
    }
    this.state = next;
    this.watchedPaths = this.collectWatched(next);
    this.firstLoad = true;
    const loadMs = performance.now() - t0;
    this.changed.fire();

    this.statusPass = true;
    try {
      for (const repo of next) {
        signal.throwIfAborted();
        if (repo.loaded.stages.length === 0) {
          repo.status = { stages: [], problems: [], stats: { files: 0, cached: 0, hashed: 0, hashedBytes: 0, ms: 0 } };
          continue;
        }
        try {
          repo.status = await computeStatus({ repoRoot: repo.root, stages: repo.loaded.stages, locks: repo.locks, hasher: await this.opts.hasher(), signal });
          repo.statusError = undefined;
          repo.outputsWrittenAt = outputsWrittenAt(repo.loaded.stages);
          const st = repo.status.stats;
          this.opts.log?.info(
            `Pipelines: ${repo.loaded.stages.length} stage(s) in ${repo.root} read in ${Math.round(loadMs)} ms, status in ${Math.round(st.ms)} ms ` +
              `(${st.files} files, ${st.cached} from the hash cache, ${st.hashed} hashed, ${(st.hashedBytes / 1e6).toFixed(1)} MB); ` +
              `${repo.status.stages.filter((s) => s.changed).length} changed`,
          );
        } catch (e) {
          if (signal.aborted) throw e;
          repo.status = undefined;
          repo.statusError = errorText(e);
          this.opts.log?.error(`Pipelines: status of ${repo.root} failed: ${repo.statusError}`);
        }
      }
    } finally {
      this.statusPass = false;
    }
    this.opts.afterStatus?.();
    if (!this.disposed) this.changed.fire();
  }

  /** The lock's text: undefined when missing, null to let loadDvcLock read it (and report read errors). */
  private async readLockText(file: string): Promise<string | null | undefined> {
    if (this.opts.readText) {
      try {
        const text = await this.opts.readText(file);
        return text;
      } catch {
        return null;
      }
    }
    return fs.existsSync(file) ? null : undefined;
  }

  private async discoverRoots(signal: AbortSignal): Promise<string[]> {
    const roots = new Set<string>();
    for (const folder of this.opts.folders()) {
      const found = await findDvcRepos(folder, { signal });
      for (const p of found.problems) this.opts.log?.warn(`${p.file}: ${p.message}`);
      const repoRoots = found.repos.map((r) => r.root);
      if (repoRoots.length === 0) roots.add(path.resolve(folder));
      for (const r of repoRoots) roots.add(r);
    }
    return [...roots].sort();
  }

  private collectWatched(repos: RepoPipelines[]): string[] {
    const paths = new Set<string>();
    for (const repo of repos) {
      for (const f of repo.loaded.watchedFiles) paths.add(f);
      for (const s of repo.loaded.stages) {
        for (const d of s.deps) if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(d.path)) paths.add(path.resolve(s.wdir, d.path));
        for (const p of s.params) paths.add(path.resolve(s.wdir, p.file));
        for (const o of s.outs) if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(o.path)) paths.add(path.resolve(s.wdir, o.path));
      }
    }
    return [...paths];
  }
}

/** Newest mtime among each stage's outputs that exist (a folder's own mtime changes when a run recreates it). */
export function outputsWrittenAt(stages: readonly PipelineStage[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stages) {
    let newest: number | undefined;
    for (const o of s.outs) {
      const st = fs.statSync(path.resolve(s.wdir, o.path), { throwIfNoEntry: false });
      if (st) newest = Math.max(newest ?? 0, st.mtimeMs);
    }
    if (newest !== undefined) out.set(stageKey(s), newest);
  }
  return out;
}

/** How `dvc repro` names the stage on its command line, relative to the repository root. */
export function reproTarget(ref: StageRef): string {
  const rel = path.relative(ref.repo.root, ref.stage.dvcfile).split(path.sep).join('/');
  return rel === 'dvc.yaml' ? ref.stage.name : `${rel}:${ref.stage.name}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
