import fs from 'node:fs';
import path from 'node:path';
import { RunIndex } from '../index/runIndex';
import { MlflowFileStoreReader } from '../mlflow/fileStore/fileStoreReader';
import { MetricReadPool } from '../mlflow/fileStore/metricReadPool';
import { MlflowSqliteReader, type SqliteReadCursor } from '../mlflow/sqlite/sqliteReader';
import { Emitter } from '../util/emitter';
import { openStore } from './openStore';
import { nextRemotePoll, wantsFullListing, type RemotePollState } from './remotePolling';
import { Limiter } from '../util/limiter';
import { SerialQueue } from '../util/serialQueue';
import { snapshotToDelta } from './snapshotToDelta';
import { splitDelta } from './splitDelta';
import type { Experiment, MetricPoint, MetricSeries, Run, RunStoreReader, StoreDelta, StoreProblem, StoreRef } from './types';

export interface CatalogLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CatalogOptions {
  /** Persisted index; absent: in memory only. */
  indexFile?: string;
  sqliteWorkerPath?: string;
  /** Path of the built metric-file worker script: whole histories of MLflow file stores are parsed off the main thread. */
  metricReadWorkerPath?: string;
  log: CatalogLog;
  /** How often mlflow.db files are checked for new commits (a cheap read of the change counter). */
  sqlitePollMs?: number;
  /** Opens readers the core cannot open alone (a tracking server needs the user's credentials). */
  openReader?: (ref: StoreRef) => RunStoreReader | undefined;
}

/**
 * MLflow's file store and mlflow.db have readers of their own that report changes; every other source (dvclive,
 * Lightning, TensorBoard, a tracking server) is read whole and compared with what the catalog holds: their readers keep
 * per-file state, so a re-read parses only what grew.
 */
type Reader = MlflowFileStoreReader | MlflowSqliteReader | RunStoreReader;

/** While a run of a log folder is RUNNING, its folder is re-read this often: "running" ends by time, not by an event. */
const RUNNING_LOG_REREAD_MS = 10_000;

interface StoreEntry {
  ref: StoreRef;
  reader: Reader;
  queue: SerialQueue;
  problems: StoreProblem[];
  /** In memory for the views: the index is for persistence and history, not for every repaint. */
  runs: Map<string, Run>;
  experiments: Map<string, Experiment>;
  /** Set when the store could not be read at all. */
  failure?: StoreProblem;
  changeToken?: string;
  /** mlflow.db: where the last read left off, so the next reads only the runs changed since (undefined: read all). */
  sqliteCursor?: SqliteReadCursor;
  /** mlflow.db: earliest time (performance.now()) of the next re-read, from how long the last one took. */
  nextReadAt: number;
  /** The reader's state moved on since it was last put in the index. */
  stateDirty?: boolean;
  /** A delta was cut short: from now on the saved state stays the older, safe one. */
  stateFrozen?: boolean;
  /** Whole-read stores: a re-read is queued and has not started yet (more changes need no second one). */
  rereadQueued?: boolean;
  /** Whole-read stores: when (performance.now()) the last read finished. */
  lastReadAt?: number;
  /** Tracking servers: when to ask again, and how many asks in a row failed. */
  remote?: RemotePollState;
}

/**
 * Every run the workspace's stores hold, kept current: shown from the persisted index at once, reconciled with
 * the stores, then updated from file changes (file stores) and change-counter polling (mlflow.db).
 * One queue per store so a sync and a live update never interleave.
 */
export class RunCatalog {
  private readonly changed = new Emitter<{ storeUris: string[] }>();
  readonly onDidChange = this.changed.event;
  private readonly stores = new Map<string, StoreEntry>();
  private indexPromise?: Promise<RunIndex>;
  private saveTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private disposed = false;
  private readonly abort = new AbortController();

