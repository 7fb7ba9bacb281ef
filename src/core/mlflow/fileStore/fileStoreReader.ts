import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type {
  Experiment,
  LatestMetric,
  MetricAppend,
  MetricPoint,
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
import { listingSignature, listKeyedFiles, readKeyedValues, type KeyedFile } from './keyedFiles';
import { mapBounded } from './mapBounded';
import { parseExperimentMeta, parseRunMeta } from './metaYaml';
import { tailMetricFile } from './metricFileTail';

// Reads an MLflow file store (mlruns/): <exp>/meta.yaml, <exp>/tags/, <exp>/<run>/{meta.yaml,params,tags,metrics}.
// Layout from mlflow/store/tracking/file_store.py.

/** Not experiments: deleted experiments (.trash) and the model registry (models/). */
const SKIP_IN_ROOT = new Set(['.trash', 'models']);
/** Not runs: experiment tags, datasets, traces and MLflow 3 LoggedModels. */
const SKIP_IN_EXPERIMENT = new Set(['tags', 'datasets', 'traces', 'models']);
/** Run sub-folders whose changes don't alter the run model. */
const IGNORED_IN_RUN = new Set(['artifacts', 'inputs', 'outputs']);
const META = 'meta.yaml';
const CONCURRENCY = 32;

interface Pass {
  /** Keep metric histories (sync) or only their latest points (readAll). */
  keepPoints: boolean;
  delta: StoreDelta;
  signal?: AbortSignal;
}

export class MlflowFileStoreReader implements RunStoreReader {
  private experiments = new Map<string, ExperimentState>();
  private runs = new Map<string, RunState>();
  private runKeyById = new Map<string, string>();

  constructor(readonly ref: StoreRef) {}

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
    const expFolders = new Set<string>();
    const expMetas = new Set<string>();
    const runKeys = new Set<string>();
    const metricFiles = new Map<string, Set<string>>();
    for (const p of paths) {
      const rel = path.relative(this.ref.path, path.resolve(p));
      if (rel === '') return this.fullPass(pass);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const parts = rel.split(path.sep);
      if (SKIP_IN_ROOT.has(parts[0]) || parts[0].startsWith('.')) continue;
      if (parts.length === 1) expFolders.add(parts[0]);
      else if (parts[1] === META || parts[1] === 'tags') expMetas.add(parts[0]);
      else if (SKIP_IN_EXPERIMENT.has(parts[1]) || parts[1].startsWith('.')) continue;
      else if (parts.length >= 3 && IGNORED_IN_RUN.has(parts[2])) continue;
      else {
        const key = `${parts[0]}/${parts[1]}`;
        if (parts.length >= 4 && parts[2] === 'metrics' && this.runs.get(key)?.run) {
          let set = metricFiles.get(key);
          if (!set) metricFiles.set(key, (set = new Set()));
          set.add(parts.slice(3).join('/'));
        } else {
          runKeys.add(key);
        }
      }
    }
    for (const folder of expFolders) {
      const runFolders = await this.syncExperiment(folder, pass);
      if (!runFolders) continue;
      for (const r of runFolders) if (!this.runs.has(`${folder}/${r}`)) runKeys.add(`${folder}/${r}`);
      const present = new Set(runFolders.map((r) => `${folder}/${r}`));
      for (const key of this.runs.keys()) if (key.startsWith(`${folder}/`) && !present.has(key)) runKeys.add(key);
    }
    for (const folder of expMetas) if (!expFolders.has(folder)) await this.syncExperiment(folder, pass);
    for (const key of runKeys) metricFiles.delete(key);
    await mapBounded([...runKeys], CONCURRENCY, (key) => this.syncRun(key, pass), signal);
    await mapBounded([...metricFiles], CONCURRENCY, ([key, metricKeys]) => this.syncMetrics(key, [...metricKeys], pass), signal);
    return pass.delta;
  }

  exportState(): unknown {
    return exportFileStoreState(this.ref.path, this.experiments.values(), this.runs.values());
  }

  /** Restores a state from exportState() and the runs the index kept. Returns false (and starts fresh) if unusable. */
  importState(state: unknown, runs: Run[]): boolean {
    const restored = importFileStoreState(this.ref.path, state, runs);
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
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) return [];
    const runDir = await this.findRunDir(runId);
    if (!runDir) throw new StoreError(`Run ${runId} is not in this MLflow store. Refresh the runs view.`, this.ref.path);
    const file = path.join(runDir, 'metrics', ...segments);
    let series;
    try {
      series = (await tailMetricFile(file, undefined, { signal })).series;
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const points: MetricPoint[] = new Array(series.steps.length);
    for (let i = 0; i < points.length; i++) points[i] = { step: series.steps[i], timestamp: series.timestamps[i], value: series.values[i] };
    return points;
  }

  async close(): Promise<void> {
    this.experiments.clear();
    this.runs.clear();
    this.runKeyById.clear();
  }

  private async findRunDir(runId: string): Promise<string | undefined> {
    const known = this.runKeyById.get(runId);
    if (known) return path.join(this.ref.path, ...known.split('/'));
    if (!/^[\w-]+$/.test(runId)) return undefined;
    for (const folder of await this.listExperimentFolders()) {
      const dir = path.join(this.ref.path, folder, runId);
      if (await exists(path.join(dir, META))) return dir;
    }
    return undefined;
  }

  private async fullPass(pass: Pass): Promise<StoreDelta> {
    pass.signal?.throwIfAborted();
    const folders = await this.listExperimentFolders();
    const runKeys: string[] = [];
    for (const folder of folders) {
      pass.signal?.throwIfAborted();
      const runFolders = await this.syncExperiment(folder, pass);
      for (const r of runFolders ?? []) runKeys.push(`${folder}/${r}`);
    }
    const seenExps = new Set(folders);
    for (const folder of [...this.experiments.keys()]) if (!seenExps.has(folder)) this.removeExperiment(folder, pass);
    const seenRuns = new Set(runKeys);
    for (const key of [...this.runs.keys()]) if (!seenRuns.has(key)) this.removeRun(key, pass);
    await mapBounded(runKeys, CONCURRENCY, (key) => this.syncRun(key, pass), pass.signal);
    return pass.delta;
  }

  /** Experiment folders in the root. Throws StoreError when the root itself can't be read. */
  private async listExperimentFolders(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.ref.path, { withFileTypes: true });
    } catch (err) {
      const p = ioProblem(this.ref.path, err, 'the MLflow store folder');
      throw new StoreError(isNotFound(err) ? `The MLflow store folder ${this.ref.path} does not exist.` : p.message, this.ref.path);
    }
    const out: string[] = [];
    for (const e of entries) {
      if (SKIP_IN_ROOT.has(e.name) || e.name.startsWith('.')) continue;
      if (await isDirEntry(this.ref.path, e)) out.push(e.name);
    }
    return out.sort();
  }

  /** Re-reads an experiment's meta.yaml and tags if they changed; returns its run folders (undefined if it's gone). */
  private async syncExperiment(folder: string, pass: Pass): Promise<string[] | undefined> {
    const dir = path.join(this.ref.path, folder);
    const metaPath = path.join(dir, META);
    const problems = pass.delta.problems;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) {
        this.removeExperiment(folder, pass);
        return undefined;
      }
      problems.push(ioProblem(dir, err, 'this experiment folder'));
      return [];
    }
    const prev = this.experiments.get(folder);
    let st: Stats | undefined;
    try {
      st = await stat(metaPath);
    } catch (err) {
      if (isNotFound(err)) {
        problems.push({ severity: 'warning', file: dir, message: `This folder in the MLflow store has no meta.yaml, so it is not an experiment. Remove it, or restore its meta.yaml.` });
      } else {
        problems.push(ioProblem(metaPath, err, 'this experiment meta.yaml'));
      }
      if (prev?.experiment) pass.delta.removedExperimentIds.push(prev.experiment.experimentId);
      this.experiments.delete(folder);
    }
    if (st) {
      const tagFiles = await listKeyedFiles(path.join(dir, 'tags'), true, problems);
      const tagsSig = listingSignature(tagFiles);
      if (!prev || prev.metaSize !== st.size || prev.metaMtimeMs !== st.mtimeMs || prev.tagsSig !== tagsSig) {
        const next = await this.readExperiment(folder, metaPath, tagFiles, problems);
        const state: ExperimentState = { folder, metaSize: st.size, metaMtimeMs: st.mtimeMs, tagsSig, experiment: next };
        this.experiments.set(folder, state);
        if (next) pass.delta.experiments.push(next);
        else if (prev?.experiment) pass.delta.removedExperimentIds.push(prev.experiment.experimentId);
      }
    }
    const runFolders: string[] = [];
    for (const e of entries) {
      if (SKIP_IN_EXPERIMENT.has(e.name) || e.name.startsWith('.')) continue;
      if (await isDirEntry(dir, e)) runFolders.push(e.name);
    }
    return runFolders;
  }

  private async readExperiment(folder: string, metaPath: string, tagFiles: KeyedFile[], problems: StoreProblem[]): Promise<Experiment | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(metaPath);
    } catch (err) {
      problems.push(ioProblem(metaPath, err, 'this experiment meta.yaml'));
      return undefined;
    }
    const { meta, problems: metaProblems } = parseExperimentMeta(bytes, metaPath);
    problems.push(...metaProblems);
    if (!meta) return undefined;
    if (meta.experimentId !== folder) {
      // MLflow ignores such an experiment too (file_store.py `_get_experiment`).
      problems.push({ severity: 'warning', file: metaPath, message: `experiment_id is "${meta.experimentId}" but the folder is "${folder}"; MLflow ignores this experiment. Make them match.` });
      return undefined;
    }
    const tags = await readKeyedValues(tagFiles, 'tag', problems);
    return { ...meta, tags, store: this.ref, metaPath };
  }

  private removeExperiment(folder: string, pass: Pass): void {
    const prev = this.experiments.get(folder);
    if (prev?.experiment) pass.delta.removedExperimentIds.push(prev.experiment.experimentId);
    this.experiments.delete(folder);
    for (const key of [...this.runs.keys()]) if (key.startsWith(`${folder}/`)) this.removeRun(key, pass);
  }

  private removeRun(key: string, pass: Pass): void {
    const prev = this.runs.get(key);
    if (prev?.run) {
      pass.delta.removedRunIds.push(prev.run.runId);
      this.runKeyById.delete(prev.run.runId);
    }
    this.runs.delete(key);
  }

  /** Re-reads what changed in one run folder: meta.yaml, params, tags, and the tails of changed metric files. */
  private async syncRun(key: string, pass: Pass): Promise<void> {
    const [folder, runFolder] = key.split('/');
    const dir = path.join(this.ref.path, folder, runFolder);
    const metaPath = path.join(dir, META);
    const problems = pass.delta.problems;
    const prev = this.runs.get(key);
    let metaStat: Stats;
    try {
      metaStat = await stat(metaPath);
    } catch (err) {
      if (isNotFound(err)) {
        if (await exists(dir)) {
          problems.push({ severity: 'warning', file: dir, message: `This run folder has no meta.yaml, so it can't be listed. Delete the folder if it is left over from a crashed run.` });
          this.removeRun(key, pass);
          this.runs.set(key, { key, metaSize: -1, metaMtimeMs: -1, paramsSig: '', tagsSig: '', metrics: new Map() });
        } else {
          this.removeRun(key, pass);
        }
      } else {
        problems.push(ioProblem(metaPath, err, 'this run meta.yaml'));
      }
      return;
    }
    // readAll keeps no state, so it needs no stats to compare: one stat less per file.
    const withStats = pass.keepPoints;
    const [paramFiles, tagFiles, metricFiles] = await Promise.all([
      listKeyedFiles(path.join(dir, 'params'), withStats, problems),
      listKeyedFiles(path.join(dir, 'tags'), withStats, problems),
      listKeyedFiles(path.join(dir, 'metrics'), withStats, problems),
    ]);
    const paramsSig = listingSignature(paramFiles);
    const tagsSig = listingSignature(tagFiles);
    const metaChanged = !prev || prev.metaSize !== metaStat.size || prev.metaMtimeMs !== metaStat.mtimeMs;
    if (prev && !prev.run && !metaChanged && prev.paramsSig === paramsSig && prev.tagsSig === tagsSig) return; // still broken

    let base = prev?.run;
    let metaRunName = prev?.metaRunName ?? base?.runName ?? '';
    if (metaChanged || !base) {
      const read = await this.readRunMeta(folder, metaPath, problems);
      if (!read) {
        this.removeRun(key, pass);
        this.runs.set(key, { key, metaSize: metaStat.size, metaMtimeMs: metaStat.mtimeMs, paramsSig, tagsSig, metrics: new Map() });
        return;
      }
      metaRunName = read.runName;
      base = { ...read, params: base?.params ?? {}, tags: base?.tags ?? {}, metrics: base?.metrics ?? {} };
    }
    const fresh = !prev?.run;
    const params = fresh || prev.paramsSig !== paramsSig ? await readKeyedValues(paramFiles, 'param', problems) : base.params;
    const tags = fresh || prev.tagsSig !== tagsSig ? await readKeyedValues(tagFiles, 'tag', problems) : base.tags;
    const metricStates = fresh ? new Map<string, MetricFileState>() : new Map(prev.metrics);
    const metricsChanged = await this.syncMetricFiles(base.runId, metricStates, metricFiles, true, pass);

    const changed = metaChanged || fresh || params !== base.params || tags !== base.tags || metricsChanged;
    if (!changed) return;
    const run = finishRun(base, metaRunName, params, tags, metricStates);
    if (prev?.run && prev.run.runId !== run.runId) this.runKeyById.delete(prev.run.runId);
    this.runs.set(key, { key, metaSize: metaStat.size, metaMtimeMs: metaStat.mtimeMs, paramsSig, tagsSig, metrics: metricStates, run, metaRunName });
    this.runKeyById.set(run.runId, key);
    pass.delta.runs.push(run);
  }

  /** A watcher saw these metric files change: tail just them. */
  private async syncMetrics(key: string, metricKeys: string[], pass: Pass): Promise<void> {
    const state = this.runs.get(key);
    if (!state?.run) return this.syncRun(key, pass);
    const metricsDir = path.join(this.ref.path, ...key.split('/'), 'metrics');
    const files: KeyedFile[] = [];
    const gone: string[] = [];
    for (const mk of metricKeys) {
      const file = path.join(metricsDir, ...mk.split('/'));
      try {
        const st = await stat(file);
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
    this.runs.set(key, { ...state, metrics: metricStates, run });
    pass.delta.runs.push(run);
  }

  /**
   * Tails the given metric files whose size or mtime changed, updating `states`. With `complete`, `files` is the
   * whole listing and keys missing from it are dropped. Returns whether anything changed.
   */
  private async syncMetricFiles(runId: string, states: Map<string, MetricFileState>, files: KeyedFile[], complete: boolean, pass: Pass): Promise<boolean> {
    let changed = false;
    if (complete) {
      const present = new Set(files.map((f) => f.key));
      for (const k of [...states.keys()]) if (!present.has(k)) changed = states.delete(k) || changed;
    }
    for (const f of files) {
      const prev = states.get(f.key);
      if (prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) continue;
      let result;
      try {
        result = await tailMetricFile(f.path, prev?.cursor, { signal: pass.signal, keepPoints: pass.keepPoints, knownSize: f.size, knownMtimeMs: f.mtimeMs });
      } catch (err) {
        if (isNotFound(err)) {
          changed = states.delete(f.key) || changed;
        } else {
          pass.delta.problems.push(ioProblem(f.path, err, 'this metric file'));
        }
        continue;
      }
      pass.delta.problems.push(...result.problems);
      states.set(f.key, { size: result.size, mtimeMs: result.mtimeMs, cursor: result.cursor });
      changed = true;
      if (pass.keepPoints && (result.replaced || result.series.steps.length > 0)) {
        const append: MetricAppend = { runId, key: f.key, series: result.series, replaced: result.replaced };
        pass.delta.appends.push(append);
      }
    }
    return changed;
  }

  private async readRunMeta(folder: string, metaPath: string, problems: StoreProblem[]): Promise<Run | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(metaPath);
    } catch (err) {
      if (!isNotFound(err)) problems.push(ioProblem(metaPath, err, 'this run meta.yaml'));
      return undefined;
    }
    const { meta, problems: metaProblems } = parseRunMeta(bytes, metaPath);
    problems.push(...metaProblems);
    if (!meta) return undefined;
    if (meta.experimentId !== folder) {
      // MLflow skips such a run with a warning (file_store.py `_list_run_infos`).
      problems.push({ severity: 'warning', file: metaPath, message: `experiment_id is "${meta.experimentId}" but the run is in experiment folder "${folder}"; MLflow ignores this run. Make them match.` });
      return undefined;
    }
    const runFolder = path.basename(path.dirname(metaPath));
    if (runFolder !== meta.runId && (await exists(path.join(this.ref.path, folder, meta.runId, META)))) {
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

function emptyDelta(store: StoreRef): StoreDelta {
  return { store, experiments: [], removedExperimentIds: [], runs: [], removedRunIds: [], appends: [], problems: [] };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A folder, or a symbolic link to one (a broken link is not). */
async function isDirEntry(parent: string, e: Dirent): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return (await stat(path.join(parent, e.name))).isDirectory();
  } catch {
    return false;
  }
}
