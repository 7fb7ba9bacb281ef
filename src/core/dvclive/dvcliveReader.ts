import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ioProblem, isNotFound } from '../mlflow/fileStore/fsProblems';
import { LIVE_WINDOW_MS, logFolderRunId, statusFromActivity, type LogFolderReaderOptions } from '../runs/logFolderRuns';
import { StoreError, type Experiment, type LatestMetric, type MetricPoint, type Run, type RunStoreReader, type StoreProblem, type StoreRef, type StoreSnapshot } from '../runs/types';
import { RewrittenFile } from '../runs/rewrittenFile';
import { parseYamlParams } from '../runs/yamlParams';
import { DvcliveMetricFile } from './dvcliveMetricFile';
import { findDvcRoot, liveDvcliveSignals, signalsClaimRun } from './dvcliveSignals';
import { parseDvcliveSummary, type DvcliveSummary } from './dvcliveSummary';

// A dvclive output folder (dvclive/live.py) as one run: `params.yaml` (log_param[s]) -> params, `metrics.json`
// (make_summary) -> latest values, `plots/metrics/**/*.tsv` (log_metric) -> histories, keyed by the path under
// plots/metrics without `.tsv` (`train/loss`), which is also how metrics.json nests them. Everything else dvclive
// or `dvc exp run` leaves there (report.html/md, dvc.yaml, plots/images|sklearn|custom, artifacts/) is not read.
//
// Live: dvclive appends to the .tsv files and rewrites metrics.json and params.yaml at each step. A read stats
// those files and re-reads only what changed (the .tsv files from where the last read stopped).
//
// Latest metrics: from the .tsv history when there is one (it is written before metrics.json, so it is never
// behind), else metrics.json's value at its `step`. Points without a `timestamp` column get the file's mtime.
//
// Status: RUNNING while a live dvclive process's own mark claims this folder (see dvcliveSignals) or its files
// changed in the last 60 s; FINISHED otherwise. dvclive writes nothing that tells a finished run from a killed one.

const PARAMS = 'params.yaml';
const SUMMARY = 'metrics.json';
const METRICS_DIR = path.join('plots', 'metrics');
const EXPERIMENT_ID = '0';
/** Folders below plots/metrics to follow: dvclive names nest a few levels (system/gpu/usage (%)). */
const MAX_METRIC_DEPTH = 8;

export class DvcliveReader implements RunStoreReader {
  private readonly params: RewrittenFile<Record<string, string>>;
  private readonly summary: RewrittenFile<DvcliveSummary>;
  private metricFiles = new Map<string, DvcliveMetricFile>();
  private metricBirth = new Map<string, number>();
  private listProblems: StoreProblem[] = [];
  private dvcRoot?: Promise<string | null>;
  readonly runId: string;

  constructor(
    readonly ref: StoreRef,
    private readonly opts: LogFolderReaderOptions = {},
  ) {
    const now = opts.now ?? Date.now;
    this.params = new RewrittenFile(path.join(ref.path, PARAMS), parseYamlParams, now);
    this.summary = new RewrittenFile(path.join(ref.path, SUMMARY), parseDvcliveSummary, now);
    this.runId = logFolderRunId('dvclive', ref.path);
  }