  constructor(private readonly opts: CatalogOptions) {
    this.metricReadPool = opts.metricReadWorkerPath ? new MetricReadPool({ workerPath: opts.metricReadWorkerPath }) : undefined;
  }

  /** Parses whole metric files off the main thread (Compare reads 20 files of 3 MB at once). */
  private readonly metricReadPool: MetricReadPool | undefined;

  /** Opens the index lazily: sql.js must never load on the activation path. */
  private index(): Promise<RunIndex> {
    this.indexPromise ??= (async () => {
      const t0 = performance.now();
      const { index, note } = await RunIndex.open({ file: this.opts.indexFile });
      if (note) this.opts.log.warn(`Run index: ${note}`);
      this.opts.log.info(`Run index opened in ${ms(t0)}`);
      return index;
    })();
    return this.indexPromise;
  }

  /** Makes the catalog follow exactly these stores: new ones are read, gone ones dropped. */
  async setStores(refs: readonly StoreRef[]): Promise<void> {
    const index = await this.index();
    const wanted = new Map(refs.map((r) => [r.uri, r]));
    for (const [uri, entry] of this.stores) {
      if (wanted.has(uri)) continue;
      this.stores.delete(uri);
      void entry.reader.close();
      index.removeStore(uri);
    }
    for (const uri of index.stores()) if (!wanted.has(uri)) index.removeStore(uri);
    const added: StoreEntry[] = [];
    for (const ref of refs) {
      if (this.stores.has(ref.uri)) continue;
      const indexed = index.runs({ storeUri: ref.uri, includeDeleted: true });
      const entry: StoreEntry = {
        ref, reader: this.openReader(ref, index, indexed), queue: new SerialQueue(), problems: [],
        runs: new Map(indexed.map((r) => [r.runId, r])),
        experiments: new Map(index.experiments(ref.uri).map((e) => [e.experimentId, e])),
        nextReadAt: 0,
        remote: ref.kind === 'mlflow-rest' ? { nextAt: 0, failures: 0, retryInMs: 0 } : undefined,
      };
      this.stores.set(ref.uri, entry);
      added.push(entry);
    }
    this.fire([...wanted.keys()]);
    await Promise.all(added.map((e) => this.sync(e)));
    this.ensurePolling();
  }

  /** Re-reads every store (what "Refresh" does); only changed files are read again. */
  async refresh(): Promise<void> {
    // "Refresh" reads mlflow.db whole: a change read cannot see tags updated in place.
    for (const e of this.stores.values()) {
      e.sqliteCursor = undefined;
      if (e.remote) e.remote = { ...e.remote, lastFullAt: undefined };
    }
    await Promise.all([...this.stores.values()].map((e) => this.sync(e)));
  }

  /** Reads a store again now (new credentials for a tracking server that refused the old ones). */
  async retry(storeUri: string): Promise<void> {
    const entry = this.stores.get(storeUri);
    if (!entry) return;
    if (entry.remote) entry.remote = { ...entry.remote, nextAt: 0, lastFullAt: undefined };
    await this.sync(entry);
  }

  /** Paths a file watcher saw change. Each store re-reads only those paths. */
  async filesChanged(paths: readonly string[]): Promise<void> {
    const work: Promise<void>[] = [];
    for (const entry of this.stores.values()) {
      const mine = paths.filter((p) => isInside(p, entry.ref));
      if (mine.length === 0) continue;
      if (entry.reader instanceof MlflowFileStoreReader) work.push(this.applyFileChanges(entry, mine));
      else if (entry.reader instanceof MlflowSqliteReader) work.push(this.pollSqlite(entry));
      else work.push(this.reread(entry));
    }
    await Promise.all(work);
  }

  storeRefs(): StoreRef[] {
    return [...this.stores.values()].map((e) => e.ref);
  }

  experiments(storeUri: string): Experiment[] {
    return [...(this.stores.get(storeUri)?.experiments.values() ?? [])];
  }

