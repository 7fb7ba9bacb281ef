import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ioProblem, isNotFound } from '../mlflow/fileStore/fsProblems';
import { TimeSlicer } from '../mlflow/fileStore/syncFs';
import { LIVE_WINDOW_MS, logFolderRunId, statusFromActivity, type LogFolderReaderOptions } from '../runs/logFolderRuns';
import { RewrittenFile } from '../runs/rewrittenFile';
import { StoreError, type Experiment, type LatestMetric, type MetricPoint, type Run, type RunStoreReader, type StoreProblem, type StoreRef, type StoreSnapshot } from '../runs/types';
import { parseYamlParams } from '../runs/yamlParams';
import { HPARAMS_YAML, METRICS_CSV } from './lightningStore';
import { MetricsCsv } from './metricsCsv';

// A PyTorch Lightning CSVLogger folder of versions (`lightning_logs/`): each version folder holding a metrics.csv,
// or an hparams.yaml without TensorBoard event files, is a run named after the folder (`version_3`). hparams.yaml
// -> params (flattened, see yamlParams), metrics.csv -> histories and latest values (see MetricsCsv).
//
// A read lists the versions and stats their files; only a file whose stat changed is read again (metrics.csv from
// where the last read stopped, or whole after Lightning rewrote it under a wider header).
//
// Status: Lightning writes no end marker (CSVLogger.finalize only flushes), so RUNNING while the run's files
// changed in the last 60 s, FINISHED after (statusFromActivity). Its checkpoints/ folder counts: metrics.csv is
// flushed only every 100 steps. Start: the earliest birth time of the run's files; end: the last change.

const EXPERIMENT_ID = '0';
const CHECKPOINTS = 'checkpoints';
const EVENTS_PREFIX = 'events.out.tfevents.';

interface VersionState {
  dir: string;
  runId: string;
  hparams: RewrittenFile<Record<string, string>>;
  csv: MetricsCsv;
  hasCsv: boolean;
  csvBirthMs?: number;
  checkpointsMtimeMs?: number;
  dirStat?: Stats;
}

export class LightningCsvReader implements RunStoreReader {
  private versions = new Map<string, VersionState>();
  private listProblems: StoreProblem[] = [];

  constructor(
    readonly ref: StoreRef,
    private readonly opts: LogFolderReaderOptions = {},
  ) {}

  async readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = readdirSync(this.ref.path, { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err);
      throw new StoreError(`The Lightning log folder ${this.ref.path} can't be read (${code}).`, this.ref.path);
    }
    this.listProblems = [];
    const names = entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
    const present = new Set<string>();
    // Folders and stats synchronously (microseconds each when cached, where a promise round trip costs far more),
    // yielding to the event loop every few milliseconds; only changed files are read, asynchronously.
    const slicer = new TimeSlicer(signal);
    for (const name of names) {
      if (await this.refreshVersion(name, signal)) present.add(name);
      await slicer.tick();
    }
    for (const name of [...this.versions.keys()]) if (!present.has(name)) this.versions.delete(name);

