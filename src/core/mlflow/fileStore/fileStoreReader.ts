import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type {
  Experiment,
  LatestMetric,
  MetricAppend,
  MetricPoint,
  MetricSeries,
  Run,
  RunStoreReader,
  StoreDelta,
  StoreProblem,
  StoreRef,
  StoreSnapshot,
} from '../../runs/types';
import { StoreError } from '../../runs/types';
import { exportFileStoreState, importFileStoreState, type ExperimentState, type MetricFileState, type RunState } from './fileStoreState';
import { ioProblem, isNotFound } from './fsProblems';
import { listKeyedFiles, readKeyedValues, stampFiles, stampFolders, stampSignature, type KeyedFile } from './keyedFiles';
import { parseExperimentMeta, parseRunMeta } from './metaYaml';
import { tailMetricFile, tailMetricFileSync } from './metricFileTail';
import { readSmallFile, statIfExists, TimeSlicer } from './syncFs';

// Reads an MLflow file store (mlruns/): <exp>/meta.yaml, <exp>/tags/, <exp>/<run>/{meta.yaml,params,tags,metrics}.
// Layout from mlflow/store/tracking/file_store.py. A deleted experiment is moved whole to .trash/<exp>/
// (`delete_experiment`, which first marks its runs deleted); search_experiments/search_runs with ViewType.ALL
// still list it and its runs, so we do too. An id present in both places is the root one (`_get_experiment_path`).
//
// Files are read synchronously, a run at a time, yielding to the event loop every few milliseconds: a store has
// hundreds of thousands of tiny files, and async fs calls cost far more than the reads themselves (see syncFs).

const TRASH = '.trash';
/** Not experiments: deleted experiments (.trash, listed separately) and the model registry (models/). */
const SKIP_IN_ROOT = new Set([TRASH, 'models']);
/** Not runs: experiment tags, datasets, traces and MLflow 3 LoggedModels. */
const SKIP_IN_EXPERIMENT = new Set(['tags', 'datasets', 'traces', 'models']);
/** Run sub-folders whose changes don't alter the run model. */
const IGNORED_IN_RUN = new Set(['artifacts', 'inputs', 'outputs']);
const META = 'meta.yaml';

interface Pass {
  /** Keep state and metric histories (sync), or read once and keep only the latest points (readAll). */
  keepPoints: boolean;
  delta: StoreDelta;
  signal?: AbortSignal;
}

export interface MlflowFileStoreReaderOptions {
  /** Keep every point of every metric while listing (default: only the latest). */
  histories?: boolean;
  /** Reads one whole metric file for metricSeries, e.g. on a worker thread (MetricReadPool); default: on this thread. */
  readMetricFile?(file: string, signal?: AbortSignal): Promise<MetricSeries>;
}

/** meta.yaml is missing: not the same as unreadable. */
const MISSING = Symbol('missing');

export class MlflowFileStoreReader implements RunStoreReader {
  private experiments = new Map<string, ExperimentState>();
  private runs = new Map<string, RunState>();
  private runKeyById = new Map<string, string>();

  /**
   * `histories: false`: a first read of a metric file reports no history, only its latest point; later appends to the
   * file are still reported. The extension uses it so 10 million points are not carried into memory at startup.
   */
  constructor(readonly ref: StoreRef, private readonly opts: MlflowFileStoreReaderOptions = {}) {}