  /** Runs of one store (and experiment), deleted ones included: views decide what to show. */
  runs(storeUri: string, experimentId?: string): Run[] {
    const all = [...(this.stores.get(storeUri)?.runs.values() ?? [])];
    return experimentId === undefined ? all : all.filter((r) => r.experimentId === experimentId);
  }

  allRuns(): Run[] {
    return [...this.stores.values()].flatMap((e) => [...e.runs.values()]);
  }

  findRun(runId: string): Run | undefined {
    for (const e of this.stores.values()) {
      const run = e.runs.get(runId);
      if (run) return run;
    }
    return undefined;
  }

  /** Problems of every store: unusable stores first, then per-file warnings. */
  problems(): StoreProblem[] {
    const out: StoreProblem[] = [];
    for (const e of this.stores.values()) if (e.failure) out.push(e.failure);
    for (const e of this.stores.values()) out.push(...e.problems);
    return out;
  }

  /**
   * One metric's full history. mlflow.db answers from its own tables. File stores: from the index when it holds the
   * series, else from the metric file; a finished run's history is then kept in the index (one series), so a reopen
   * draws it without touching the store. Running runs are read from the file: their tail is still moving.
   */
  async metricHistory(storeUri: string, runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const entry = this.stores.get(storeUri);
    if (!entry) return [];
    if (entry.reader instanceof MlflowSqliteReader) return entry.reader.metricHistory(runId, key, signal);
    return seriesToPoints(await this.metricSeries(storeUri, runId, key, signal));
  }

  /**
   * metricHistory as columns, without an object per point: the Compare panel reads 20 runs x 100,000 points at once.
   * MLflow file stores are read outside the store's queue (a metric file read changes no state), a few files at a
   * time, and the series is put in the index a moment later, so the first chart does not wait for that write.
   */
  async metricSeries(storeUri: string, runId: string, key: string, signal?: AbortSignal): Promise<MetricSeries> {
    const entry = this.stores.get(storeUri);
    if (!entry) return emptySeries();
    if (entry.reader instanceof MlflowSqliteReader) return pointsToSeries(await entry.reader.metricHistory(runId, key, signal));
    const index = await this.index();
    const run = entry.runs.get(runId);
    const pending = this.unindexed.get(entry)?.get(seriesKey(runId, key));
    if (pending && pending.run === run) return pending.series;
    const stored = index.metricHistory(storeUri, runId, key);
    if (stored) return stored;
    const reader = entry.reader;
    let series = emptySeries();
    if (reader instanceof MlflowFileStoreReader) {
      series = await this.metricReads.run(() => reader.metricSeries(runId, key, signal));
    } else {
      await entry.queue.run(async () => {
        series = pointsToSeries(await reader.metricHistory(runId, key, signal));
      });
    }
    if (run && run.status !== 'RUNNING' && series.steps.length > 0) this.indexSeriesSoon(entry, run, key, series);
    return series;
  }

  /** Histories read but not yet in the index, by store, then run and key. */
  private readonly unindexed = new Map<StoreEntry, Map<string, { run: Run; key: string; series: MetricSeries }>>();
  private unindexedTimer?: NodeJS.Timeout;
  private readonly metricReads = new Limiter(4);

  private indexSeriesSoon(entry: StoreEntry, run: Run, key: string, series: MetricSeries): void {
    let byKey = this.unindexed.get(entry);
    if (!byKey) this.unindexed.set(entry, (byKey = new Map()));
    byKey.set(seriesKey(run.runId, key), { run, key, series });
    clearTimeout(this.unindexedTimer);
    // After the panel has drawn: one transaction for every history read meanwhile.
    this.unindexedTimer = setTimeout(() => void this.indexSeries().catch((e: unknown) => this.opts.log.warn(`Run index: histories not kept: ${errorMessage(e)}`)), 1000);
    this.unindexedTimer.unref?.();
  }