    const now = this.opts.now?.() ?? Date.now();
    const runs: Run[] = [];
    const problems: StoreProblem[] = [...this.listProblems];
    for (const name of [...present].sort(compareVersions)) {
      const v = this.versions.get(name)!;
      runs.push(this.buildRun(name, v, now));
      problems.push(...v.hparams.problems.list(), ...v.csv.problems.list());
    }
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
    return { store: this.ref, experiments: [experiment], runs, problems };
  }

  async metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    let found: VersionState | undefined;
    for (const v of this.versions.values()) if (v.runId === runId) found = v;
    if (!found) throw new StoreError(`Run ${runId} is not in this Lightning log folder. Refresh the runs view.`, this.ref.path);
    try {
      await found.csv.refresh(await stat(found.csv.file), signal, this.opts.now?.() ?? Date.now());
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return found.csv.series.get(key)?.points(found.csv.mtimeMs) ?? [];
  }

  async close(): Promise<void> {
    this.versions.clear();
  }

  /** Reads one version folder's changes. False if it is not (or no longer) a CSVLogger run. */
  private async refreshVersion(name: string, signal?: AbortSignal): Promise<boolean> {
    const dir = path.join(this.ref.path, name);
    let files: string[];
    let dirStat: Stats;
    try {
      dirStat = statSync(dir);
      files = readdirSync(dir);
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: string }).code !== 'ENOTDIR') this.listProblems.push(ioProblem(dir, err, 'this version folder'));
      return false;
    }
    const hasCsv = files.includes(METRICS_CSV);
    const hasHparams = files.includes(HPARAMS_YAML);
    if (!hasCsv && !(hasHparams && !files.some((f) => f.startsWith(EVENTS_PREFIX)))) return false;
    let v = this.versions.get(name);
    if (!v) {
      v = {
        dir,
        runId: logFolderRunId('lightning-csv', dir),
        hparams: new RewrittenFile(path.join(dir, HPARAMS_YAML), parseYamlParams, this.opts.now ?? Date.now),
        csv: new MetricsCsv(path.join(dir, METRICS_CSV)),
        hasCsv: false,
      };
      this.versions.set(name, v);
    }
    v.dirStat = dirStat;
    await v.hparams.refresh();
    v.hasCsv = hasCsv;
    if (hasCsv) {
      try {
        const st = statSync(v.csv.file);
        v.csvBirthMs = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
        await v.csv.refresh(st, signal, this.opts.now?.() ?? Date.now());
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw err;
        if (!isNotFound(err)) this.listProblems.push(ioProblem(v.csv.file, err, 'metrics.csv'));
      }
    } else {
      v.csv.forget();
    }
    v.checkpointsMtimeMs = files.includes(CHECKPOINTS) ? statSync(path.join(dir, CHECKPOINTS), { throwIfNoEntry: false })?.mtimeMs : undefined;
    return true;
  }

  private buildRun(name: string, v: VersionState, now: number): Run {
    const metrics: Record<string, LatestMetric> = {};
    if (v.hasCsv) {
      // Sorted, as Lightning sorts its columns: the same order before and after a rewrite under a wider header.
      for (const key of [...v.csv.series.keys()].sort()) {
        const latest = v.csv.series.get(key)!.latest(v.csv.mtimeMs);
        if (latest) metrics[key] = latest;
      }
    }
    const changes = [v.hasCsv ? v.csv.mtimeMs : undefined, v.hparams.stamp?.mtimeMs, v.checkpointsMtimeMs].filter((t): t is number => t !== undefined);
    const lastChange = changes.length > 0 ? Math.max(...changes) : (v.dirStat?.mtimeMs ?? 0);
    const births = [v.hasCsv ? v.csvBirthMs : undefined, v.hparams.birthMs].filter((t): t is number => t !== undefined);
    const dirBirth = v.dirStat ? (v.dirStat.birthtimeMs > 0 ? v.dirStat.birthtimeMs : v.dirStat.mtimeMs) : lastChange;
    const start = births.length > 0 ? Math.min(...births) : dirBirth;
    const status = statusFromActivity(lastChange, now, this.opts.liveWindowMs ?? LIVE_WINDOW_MS);
    return {
      runId: v.runId,
      runName: name,
      experimentId: EXPERIMENT_ID,
      status,
      startTime: Math.floor(start),
      endTime: status === 'RUNNING' ? null : Math.floor(lastChange),
      lifecycleStage: 'active',
      artifactUri: pathToFileURL(v.dir).href,
      userId: null,
      params: { ...(v.hparams.value ?? {}) },
      tags: { 'mlops.source.file': v.hasCsv ? v.csv.file : v.hparams.file },
      metrics,
      parentRunId: null,
      store: this.ref,
    };
  }
}

/** version_2 before version_10; other names after, alphabetically. */
function compareVersions(a: string, b: string): number {
  const na = /^version_(\d+)$/.exec(a);
  const nb = /^version_(\d+)$/.exec(b);
  if (na && nb) return Number(na[1]) - Number(nb[1]);
  if (na) return -1;
  if (nb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