  async readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    signal?.throwIfAborted();
    const dirStat = this.statStore();
    await this.params.refresh();
    await this.summary.refresh();
    await this.refreshMetricFiles(signal);
    const run = await this.buildRun(dirStat);
    const experiment: Experiment = {
      experimentId: EXPERIMENT_ID,
      name: path.basename(this.ref.path),
      lifecycleStage: 'active',
      artifactLocation: null,
      creationTime: null,
      lastUpdateTime: null,
      tags: {},
      store: this.ref,
    };
    const problems = [...this.params.problems.list(), ...this.summary.problems.list(), ...this.listProblems];
    for (const f of this.metricFiles.values()) problems.push(...f.problems.list());
    return { store: this.ref, experiments: [experiment], runs: [run], problems };
  }

  async metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    if (runId !== this.runId) throw new StoreError(`Run ${runId} is not in this dvclive folder. Refresh the runs view.`, this.ref.path);
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) return [];
    const file = path.join(this.ref.path, METRICS_DIR, ...segments) + '.tsv';
    let st: Stats;
    try {
      st = await stat(file);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // Logged with plot=False, or not at all: metrics.json's value is its whole history.
      const latest = this.summaryMetric(key);
      return latest ? [latest] : [];
    }
    let mf = this.metricFiles.get(key);
    if (!mf) this.metricFiles.set(key, (mf = new DvcliveMetricFile(file)));
    await mf.refresh(st, signal);
    return mf.series.points(mf.mtimeMs);
  }

  async close(): Promise<void> {
    this.metricFiles.clear();
  }

  private statStore(): Stats {
    let st: Stats;
    try {
      st = statSync(this.ref.path);
    } catch (err) {
      throw new StoreError(`The dvclive folder ${this.ref.path} can't be read (${(err as { code?: string }).code ?? String(err)}).`, this.ref.path);
    }
    if (!st.isDirectory()) throw new StoreError(`${this.ref.path} is not a folder; dvclive writes its logs to a folder.`, this.ref.path);
    return st;
  }

  private async refreshMetricFiles(signal?: AbortSignal): Promise<void> {
    const root = path.join(this.ref.path, METRICS_DIR);
    const found = new Map<string, string>();
    this.listProblems = [];
    this.listTsv(root, '', 0, found);
    for (const key of [...this.metricFiles.keys()]) {
      if (!found.has(key)) {
        this.metricFiles.delete(key);
        this.metricBirth.delete(key);
      }
    }
    for (const [key, file] of found) {
      signal?.throwIfAborted();
      let mf = this.metricFiles.get(key);
      if (!mf) this.metricFiles.set(key, (mf = new DvcliveMetricFile(file)));
      try {
        const st = statSync(file);
        if (await mf.refresh(st, signal)) this.metricBirth.set(key, st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs);
      } catch (err) {
        if (isNotFound(err)) {
          this.metricFiles.delete(key);
          continue;
        }
        this.listProblems.push(ioProblem(file, err, 'this metric file'));
      }
    }
  }

  private listTsv(dir: string, prefix: string, depth: number, out: Map<string, string>): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (!isNotFound(err)) this.listProblems.push(ioProblem(dir, err, 'this folder'));
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_METRIC_DEPTH) this.listTsv(full, `${prefix}${e.name}/`, depth + 1, out);
      } else if (e.isFile() && e.name.endsWith('.tsv')) {
        out.set(prefix + e.name.slice(0, -'.tsv'.length), full);
      }
    }
  }

  private summaryMetric(key: string): LatestMetric | undefined {
    const s = this.summary.value;
    const value = s?.values.get(key);
    if (value === undefined) return undefined;
    return { value, step: s?.step ?? 0, timestamp: Math.floor(this.summary.stamp?.mtimeMs ?? 0) };
  }

  private async buildRun(dirStat: Stats): Promise<Run> {
    const metrics: Record<string, LatestMetric> = {};
    let lastChange = dirStat.mtimeMs;
    let start = Infinity;
    let lastTimestamp = -Infinity;
    for (const [key, mf] of this.metricFiles) {
      const latest = mf.series.latest(mf.mtimeMs);
      if (latest) metrics[key] = latest;
      lastChange = Math.max(lastChange, mf.mtimeMs);
      start = Math.min(start, this.metricBirth.get(key) ?? Infinity, mf.firstTimestamp ?? Infinity);
      if (latest && mf.firstTimestamp !== undefined) lastTimestamp = Math.max(lastTimestamp, latest.timestamp);
    }
    for (const key of this.summary.value?.values.keys() ?? []) {
      if (!(key in metrics)) metrics[key] = this.summaryMetric(key)!;
    }
    // Keys in one order whatever order the files appeared in, so a live reader's runs equal a fresh reader's.
    const sortedMetrics = Object.fromEntries(Object.keys(metrics).sort().map((k) => [k, metrics[k]]));
    for (const s of [this.params, this.summary]) {
      if (!s.stamp) continue;
      lastChange = Math.max(lastChange, s.stamp.mtimeMs);
      start = Math.min(start, s.birthMs ?? Infinity);
    }
    const now = this.opts.now?.() ?? Date.now();
    let status = statusFromActivity(lastChange, now, this.opts.liveWindowMs ?? LIVE_WINDOW_MS);
    if (status !== 'RUNNING') {
      this.dvcRoot ??= findDvcRoot(this.ref.path);
      const root = await this.dvcRoot;
      if (root) {
        const signals = liveDvcliveSignals(root);
        const claimed = signalsClaimRun(signals, { lastChangeMs: lastChange, summaryStep: this.summary.value?.step, summaryMtimeMs: this.summary.stamp?.mtimeMs });
        if (claimed) status = 'RUNNING';
      }
    }
    const source = this.summary.stamp ? path.join(this.ref.path, SUMMARY) : this.ref.path;
    return {
      runId: this.runId,
      runName: path.basename(this.ref.path),
      experimentId: EXPERIMENT_ID,
      status,
      startTime: Number.isFinite(start) ? Math.floor(start) : Math.floor(dirStat.birthtimeMs > 0 ? dirStat.birthtimeMs : dirStat.mtimeMs),
      endTime: status === 'RUNNING' ? null : Math.floor(Math.max(lastChange, lastTimestamp)),
      lifecycleStage: 'active',
      artifactUri: pathToFileURL(this.ref.path).href,
      userId: null,
      params: { ...(this.params.value ?? {}) },
      tags: { 'mlops.source.file': source },
      metrics: sortedMetrics,
      parentRunId: null,
      store: this.ref,
    };
  }
}