  private async indexSeries(): Promise<void> {
    const index = await this.index();
    for (const [entry, byKey] of [...this.unindexed]) {
      this.unindexed.delete(entry);
      if (this.disposed || this.stores.get(entry.ref.uri) !== entry) continue;
      await entry.queue.run(async () => {
        // Only runs unchanged since their file was read: a changed run's history may have moved on.
        const appends = [...byKey.values()].filter((p) => entry.runs.get(p.run.runId) === p.run)
          .map((p) => ({ runId: p.run.runId, key: p.key, series: p.series, replaced: true }));
        if (appends.length === 0) return;
        index.applyDelta({ ...emptyDeltaFor(entry.ref), appends });
        this.saveSoon();
      });
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.abort.abort();
    clearInterval(this.pollTimer);
    clearTimeout(this.saveTimer);
    clearTimeout(this.unindexedTimer);
    this.unindexed.clear();
    await Promise.all([...this.stores.values()].map((e) => e.reader.close().catch(() => undefined)));
    if (this.indexPromise) {
      await this.save().catch((e: unknown) => this.opts.log.warn(`Run index not saved: ${errorMessage(e)}`));
      (await this.indexPromise.catch(() => undefined))?.close();
    }
    await this.metricReadPool?.close();
    this.changed.dispose();
  }

  private openReader(ref: StoreRef, index: RunIndex, indexed: Run[]): Reader {
    if (ref.kind === 'mlflow-sqlite') return new MlflowSqliteReader(ref, { workerPath: this.opts.sqliteWorkerPath });
    if (ref.kind !== 'mlflow-file') return this.opts.openReader?.(ref) ?? openStore(ref, { sqliteWorkerPath: this.opts.sqliteWorkerPath });
    // Histories are read on demand (metricHistory), not at startup: 10,000 runs hold 10 million points.
    const pool = this.metricReadPool;
    const reader = new MlflowFileStoreReader(ref, { histories: false, readMetricFile: pool ? (file, signal) => pool.read(file, signal) : undefined });
    const state = index.readerState(ref.uri);
    if (state !== undefined) reader.importState(state, indexed);
    return reader;
  }

  private sync(entry: StoreEntry): Promise<void> {
    return entry.queue.run(async () => {
      entry.rereadQueued = false;
      if (this.disposed) return;
      const t0 = performance.now();
      const index = await this.index();
      try {
        let delta: StoreDelta;
        if (entry.reader instanceof MlflowFileStoreReader) {
          delta = await entry.reader.sync(this.abort.signal);
        } else if (entry.remote) {
          delta = await this.readRemote(entry, entry.reader as RunStoreReader);
        } else if (!(entry.reader instanceof MlflowSqliteReader)) {
          delta = await this.readWhole(entry, entry.reader);
        } else {
          entry.changeToken = entry.reader.changeToken();
          const readStart = performance.now();
          const read = await entry.reader.readChanges(entry.sqliteCursor, this.abort.signal);
          entry.nextReadAt = performance.now() + 3 * (performance.now() - readStart);
          entry.sqliteCursor = read.cursor;
          delta = 'full' in read
            ? snapshotToDelta(read.full, [...entry.runs.values()], [...entry.experiments.values()])
            : changesToDelta(entry, read.changed);
        }
        await this.applyInPieces(entry, index, delta);
        entry.failure = undefined;
        this.opts.log.info(`Read ${describe(entry.ref)}: ${entry.runs.size} runs, ${delta.runs.length} new or changed, in ${ms(t0)}`);
      } catch (e) {
        if (this.abort.signal.aborted) {
          entry.stateFrozen = true;
          return;
        }
        // A reader that failed half-way may believe it reported what it did not: start again from the saved state.
        if (entry.reader instanceof MlflowFileStoreReader) entry.reader = this.openReader(entry.ref, index, [...entry.runs.values()]);
        let message = errorMessage(e);
        if (entry.remote) {
          entry.remote = nextRemotePoll(entry.remote, { ok: false, running: this.hasRunning(entry), now: performance.now() });
          // The last good runs stay listed: say how old they are and when the next try is.
          if (entry.runs.size > 0 && entry.remote.lastOkAt) message += ` Showing the runs read at ${new Date(entry.remote.lastOkAt).toLocaleTimeString()}.`;
          if (isPermanent(e)) {
            // Wrong credentials or not an MLflow server: asking again changes nothing until the user does something.
            entry.remote = { ...entry.remote, nextAt: Number.POSITIVE_INFINITY };
            message += ' Not retrying until the credentials or the URI change, or Refresh is pressed.';
          } else {
            message += ` Trying again in ${Math.round(entry.remote.retryInMs / 1000)} s.`;
          }
        }
        entry.failure = { severity: 'error', file: entry.ref.path, message };
        this.opts.log.error(`Could not read ${describe(entry.ref)}: ${message}`);
      }
      this.fire([entry.ref.uri]);
    });
  }

  /** A whole read of a store without change reports, as a delta against what the catalog holds. */
  private async readWhole(entry: StoreEntry, reader: RunStoreReader): Promise<StoreDelta> {
    const snapshot = await reader.readAll(this.abort.signal);
    entry.lastReadAt = performance.now();
    return snapshotToDelta(snapshot, [...entry.runs.values()], [...entry.experiments.values()]);
  }

  /** Files of a whole-read store changed: one re-read, however many changes arrive before it starts. */
  private reread(entry: StoreEntry): Promise<void> {
    if (entry.rereadQueued) return Promise.resolve();
    entry.rereadQueued = true;
    return this.sync(entry);
  }

  /** A tracking server: the whole listing now and then, in between only the running runs (one small request each). */
  private async readRemote(entry: StoreEntry, reader: RunStoreReader): Promise<StoreDelta> {
    const running = [...entry.runs.values()].filter((r) => r.status === 'RUNNING').map((r) => r.runId);
    const state = entry.remote!;
    if (!hasReadRuns(reader) || running.length === 0 || wantsFullListing(state)) {
      const delta = await this.readWhole(entry, reader);
      entry.remote = nextRemotePoll(state, { ok: true, running: delta.runs.some((r) => r.status === 'RUNNING') || this.hasRunning(entry), changed: delta.runs.length > 0, full: true, now: performance.now() });
      return delta;
    }
    const runs = await reader.readRuns(running, this.abort.signal);
    const delta = snapshotToDelta({ store: entry.ref, experiments: [...entry.experiments.values()], runs: [...entry.runs.values()].filter((r) => !running.includes(r.runId)).concat(runs), problems: [] }, [...entry.runs.values()], [...entry.experiments.values()]);
    entry.remote = nextRemotePoll(state, { ok: true, running: runs.some((r) => r.status === 'RUNNING'), changed: delta.runs.length > 0, full: false, now: performance.now() });
    return { ...delta, problems: [] };
  }

  private hasRunning(entry: StoreEntry): boolean {
    for (const run of entry.runs.values()) if (run.status === 'RUNNING') return true;
    return false;
  }

  private applyFileChanges(entry: StoreEntry, paths: string[]): Promise<void> {
    const reader = entry.reader as MlflowFileStoreReader;
    return entry.queue.run(async () => {
      if (this.disposed) return;
      const index = await this.index();
      try {
        const delta = await reader.applyChanges(paths, this.abort.signal);
        const problemsBefore = entry.problems.length;
        entry.problems = entry.problems.filter((p) => fs.existsSync(p.file));
        const empty = delta.runs.length + delta.removedRunIds.length + delta.experiments.length + delta.removedExperimentIds.length + delta.appends.length + delta.problems.length === 0;
        if (empty && entry.problems.length === problemsBefore) return;
        if (!empty) this.apply(entry, index, delta);
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.opts.log.warn(`Live update of ${describe(entry.ref)} failed (${errorMessage(e)}); re-reading the store.`);
        void this.sync(entry);
        return;
      }
      this.fire([entry.ref.uri]);
    });
  }

  /** A first read of a large store is applied a few hundred runs at a time, yielding in between: the host stays responsive. */
  private async applyInPieces(entry: StoreEntry, index: RunIndex, delta: StoreDelta): Promise<void> {
    const pieces = splitDelta(delta, 250);
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.disposed) {
        // Part of the delta is not in the index: the reader's state must never be saved ahead of it.
        entry.stateFrozen = true;
        return;
      }
      this.apply(entry, index, piece);
    }
  }

  private apply(entry: StoreEntry, index: RunIndex, delta: StoreDelta): void {
    index.applyDelta(delta);
    entry.stateDirty = true;
    for (const id of delta.removedRunIds) entry.runs.delete(id);
    for (const run of delta.runs) entry.runs.set(run.runId, run);
    for (const id of delta.removedExperimentIds) entry.experiments.delete(id);
    for (const exp of delta.experiments) entry.experiments.set(exp.experimentId, exp);
    const fresh = delta.problems.filter((p) => !entry.problems.some((q) => q.file === p.file && q.line === p.line && q.message === p.message));
    for (const p of fresh) this.opts.log.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    // A file that is gone has no problem left (a broken run folder the user deleted).
    entry.problems = mergeProblems(entry.problems, delta).filter((p) => fs.existsSync(p.file));
    this.saveSoon();
  }

  private pollSqlite(entry: StoreEntry): Promise<void> {
    if (!(entry.reader instanceof MlflowSqliteReader)) return Promise.resolve();
    let token: string;
    try {
      token = entry.reader.changeToken();
    } catch {
      token = 'unreadable';
    }
    if (token === entry.changeToken) return Promise.resolve();
    // Under a writer committing many times a second, re-read at most a quarter of the time: a 300 ms read of a
    // 10,000-run db waits 900 ms, a small db's 10 ms read the usual poll interval.
    if (performance.now() < entry.nextReadAt) return Promise.resolve();
    return this.sync(entry);
  }

  private ensurePolling(): void {
    if (this.pollTimer || this.disposed) return;
    let tick = 0;
    this.pollTimer = setInterval(() => {
      const now = performance.now();
      for (const entry of this.stores.values()) {
        if (!entry.queue.idle) continue;
        if (entry.reader instanceof MlflowSqliteReader) void this.pollSqlite(entry);
        else if (entry.remote) {
          if (now >= entry.remote.nextAt) void this.sync(entry);
        } else if (!(entry.reader instanceof MlflowFileStoreReader) && this.hasRunning(entry) && now - (entry.lastReadAt ?? 0) >= RUNNING_LOG_REREAD_MS) {
          void this.reread(entry);
        }
      }
      if (++tick % 4 === 0) this.dropProblemsOfDeletedFiles();
    }, this.opts.sqlitePollMs ?? 500);
    this.pollTimer.unref?.();
  }

  /** A watcher can miss the deletion of a folder made a moment before: problems of files that are gone are dropped. */
  private dropProblemsOfDeletedFiles(): void {
    const changed: string[] = [];
    for (const entry of this.stores.values()) {
      if (entry.problems.length === 0 || !entry.queue.idle) continue;
      const kept = entry.problems.filter((p) => fs.existsSync(p.file));
      if (kept.length === entry.problems.length) continue;
      entry.problems = kept;
      changed.push(entry.ref.uri);
    }
    if (changed.length) this.fire(changed);
  }

  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save().catch((e: unknown) => this.opts.log.warn(`Run index not saved: ${errorMessage(e)}`)), 2000);
    this.saveTimer.unref?.();
  }

  /**
   * Each file store's reader state goes into the index inside that store's queue, so it never runs ahead of the
   * runs the index holds (a state ahead of the index would make a reopen skip runs; one behind only re-reads some).
   */
  private async save(): Promise<void> {
    const index = await this.index();
    for (const entry of this.stores.values()) {
      const reader = entry.reader;
      if (!(reader instanceof MlflowFileStoreReader)) continue;
      await entry.queue.run(async () => {
        if (!entry.stateDirty || entry.stateFrozen) return;
        index.setReaderState(entry.ref.uri, reader.exportState());
        entry.stateDirty = false;
      });
    }
    await index.save();
  }

  private fire(storeUris: string[]): void {
    if (!this.disposed) this.changed.fire({ storeUris });
  }
}

