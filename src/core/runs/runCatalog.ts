import fs from 'node:fs';
import path from 'node:path';
import { RunIndex } from '../index/runIndex';
import { MlflowFileStoreReader } from '../mlflow/fileStore/fileStoreReader';
import { MlflowSqliteReader, type SqliteReadCursor } from '../mlflow/sqlite/sqliteReader';
import { Emitter } from '../util/emitter';
import { SerialQueue } from '../util/serialQueue';
import { snapshotToDelta } from './snapshotToDelta';
import { splitDelta } from './splitDelta';
import type { Experiment, MetricPoint, MetricSeries, Run, StoreDelta, StoreProblem, StoreRef } from './types';

export interface CatalogLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CatalogOptions {
  /** Persisted index; absent: in memory only. */
  indexFile?: string;
  sqliteWorkerPath?: string;
  log: CatalogLog;
  /** How often mlflow.db files are checked for new commits (a cheap read of the change counter). */
  sqlitePollMs?: number;
}

type Reader = MlflowFileStoreReader | MlflowSqliteReader;

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

  constructor(private readonly opts: CatalogOptions) {}

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
    for (const e of this.stores.values()) e.sqliteCursor = undefined;
    await Promise.all([...this.stores.values()].map((e) => this.sync(e)));
  }

  /** Paths a file watcher saw change. Each store re-reads only those paths. */
  async filesChanged(paths: readonly string[]): Promise<void> {
    const work: Promise<void>[] = [];
    for (const entry of this.stores.values()) {
      const mine = paths.filter((p) => isInside(p, entry.ref));
      if (mine.length === 0) continue;
      if (entry.reader instanceof MlflowFileStoreReader) work.push(this.applyFileChanges(entry, mine));
      else work.push(this.pollSqlite(entry));
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
    const index = await this.index();
    const stored = index.metricHistory(storeUri, runId, key);
    if (stored) return seriesToPoints(stored);
    const reader = entry.reader;
    let points: MetricPoint[] = [];
    await entry.queue.run(async () => {
      points = await reader.metricHistory(runId, key, signal);
      const run = entry.runs.get(runId);
      if (run && run.status !== 'RUNNING' && points.length > 0) {
        index.applyDelta({ ...emptyDeltaFor(entry.ref), appends: [{ runId, key, series: pointsToSeries(points), replaced: true }] });
        this.saveSoon();
      }
    });
    return points;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.abort.abort();
    clearInterval(this.pollTimer);
    clearTimeout(this.saveTimer);
    await Promise.all([...this.stores.values()].map((e) => e.reader.close().catch(() => undefined)));
    if (this.indexPromise) {
      await this.save().catch((e: unknown) => this.opts.log.warn(`Run index not saved: ${errorMessage(e)}`));
      (await this.indexPromise.catch(() => undefined))?.close();
    }
    this.changed.dispose();
  }

  private openReader(ref: StoreRef, index: RunIndex, indexed: Run[]): Reader {
    if (ref.kind === 'mlflow-sqlite') return new MlflowSqliteReader(ref, { workerPath: this.opts.sqliteWorkerPath });
    // Histories are read on demand (metricHistory), not at startup: 10,000 runs hold 10 million points.
    const reader = new MlflowFileStoreReader(ref, { histories: false });
    const state = index.readerState(ref.uri);
    if (state !== undefined) reader.importState(state, indexed);
    return reader;
  }

  private sync(entry: StoreEntry): Promise<void> {
    return entry.queue.run(async () => {
      if (this.disposed) return;
      const t0 = performance.now();
      const index = await this.index();
      try {
        let delta: StoreDelta;
        if (entry.reader instanceof MlflowFileStoreReader) {
          delta = await entry.reader.sync(this.abort.signal);
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
        entry.failure = { severity: 'error', file: entry.ref.path, message: errorMessage(e) };
        this.opts.log.error(`Could not read ${describe(entry.ref)}: ${errorMessage(e)}`);
      }
      this.fire([entry.ref.uri]);
    });
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
      for (const entry of this.stores.values()) if (entry.reader instanceof MlflowSqliteReader && entry.queue.idle) void this.pollSqlite(entry);
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
  return file === ref.path || file.startsWith(ref.path + path.sep);
}

function describe(ref: StoreRef): string {
  return ref.kind === 'mlflow-sqlite' ? `mlflow.db ${ref.path}` : `file store ${ref.path}`;
}

function ms(t0: number): string {
  return `${Math.round(performance.now() - t0)} ms`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
