import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreError, type Experiment, type MetricPoint, type Run, type RunStoreReader, type StoreProblem, type StoreRef, type StoreSnapshot } from '../../runs/types';
import type { SqliteReadCursor } from './changeRead';
import { locateAsset } from '../../wasm/locateAsset';
import { changeToken } from './dbFileState';
import { runsFromColumns } from './runsFromColumns';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './sqliteProtocol';

export interface MlflowSqliteReaderOptions {
  /** The worker script; default `sqliteWorker.js` beside this file (dist/ in the bundle, out/ under tsc). */
  workerPath?: string;
  /** The wa-sqlite.wasm file; default: beside the worker, else from node_modules. */
  wasmPath?: string;
  /** How long a read waits for a writer holding a -journal before reporting the db as locked. */
  busyTimeoutMs?: number;
}

export type { SqliteReadCursor } from './changeRead';

/** What readChanges found: every run (`full`), or the runs changed since the cursor's read. */
export type SqliteChanges =
  | { full: StoreSnapshot; cursor: SqliteReadCursor }
  | { changed: { runs: Run[]; removedRunIds: string[]; experiments: Experiment[]; problems: StoreProblem[] }; cursor: SqliteReadCursor };

interface Pending {
  resolve: (r: WorkerResponse) => void;
  reject: (e: unknown) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { type: 'cancel' } ? never : Omit<R, 'id'>) : never;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

/**
 * Reads MLflow's SQLite store (mlflow.db) read-only, in a worker thread that starts on first use.
 * Never writes to the db, -wal, -shm or -journal, and takes no locks, so MLflow's writers are never blocked.
 */
export class MlflowSqliteReader implements RunStoreReader {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly workerPath: string;

  constructor(readonly ref: StoreRef, private readonly opts: MlflowSqliteReaderOptions = {}) {
    this.workerPath = opts.workerPath ?? path.join(__dirname, 'sqliteWorker.js');
  }

  async readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    const res = await this.call({ type: 'readAll', ref: this.ref, busyTimeoutMs: this.opts.busyTimeoutMs }, signal);
    if (res.ok && res.type === 'readAll') {
      const { store, experiments, problems, runs } = res.snapshot;
      return { store, experiments, runs: runsFromColumns(runs, store), problems };
    }
    throw new Error('Unexpected reply from the SQLite worker.');
  }

  /**
   * The runs changed since the read that gave `cursor` (undefined: a full read). Cheap under a busy writer: only
   * the runs a commit touched are read. Some reads are full regardless (see changeRead.ts for what a change read
   * cannot see); keep the returned cursor for the next call.
   */
  async readChanges(cursor: SqliteReadCursor | undefined, signal?: AbortSignal): Promise<SqliteChanges> {
    const res = await this.call({ type: 'readChanges', ref: this.ref, cursor, busyTimeoutMs: this.opts.busyTimeoutMs }, signal);
    if (!res.ok || res.type !== 'readChanges') throw new Error('Unexpected reply from the SQLite worker.');
    const { store, experiments, problems, runs } = res.snapshot;
    const decoded = runsFromColumns(runs, store);
    if (res.removedRunIds === undefined) return { full: { store, experiments, runs: decoded, problems }, cursor: res.cursor };
    return { changed: { runs: decoded, removedRunIds: res.removedRunIds, experiments, problems }, cursor: res.cursor };
  }

  async metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const body = { type: 'metricHistory' as const, path: this.ref.path, runId, key, busyTimeoutMs: this.opts.busyTimeoutMs };
    const res = await this.call(body, signal);
    if (res.ok && res.type === 'metricHistory') return res.points;
    throw new Error('Unexpected reply from the SQLite worker.');
  }

  /**
   * Cheap and synchronous: changes whenever a commit may have changed the db (change counter, size, mtime,
   * -wal and -shm headers). Poll it and call readAll only when it differs. Small reads only; never writes.
   */
  changeToken(): string {
    return changeToken(this.ref.path);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error(`The reader for ${this.ref.path} was closed.`));
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const bundleDir = path.dirname(this.workerPath);
    const init: WorkerInit = {
      wasmPath: this.opts.wasmPath ?? locateAsset('wa-sqlite.wasm', '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm', bundleDir),
    };
    // The worker's JS objects are few and short-lived (rows go into typed arrays): a small young generation
    // keeps its heap from growing to V8's default of several times that (measured: 5 to 10 MB less RSS).
    const w = new Worker(this.workerPath, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    w.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return; // cancelled meanwhile
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res);
      else if (res.error.kind === 'store') p.reject(new StoreError(res.error.message, res.error.file ?? this.ref.path));
      else if (res.error.kind === 'cancelled') p.reject(Object.assign(new Error(res.error.message), { name: 'AbortError' }));
      else p.reject(new Error(`SQLite worker failed reading ${this.ref.path}: ${res.error.message}`));
    });
    const onDeath = (e: unknown) => {
      if (this.worker !== w) return;
      this.worker = undefined; // the next call starts a new one
      this.failAll(e instanceof Error ? e : new Error(`The SQLite worker for ${this.ref.path} exited (${String(e)}).`));
    };
    w.on('error', onDeath);
    w.on('exit', (code) => onDeath(new Error(`The SQLite worker for ${this.ref.path} exited with code ${code}.`)));
    w.unref(); // an idle reader must not keep the process alive; call() refs it while work is pending
    this.worker = w;
    return w;
  }

  private call(body: RequestBody, signal?: AbortSignal): Promise<WorkerResponse> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const worker = this.start();
    worker.ref();
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        if (this.pending.size === 0) worker.unref();
        worker.postMessage({ id, type: 'cancel' } satisfies WorkerRequest);
        reject(abortError(signal as AbortSignal));
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.pending.size === 0) worker.unref();
      };
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  private failAll(e: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