/**
 * A change read of mlflow.db as a delta: its runs replace the held ones. Its problems are dropped: it saw only a
 * few runs, so it cannot clear the others' problems; the next full read replaces them all.
 */
function changesToDelta(entry: StoreEntry, changed: { runs: Run[]; removedRunIds: string[]; experiments: Experiment[] }): StoreDelta {
  const present = new Set(changed.experiments.map((e) => e.experimentId));
  const removedExperimentIds = [...entry.experiments.keys()].filter((id) => !present.has(id));
  return { ...emptyDeltaFor(entry.ref), runs: changed.runs, removedRunIds: changed.removedRunIds, experiments: changed.experiments, removedExperimentIds };
}

/** An error that says retrying cannot help (a reader's error with `retryable: false`, such as HTTP 401). */
function isPermanent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'retryable' in e && (e as { retryable: unknown }).retryable === false;
}

function hasReadRuns(reader: RunStoreReader): reader is RunStoreReader & { readRuns(runIds: string[], signal?: AbortSignal): Promise<Run[]> } {
  return typeof (reader as { readRuns?: unknown }).readRuns === 'function';
}

function seriesToPoints(series: MetricSeries): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let i = 0; i < series.steps.length; i++) points.push({ step: series.steps[i], timestamp: series.timestamps[i], value: series.values[i] });
  return points;
}