  /** Everything in the store, read from scratch; keeps no state. */
  async readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    const scratch = new MlflowFileStoreReader(this.ref);
    const delta = await scratch.fullPass({ keepPoints: false, delta: emptyDelta(this.ref), signal });
    return { store: this.ref, experiments: delta.experiments, runs: delta.runs, problems: delta.problems };
  }

  /** What changed since the last sync (everything, the first time), re-reading only changed files. */
  async sync(signal?: AbortSignal): Promise<StoreDelta> {
    return this.fullPass({ keepPoints: true, delta: emptyDelta(this.ref), signal });
  }

  /** A targeted update for paths a file watcher reported: no walk of the whole store. */
  async applyChanges(paths: readonly string[], signal?: AbortSignal): Promise<StoreDelta> {
    const pass: Pass = { keepPoints: true, delta: emptyDelta(this.ref), signal };
    const slicer = new TimeSlicer(signal);
    const expFolders = new Set<string>();
    const expMetas = new Set<string>();
    const runKeys = new Set<string>();
    /** Runs whose params or tags a watcher saw change: listed again whatever their folder stamps say. */
    const relist = new Set<string>();
    const metricFiles = new Map<string, Set<string>>();
    for (const p of paths) {
      const rel = path.relative(this.ref.path, path.resolve(p));
      if (rel === '') return this.fullPass(pass);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      let parts = rel.split(path.sep);
      let prefix = '';
      if (parts[0] === TRASH) {
        if (parts.length === 1) {
          // The trash folder itself: an experiment was deleted, restored or purged.
          const trashed = [...this.listTrashFolders(), ...[...this.experiments.keys()].filter((f) => f.startsWith(`${TRASH}/`))];
          for (const f of trashed) expFolders.add(f).add(twinFolder(f));
          continue;
        }
        prefix = `${TRASH}/`;
        parts = parts.slice(1);
      } else if (SKIP_IN_ROOT.has(parts[0]) || parts[0].startsWith('.')) {
        continue;
      }
      const folder = prefix + parts[0];
      if (parts.length === 1) {
        // Deleting or restoring moves the folder between the root and .trash: look at both places.
        expFolders.add(folder);
        expFolders.add(twinFolder(folder));
      } else if (parts[1] === META || parts[1] === 'tags') expMetas.add(folder);
      else if (SKIP_IN_EXPERIMENT.has(parts[1]) || parts[1].startsWith('.')) continue;
      else if (parts.length >= 3 && IGNORED_IN_RUN.has(parts[2])) continue;
      else {
        const key = `${folder}/${parts[1]}`;
        if (parts.length >= 4 && parts[2] === 'metrics' && this.runs.get(key)?.run) {
          let set = metricFiles.get(key);
          if (!set) metricFiles.set(key, (set = new Set()));
          set.add(parts.slice(3).join('/'));
        } else {
          runKeys.add(key);
          if (parts[2] === 'params' || parts[2] === 'tags') relist.add(key);
        }
      }
    }
    for (const folder of expFolders) {
      const runFolders = this.syncExperiment(folder, pass);
      const present = new Set((runFolders ?? []).map((r) => `${folder}/${r}`));
      for (const key of present) if (!this.runs.has(key)) runKeys.add(key);
      for (const key of [...this.runs.keys()]) {
        if (key.startsWith(`${folder}/`) && key.indexOf('/', folder.length + 1) === -1 && !present.has(key)) {
          this.removeRun(key, pass);
          runKeys.delete(key);
        }
      }
    }
    for (const folder of expMetas) if (!expFolders.has(folder)) this.syncExperiment(folder, pass);
    for (const key of runKeys) metricFiles.delete(key);
    for (const key of runKeys) {
      await this.syncRun(key, pass, relist.has(key));
      await slicer.tick();
    }
    for (const [key, metricKeys] of metricFiles) {
      await this.syncMetrics(key, [...metricKeys], pass);
      await slicer.tick();
    }
    return finishDelta(pass.delta);
  }

  exportState(): unknown {
    return exportFileStoreState(this.ref.path, this.experiments.values(), this.runs.values());
  }

  /** Restores a state from exportState() and the runs the index kept. Returns false (and starts fresh) if unusable. */
  importState(state: unknown, runs: Run[]): boolean {
    const restored = importFileStoreState(this.ref, state, runs);
    this.experiments = new Map();
    this.runs = new Map();
    this.runKeyById = new Map();
    if (!restored) return false;
    for (const e of restored.experiments) this.experiments.set(e.folder, e);
    for (const r of restored.runs) {
      this.runs.set(r.key, r);
      if (r.run) this.runKeyById.set(r.run.runId, r.key);
    }
    return true;
  }

  async metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const series = await this.metricSeries(runId, key, signal);
    const points: MetricPoint[] = new Array(series.steps.length);
    for (let i = 0; i < points.length; i++) points[i] = { step: series.steps[i], timestamp: series.timestamps[i], value: series.values[i] };
    return points;
  }

  /** metricHistory as columns, straight from the parser: no object per point (Compare reads millions). */
  async metricSeries(runId: string, key: string, signal?: AbortSignal): Promise<MetricSeries> {
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) return emptySeries();
    const runDir = this.findRunDir(runId);
    if (!runDir) throw new StoreError(`Run ${runId} is not in this MLflow store. Refresh the runs view.`, this.ref.path);
    const file = path.join(runDir, 'metrics', ...segments);
    try {
      if (this.opts.readMetricFile) return await this.opts.readMetricFile(file, signal);
      return (await tailMetricFile(file, undefined, { signal })).series;
    } catch (err) {
      if (isNotFound(err)) return emptySeries();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.experiments.clear();
    this.runs.clear();
    this.runKeyById.clear();
  }

  private dirOf(folder: string, ...more: string[]): string {
    return path.join(this.ref.path, ...folder.split('/'), ...more);
  }

  /** Like MLflow's `_find_run_root`: active experiments first, then deleted ones. */
  private findRunDir(runId: string): string | undefined {
    const known = this.runKeyById.get(runId);
    if (known) return this.dirOf(known);
    if (!/^[\w-]+$/.test(runId)) return undefined;
    for (const folder of this.listExperimentFolders()) {
      const dir = this.dirOf(folder, runId);
      if (exists(path.join(dir, META))) return dir;
    }
    return undefined;
  }

  private async fullPass(pass: Pass): Promise<StoreDelta> {
    pass.signal?.throwIfAborted();
    const slicer = new TimeSlicer(pass.signal);
    const folders = this.listExperimentFolders(pass.delta.problems);
    const runKeys: string[] = [];
    for (const folder of folders) {
      const runFolders = this.syncExperiment(folder, pass);
      for (const r of runFolders ?? []) runKeys.push(`${folder}/${r}`);
      await slicer.tick();
    }
    const seenExps = new Set(folders);
    for (const folder of [...this.experiments.keys()]) if (!seenExps.has(folder)) this.removeExperiment(folder, pass);
    const seenRuns = new Set(runKeys);
    for (const key of [...this.runs.keys()]) if (!seenRuns.has(key)) this.removeRun(key, pass);
    for (const key of runKeys) {
      await this.syncRun(key, pass);
      await slicer.tick();
    }
    return finishDelta(pass.delta);
  }

  /**
   * Experiment folders: the root's, then the deleted ones as `.trash/<id>` (unless the root has that id too).
   * Throws StoreError when the root itself can't be read.
   */
  private listExperimentFolders(problems?: StoreProblem[]): string[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(this.ref.path, { withFileTypes: true });
    } catch (err) {
      const p = ioProblem(this.ref.path, err, 'the MLflow store folder');
      throw new StoreError(isNotFound(err) ? `The MLflow store folder ${this.ref.path} does not exist.` : p.message, this.ref.path);
    }
    const active: string[] = [];
    for (const e of entries) {
      if (SKIP_IN_ROOT.has(e.name) || e.name.startsWith('.')) continue;
      if (isDirEntry(this.ref.path, e)) active.push(e.name);
    }
    active.sort();
    const activeSet = new Set(active);
    const deleted: string[] = [];
    for (const folder of this.listTrashFolders(problems)) {
      const id = experimentIdOf(folder);
      if (!activeSet.has(id)) deleted.push(folder);
      else problems?.push(shadowedProblem(this.dirOf(folder), id));
    }
    return [...active, ...deleted];
  }

  private listTrashFolders(problems?: StoreProblem[]): string[] {
    const trash = path.join(this.ref.path, TRASH);
    let entries: Dirent[];
    try {
      entries = readdirSync(trash, { withFileTypes: true });
    } catch (err) {
      if (!isNotFound(err)) problems?.push(ioProblem(trash, err, 'the folder of deleted experiments'));
      return [];
    }
    return entries.filter((e) => isDirEntry(trash, e)).map((e) => `${TRASH}/${e.name}`).sort();
  }

  /** Re-reads an experiment's meta.yaml and tags if they changed; returns its run folders (undefined if it's gone). */
  private syncExperiment(folder: string, pass: Pass): string[] | undefined {
    const dir = this.dirOf(folder);
    const metaPath = path.join(dir, META);
    const problems = pass.delta.problems;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) {
        this.removeExperiment(folder, pass);
        this.removeRunsOf(folder, pass);
        return undefined;
      }
      problems.push(ioProblem(dir, err, 'this experiment folder'));
      return [];
    }
    if (folder.startsWith(`${TRASH}/`) && isDir(this.dirOf(experimentIdOf(folder)))) {
      problems.push(shadowedProblem(dir, experimentIdOf(folder)));
      this.removeExperiment(folder, pass);
      return [];
    }
    const prev = this.experiments.get(folder);
    let st;
    try {
      st = statSync(metaPath);
    } catch (err) {
      if (isNotFound(err)) {
        problems.push({ severity: 'warning', file: dir, message: `This folder in the MLflow store has no meta.yaml, so it is not an experiment. Remove it, or restore its meta.yaml.` });
      } else {
        problems.push(ioProblem(metaPath, err, 'this experiment meta.yaml'));
      }
      this.removeExperiment(folder, pass);
    }
    if (st) {
      const tags = listKeyedFiles(path.join(dir, 'tags'), { fileStats: true, dirStats: true }, problems);
      const tagsSig = stampSignature(tags.dirs, tags.files);
      if (!prev || prev.metaSize !== st.size || prev.metaMtimeMs !== st.mtimeMs || prev.tagsSig !== tagsSig) {
        const next = this.readExperiment(folder, metaPath, tags.files, problems);
        this.experiments.set(folder, { folder, metaSize: st.size, metaMtimeMs: st.mtimeMs, tagsSig, experiment: next });
        if (next) pass.delta.experiments.push(next);
        else if (prev?.experiment) pass.delta.removedExperimentIds.push(prev.experiment.experimentId);
      }
    }
    const runFolders: string[] = [];
    for (const e of entries) {
      if (SKIP_IN_EXPERIMENT.has(e.name) || e.name.startsWith('.')) continue;
      if (isDirEntry(dir, e)) runFolders.push(e.name);
    }
    return runFolders;
  }

  private readExperiment(folder: string, metaPath: string, tagFiles: KeyedFile[], problems: StoreProblem[]): Experiment | undefined {
    let bytes: Buffer | undefined;
    try {
      bytes = readSmallFile(metaPath);
    } catch (err) {
      problems.push(ioProblem(metaPath, err, 'this experiment meta.yaml'));
      return undefined;
    }
    if (!bytes) {
      problems.push({ severity: 'error', file: metaPath, message: `This experiment meta.yaml is larger than 1 MB, which MLflow never writes. Restore it from a backup.` });
      return undefined;
    }
    const { meta, problems: metaProblems } = parseExperimentMeta(bytes, metaPath);
    problems.push(...metaProblems);
    if (!meta) return undefined;
    const id = experimentIdOf(folder);
    if (meta.experimentId !== id) {
      // MLflow ignores such an experiment too (file_store.py `_get_experiment`).
      problems.push({ severity: 'warning', file: metaPath, message: `experiment_id is "${meta.experimentId}" but the folder is "${id}"; MLflow ignores this experiment. Make them match.` });
      return undefined;
    }
    const tags = readKeyedValues(tagFiles, 'tag', problems);
    return { ...meta, tags, store: this.ref, metaPath };
  }

  private removeExperiment(folder: string, pass: Pass): void {
    const prev = this.experiments.get(folder);
    if (prev?.experiment) pass.delta.removedExperimentIds.push(prev.experiment.experimentId);
    this.experiments.delete(folder);
  }

  private removeRunsOf(folder: string, pass: Pass): void {
    for (const key of [...this.runs.keys()]) {
      if (key.startsWith(`${folder}/`) && key.indexOf('/', folder.length + 1) === -1) this.removeRun(key, pass);
    }
  }

  private removeRun(key: string, pass: Pass): void {
    const prev = this.runs.get(key);
    if (prev?.run) {
      pass.delta.removedRunIds.push(prev.run.runId);
      if (this.runKeyById.get(prev.run.runId) === key) this.runKeyById.delete(prev.run.runId);
    }
    this.runs.delete(key);
  }

  /** Remembers a run that can't be read, so it is retried only when its meta.yaml changes. */
  private markBroken(key: string, metaSize: number, metaMtimeMs: number, pass: Pass): void {
    this.removeRun(key, pass);
    if (!pass.keepPoints) return;
    this.runs.set(key, {
      key, metaSize, metaMtimeMs, paramsSig: -1, paramDirs: [], tagsSig: -1, tagDirs: [], tagKeys: [], metricsSig: -1, metricDirs: [], metrics: new Map(),
    });
  }

  private missingMeta(key: string, dir: string, pass: Pass): void {
    if (exists(dir)) {
      pass.delta.problems.push({ severity: 'warning', file: dir, message: `This run folder has no meta.yaml, so it can't be listed. Delete the folder if it is left over from a crashed run.` });
      this.markBroken(key, -1, -1, pass);
    } else {
      this.removeRun(key, pass);
    }
  }

  /**
   * Re-reads what changed in one run folder: meta.yaml, params, tags, and the tails of changed metric files.
   * With `relist`, params and tags are read again even if their stamps are unchanged (a file edited in place).
   */
  private async syncRun(key: string, pass: Pass, relist = false): Promise<void> {
    const slash = key.lastIndexOf('/');
    const folder = key.slice(0, slash);
    const dir = this.dirOf(key);
    const metaPath = path.join(dir, META);
    const problems = pass.delta.problems;
    const stateful = pass.keepPoints;
    const prev = stateful ? this.runs.get(key) : undefined;

    // readAll keeps no state, so it needs no stats to compare: it goes straight to reading.
    let metaSize = -1;
    let metaMtimeMs = -1;
    if (stateful) {
      let st;
      try {
        st = statIfExists(metaPath);
      } catch (err) {
        problems.push(ioProblem(metaPath, err, 'this run meta.yaml'));
        return;
      }
      if (!st) return this.missingMeta(key, dir, pass);
      metaSize = st.size;
      metaMtimeMs = st.mtimeMs;
    }
    const metaChanged = !prev || prev.metaSize !== metaSize || prev.metaMtimeMs !== metaMtimeMs;
    if (prev && !prev.run && !metaChanged) return; // still broken

    let base = prev?.run;
    let metaRunName = prev?.metaRunName ?? base?.runName ?? '';
    if (metaChanged || !base) {
      const read = this.readRunMeta(folder, metaPath, problems);
      if (read === MISSING) return this.missingMeta(key, dir, pass);
      if (!read) return this.markBroken(key, metaSize, metaMtimeMs, pass);
      metaRunName = read.runName;
      base = { ...read, params: base?.params ?? {}, tags: base?.tags ?? {}, metrics: base?.metrics ?? {} };
    }
    const now = Date.now();
    const fresh = !prev?.run;
    const paramsDir = path.join(dir, 'params');
    const tagsDir = path.join(dir, 'tags');
    const metricsDir = path.join(dir, 'metrics');

    let { paramsSig, paramDirs } = prev ?? { paramsSig: -1, paramDirs: [] };
    let params = base.params;
    if (fresh || relist || stampSignature(stampFolders(paramsDir, paramDirs)) !== paramsSig) {
      const listing = listKeyedFiles(paramsDir, { fileStats: false, dirStats: stateful }, problems);
      params = sameValues(readKeyedValues(listing.files, 'param', problems), base.params);
      paramDirs = listing.dirs.map((d) => d.rel);
      paramsSig = stampSignature(listing.dirs, [], now);
    }

    let { tagsSig, tagDirs, tagKeys } = prev ?? { tagsSig: -1, tagDirs: [], tagKeys: [] };
    let tags = base.tags;
    if (fresh || relist || stampSignature(stampFolders(tagsDir, tagDirs), stampFiles(tagsDir, tagKeys)) !== tagsSig) {
      const listing = listKeyedFiles(tagsDir, { fileStats: stateful, dirStats: stateful }, problems);
      tags = sameValues(readKeyedValues(listing.files, 'tag', problems), base.tags);
      tagDirs = listing.dirs.map((d) => d.rel);
      tagKeys = listing.files.map((f) => f.key);
      tagsSig = stampSignature(listing.dirs, listing.files, now);
    }

    let { metricsSig, metricDirs } = prev ?? { metricsSig: -1, metricDirs: [] };
    const metricStates = fresh ? new Map<string, MetricFileState>() : new Map(prev.metrics);
    let metricsChanged: boolean;
    if (fresh || stampSignature(stampFolders(metricsDir, metricDirs)) !== metricsSig) {
      const listing = listKeyedFiles(metricsDir, { fileStats: stateful, dirStats: stateful }, problems);
      metricDirs = listing.dirs.map((d) => d.rel);
      metricsSig = stampSignature(listing.dirs, [], now);
      metricsChanged = await this.syncMetricFiles(base.runId, metricStates, listing.files, true, pass);
    } else {
      // Same metric files as before: a stat each tells which ones grew.
      const files = stampFiles(metricsDir, [...metricStates.keys()]);
      metricsChanged = false;
      for (const f of files) if (f.size === -1) metricsChanged = metricStates.delete(f.key) || metricsChanged;
      metricsChanged = (await this.syncMetricFiles(base.runId, metricStates, files.filter((f) => f.size !== -1), false, pass)) || metricsChanged;
    }

    const changed = metaChanged || fresh || params !== base.params || tags !== base.tags || metricsChanged;
    const run = changed ? finishRun(base, metaRunName, params, tags, metricStates) : base;
    if (stateful) {
      if (prev?.run && prev.run.runId !== run.runId && this.runKeyById.get(prev.run.runId) === key) this.runKeyById.delete(prev.run.runId);
      this.runs.set(key, {
        key, metaSize, metaMtimeMs, paramsSig, paramDirs, tagsSig, tagDirs, tagKeys, metricsSig, metricDirs, metrics: metricStates, run, metaRunName,
      });
      this.runKeyById.set(run.runId, key);
    }
    if (changed) pass.delta.runs.push(run);
  }

  /** A watcher saw these metric files change: tail just them. */
  private async syncMetrics(key: string, metricKeys: string[], pass: Pass): Promise<void> {
    const state = this.runs.get(key);
    if (!state?.run) return this.syncRun(key, pass);
    const metricsDir = path.join(this.dirOf(key), 'metrics');
    const files: KeyedFile[] = [];
    const gone: string[] = [];
    for (const mk of metricKeys) {
      const file = path.join(metricsDir, ...mk.split('/'));
      try {
        const st = statSync(file);
        if (st.isFile()) files.push({ key: mk, path: file, size: st.size, mtimeMs: st.mtimeMs });
        else if (st.isDirectory()) return this.syncRun(key, pass); // a new key prefix folder: list the run again
      } catch (err) {
        if (isNotFound(err)) gone.push(mk);
        else pass.delta.problems.push(ioProblem(file, err, 'this metric file'));
      }
    }
    const metricStates = new Map(state.metrics);
    let changed = await this.syncMetricFiles(state.run.runId, metricStates, files, false, pass);
    for (const mk of gone) changed = metricStates.delete(mk) || changed;
    if (!changed) return;
    const run = finishRun(state.run, state.metaRunName ?? state.run.runName, state.run.params, state.run.tags, metricStates);
    // A new key changes the metrics folder, so the next sync lists it again (its signature no longer matches).
    this.runs.set(key, { ...state, metrics: metricStates, run });
    pass.delta.runs.push(run);
  }

  /**
   * Tails the given metric files whose size or mtime changed, updating `states`. With `complete`, `files` is the
   * whole listing and keys missing from it are dropped. Returns whether anything changed.
   */
  private async syncMetricFiles(runId: string, states: Map<string, MetricFileState>, files: KeyedFile[], complete: boolean, pass: Pass): Promise<boolean> {
    let changed = false;
    if (complete && states.size > 0) {
      const present = new Set(files.map((f) => f.key));
      for (const k of [...states.keys()]) if (!present.has(k)) changed = states.delete(k) || changed;
    }
    for (const f of files) {
      const prev = states.get(f.key);
      if (prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) continue;
      let result;
      const keepPoints = pass.keepPoints && (prev !== undefined || this.opts.histories !== false);
      try {
        const opts = { keepPoints, knownSize: f.size, knownMtimeMs: f.mtimeMs };
        result = tailMetricFileSync(f.path, prev?.cursor, opts) ?? (await tailMetricFile(f.path, prev?.cursor, { ...opts, signal: pass.signal }));
      } catch (err) {
        if (isNotFound(err)) {
          changed = states.delete(f.key) || changed;
        } else {
          pass.delta.problems.push(ioProblem(f.path, err, 'this metric file'));
        }
        continue;
      }
      if (result.problems.length > 0) pass.delta.problems.push(...result.problems);
      states.set(f.key, { size: result.size, mtimeMs: result.mtimeMs, cursor: result.cursor });
      changed = true;
      if (keepPoints && (result.replaced || result.series.steps.length > 0)) {
        const append: MetricAppend = { runId, key: f.key, series: result.series, replaced: result.replaced };
        pass.delta.appends.push(append);
      }
    }
    return changed;
  }

  private readRunMeta(folder: string, metaPath: string, problems: StoreProblem[]): Run | undefined | typeof MISSING {
    let bytes: Buffer | undefined;
    try {
      bytes = readSmallFile(metaPath);
    } catch (err) {
      if (isNotFound(err)) return MISSING;
      problems.push(ioProblem(metaPath, err, 'this run meta.yaml'));
      return undefined;
    }
    if (!bytes) {
      problems.push({ severity: 'error', file: metaPath, message: `This run meta.yaml is larger than 1 MB, which MLflow never writes. Restore it from a backup or delete the run folder.` });
      return undefined;
    }
    const { meta, problems: metaProblems } = parseRunMeta(bytes, metaPath);
    if (metaProblems.length > 0) problems.push(...metaProblems);
    if (!meta) return undefined;
    const experimentId = experimentIdOf(folder);
    if (meta.experimentId !== experimentId) {
      // MLflow skips such a run with a warning (file_store.py `_list_run_infos`).
      problems.push({ severity: 'warning', file: metaPath, message: `experiment_id is "${meta.experimentId}" but the run is in experiment folder "${experimentId}"; MLflow ignores this run. Make them match.` });
      return undefined;
    }
    const runFolder = path.basename(path.dirname(metaPath));
    if (runFolder !== meta.runId && exists(path.join(this.dirOf(folder, meta.runId), META))) {
      // A copy or a link of another run folder: MLflow finds runs by folder name, so the other one is the run.
      problems.push({ severity: 'warning', file: metaPath, message: `This folder repeats run ${meta.runId}, which has its own folder; it was skipped. Remove the copy or link.` });
      return undefined;
    }
    return {
      runId: meta.runId,
      runName: meta.runName ?? '',
      experimentId: meta.experimentId,
      status: meta.status,
      startTime: meta.startTime,
      endTime: meta.endTime,
      lifecycleStage: meta.lifecycleStage,
      artifactUri: meta.artifactUri,
      userId: meta.userId,
      params: {},
      tags: {},
      metrics: {},
      parentRunId: null,
      store: this.ref,
      metaPath,
    };
  }
}

