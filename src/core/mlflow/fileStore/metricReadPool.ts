import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MetricSeries } from '../../runs/types';
import { tailMetricFile } from './metricFileTail';
import type { MetricReadRequest, MetricReadResponse } from './metricReadProtocol';

export interface MetricReadPoolOptions {
  /** The worker script; default `metricReadWorker.js` beside this file (dist/ in the bundle, out/ under tsc). */
  workerPath?: string;
  /** Worker threads; default one core fewer than the machine has (the UI keeps one), at least 1, at most 4. */
  threads?: number;
  /** Workers exit after this long without work. */
  idleMs?: number;
}

interface Pending {
  resolve(series: MetricSeries): void;
  reject(e: unknown): void;
}

interface Job {
  request: MetricReadRequest;
  pending: Pending;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Job>;
}

/** Files queued per worker, so it never waits for its next message. */
const PER_WORKER = 2;

/**
 * Reads whole MLflow metric files (the Compare panel's histories: 20 files of 3 MB at once) on worker threads, so
 * the extension host's thread stays free for the UI while they are parsed, and a second core helps. Workers start
 * on first use and exit when idle; without the worker script it reads on the calling thread.
 */
export class MetricReadPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private readonly workerPath: string;
  private readonly threads: number;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private workersFailed = false;

  constructor(private readonly opts: MetricReadPoolOptions = {}) {
    this.workerPath = opts.workerPath ?? path.join(__dirname, 'metricReadWorker.js');
    this.threads = Math.max(1, opts.threads ?? Math.min(4, os.availableParallelism() - 1));
  }

  /** Whether files are read on worker threads (the worker script was found). */
  get usesWorkers(): boolean {
    return fs.existsSync(this.workerPath);
  }

  /** The whole file's points. Errors are the read's own (an ENOENT keeps its code). */
  read(file: string, signal?: AbortSignal): Promise<MetricSeries> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed || this.workersFailed || !this.usesWorkers) return tailMetricFile(file, undefined, { signal }).then((r) => r.series);
    return new Promise<MetricSeries>((resolve, reject) => {
      // An aborted read is only dropped here: the worker finishes the file (a few ms) and its answer is ignored.
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      this.queue.push({ request: { id: this.nextId++, file }, pending: { resolve: settle(resolve), reject: settle(reject) } });
      this.pump();
    });
  }

  /** Stops the workers; reads still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const workers = this.workers.splice(0);
    for (const w of workers) for (const job of w.inFlight.values()) job.pending.reject(new Error('The metric read pool was closed.'));
    for (const { pending } of this.queue.splice(0)) pending.reject(new Error('The metric read pool was closed.'));
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    if (this.workersFailed) {
      for (const job of this.queue.splice(0)) readHere(job);
      return;
    }
    while (this.queue.length > 0) {
      const worker = this.freeWorker();
      if (!worker) break;
      const job = this.queue.shift();
      if (!job) break;
      worker.inFlight.set(job.request.id, job);
      worker.worker.postMessage(job.request);
    }
    if (this.queue.length === 0 && this.workers.every((w) => w.inFlight.size === 0)) {
      this.idleTimer = setTimeout(() => void this.stopIdle(), this.opts.idleMs ?? 30_000);
      this.idleTimer.unref?.();
    }
  }

  /** The least busy worker with room, starting one while under the thread count. */
  private freeWorker(): PoolWorker | undefined {
    const least = this.workers.reduce<PoolWorker | undefined>((best, w) => (!best || w.inFlight.size < best.inFlight.size ? w : best), undefined);
    if (least && least.inFlight.size === 0) return least;
    if (this.workers.length < this.threads) return this.startWorker();
    return least && least.inFlight.size < PER_WORKER ? least : undefined;
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(this.workerPath);
    worker.unref();
    const entry: PoolWorker = { worker, inFlight: new Map() };
    worker.on('message', (reply: MetricReadResponse) => {
      const pending = entry.inFlight.get(reply.id)?.pending;
      if (!pending) return;
      entry.inFlight.delete(reply.id);
      if (reply.ok) {
        pending.resolve({ steps: new Float64Array(reply.steps), timestamps: new Float64Array(reply.timestamps), values: new Float64Array(reply.values) });
      } else {
        pending.reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
      }
      this.pump();
    });
    // A worker that failed (a broken script, out of memory) would fail again: its reads, and every later one, are
    // read on the calling thread instead. The file is not to blame, so no read fails for it.
    const fail = () => {
      this.workersFailed = true;
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      const jobs = [...entry.inFlight.values()];
      entry.inFlight.clear();
      if (this.closed) return;
      for (const job of jobs) readHere(job);
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (entry.inFlight.size > 0) fail();
    });
    this.workers.push(entry);
    return entry;
  }

  private async stopIdle(): Promise<void> {
    if (this.queue.length > 0 || this.workers.some((w) => w.inFlight.size > 0)) return;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

function readHere(job: Job): void {
  tailMetricFile(job.request.file, undefined).then((r) => job.pending.resolve(r.series), job.pending.reject);
}