function pointsToSeries(points: readonly MetricPoint[]): MetricSeries {
  return {
    steps: Float64Array.from(points, (p) => p.step),
    timestamps: Float64Array.from(points, (p) => p.timestamp),
    values: Float64Array.from(points, (p) => p.value),
  };
}

function emptySeries(): MetricSeries {
  return { steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
}

function seriesKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}

function emptyDeltaFor(store: StoreRef): StoreDelta {
  return { store, experiments: [], removedExperimentIds: [], runs: [], removedRunIds: [], appends: [], problems: [] };
}

/** Live updates report problems for the files they re-read: those files' old problems are replaced. */
function mergeProblems(old: StoreProblem[], delta: StoreDelta): StoreProblem[] {
  const reread = new Set(delta.problems.map((p) => p.file));
  const changedRuns = new Set(delta.runs.map((r) => r.metaPath && path.dirname(r.metaPath)).filter(Boolean) as string[]);
  const kept = old.filter((p) => !reread.has(p.file) && ![...changedRuns].some((dir) => p.file.startsWith(dir + path.sep)));
  return [...kept, ...delta.problems];
}

function isInside(file: string, ref: StoreRef): boolean {
  if (ref.kind === 'mlflow-sqlite') return file === ref.path || file.startsWith(ref.path + '-');
  if (ref.kind === 'mlflow-rest') return false;
  return file === ref.path || file.startsWith(ref.path + path.sep);
}

const KIND_NAMES: Record<StoreRef['kind'], string> = {
  'mlflow-file': 'file store',
  'mlflow-sqlite': 'mlflow.db',
  'mlflow-rest': 'tracking server',
  dvclive: 'dvclive folder',
  'lightning-csv': 'Lightning CSV logs',
  tensorboard: 'TensorBoard logs',
};

function describe(ref: StoreRef): string {
  return `${KIND_NAMES[ref.kind]} ${ref.path}`;
}

function ms(t0: number): string {
  return `${Math.round(performance.now() - t0)} ms`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