/** `.trash/123` is experiment 123. */
function emptySeries(): MetricSeries {
  return { steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
}

function experimentIdOf(folder: string): string {
  return folder.startsWith(`${TRASH}/`) ? folder.slice(TRASH.length + 1) : folder;
}

/** The other place an experiment folder can be: `123` <-> `.trash/123`. */
function twinFolder(folder: string): string {
  return folder.startsWith(`${TRASH}/`) ? experimentIdOf(folder) : `${TRASH}/${folder}`;
}

function shadowedProblem(dir: string, id: string): StoreProblem {
  return {
    severity: 'warning',
    file: dir,
    message: `Experiment ${id} is both active and in .trash; MLflow reads only the active one, so this deleted copy was skipped. Remove one of the two folders.`,
  };
}

/** A new Run object (consumers may hold the old one) with the derived fields filled in. */
function finishRun(base: Run, metaRunName: string, params: Record<string, string>, tags: Record<string, string>, metricStates: Map<string, MetricFileState>): Run {
  const metrics: Record<string, LatestMetric> = {};
  for (const [k, m] of metricStates) if (m.cursor.latest) metrics[k] = m.cursor.latest;
  return {
    ...base,
    // Old stores have no run_name in meta.yaml: MLflow falls back to the mlflow.runName tag (`_get_run_from_info`).
    runName: metaRunName || tags['mlflow.runName'] || '',
    params,
    tags,
    metrics,
    parentRunId: tags['mlflow.parentRunId'] || null,
  };
}

/** `old` when `next` holds the same entries: a folder listed again only because its stamp changed is no change. */
function sameValues(next: Record<string, string>, old: Record<string, string>): Record<string, string> {
  const keys = Object.keys(next);
  if (keys.length !== Object.keys(old).length) return next;
  for (const k of keys) if (old[k] !== next[k]) return next;
  return old;
}

function emptyDelta(store: StoreRef): StoreDelta {
  return { store, experiments: [], removedExperimentIds: [], runs: [], removedRunIds: [], appends: [], problems: [] };
}

/**
 * A run or experiment that moved (an experiment deleted to .trash, or restored) is removed from its old place and
 * added at the new one in the same pass: report it once, as changed, since consumers apply removals last.
 */
function finishDelta(delta: StoreDelta): StoreDelta {
  if (delta.removedRunIds.length > 0) {
    const added = new Set(delta.runs.map((r) => r.runId));
    delta.removedRunIds = [...new Set(delta.removedRunIds)].filter((id) => !added.has(id));
  }
  if (delta.removedExperimentIds.length > 0) {
    const added = new Set(delta.experiments.map((e) => e.experimentId));
    delta.removedExperimentIds = [...new Set(delta.removedExperimentIds)].filter((id) => !added.has(id));
  }
  return delta;
}

function exists(p: string): boolean {
  try {
    return statIfExists(p) !== undefined;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statIfExists(p)?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** A folder, or a symbolic link to one (a broken link is not). */
function isDirEntry(parent: string, e: Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  return isDir(path.join(parent, e.name));
}
