import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CANCEL_SLOTS, type HashBatchRequest, type HashBatchResponse, type HashJob, type HashJobResult, type HashWorkerInit } from './hashProtocol';
import { HashError } from './hashTypes';
import { makeHashScratch, md5FileSync, type HashScratch } from './md5File';

export interface HashPoolOptions {
  /** The worker script; default `dvcHashWorker.js` beside this file (dist/ in the bundle, out/ under tsc). */
  workerPath?: string;
  /** Worker threads; default the machine's parallelism, at most 4 (md5 is one core per file). */
  threads?: number;
  /** Work smaller than this many bytes is hashed on the calling thread: a worker's start costs more. */
  inlineBytes?: number;
  /** Workers exit after this long without work. */
  idleMs?: number;
}

export interface SizedHashJob extends HashJob {
  size: number;
}

interface Batch {
  call: Call;
  indices: number[];
  jobs: HashJob[];
}

interface Call {
  epoch: number;
  results: HashJobResult[];
  pending: number;
  done: boolean;
  resolve: (r: HashJobResult[]) => void;
  reject: (e: unknown) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Batch>;
}

/** A batch of small files is sent as one message; big files go alone so both threads stay busy to the end. */
const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;
/** Batches queued per worker, so it never waits for the next message. */
const PER_WORKER = 2;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

/**
 * Hashes files on a small pool of worker threads (cold hashing is bound by md5 at about 0.5 GB/s per core).
 * Workers start on first use and exit when idle; without a worker script (or for a few small files) it hashes
 * on the calling thread instead.
 */
export class HashPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Batch[] = [];
  private readonly cancelled = new Int32Array(new SharedArrayBuffer(4 * CANCEL_SLOTS));
  private nextEpoch = 1;
  private nextBatchId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private inlineScratch: HashScratch | undefined;
  private readonly workerPath: string;
  private readonly threads: number;
  private closed = false;

  constructor(private readonly opts: HashPoolOptions = {}) {
    this.workerPath = opts.workerPath ?? path.join(__dirname, 'dvcHashWorker.js');
    this.threads = Math.max(1, opts.threads ?? Math.min(4, os.availableParallelism()));
  }

  /** Whether hashing runs on worker threads (the worker script was found). */
  get usesWorkers(): boolean {
    return fs.existsSync(this.workerPath);
  }

  /** Hashes every job; results come in the jobs' order, a failed file as `{ error }`. */
  async hash(jobs: readonly SizedHashJob[], signal?: AbortSignal): Promise<HashJobResult[]> {
    if (this.closed) throw new Error('The hash pool is closed.');
    signal?.throwIfAborted();
    if (jobs.length === 0) return [];
    const total = jobs.reduce((s, j) => s + j.size, 0);
    if (total < (this.opts.inlineBytes ?? 4 << 20) || !this.usesWorkers) return this.hashInline(jobs, signal);
    return this.hashOnWorkers(jobs, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const ws = this.workers.splice(0);
    for (const w of ws) for (const b of w.inFlight.values()) this.failCall(b.call, new Error('The hash pool was closed.'));
    for (const b of this.queue.splice(0)) this.failCall(b.call, new Error('The hash pool was closed.'));
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }

  private async hashInline(jobs: readonly SizedHashJob[], signal?: AbortSignal): Promise<HashJobResult[]> {
    this.inlineScratch ??= makeHashScratch(1 << 20);
    const results: HashJobResult[] = [];
    let sinceYield = 0;
    for (const job of jobs) {
      signal?.throwIfAborted();
      try {
        results.push(md5FileSync(job.file, job.name, this.inlineScratch, () => signal?.aborted ?? false));
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        results.push({ error: e instanceof Error ? e.message : String(e), code: e instanceof HashError ? e.code : undefined });
      }
      sinceYield += job.size;
      if (sinceYield >= 16 << 20) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return results;
  }

  private hashOnWorkers(jobs: readonly SizedHashJob[], signal?: AbortSignal): Promise<HashJobResult[]> {
    return new Promise<HashJobResult[]>((resolve, reject) => {
      const epoch = this.nextEpoch++;
      const call: Call = { epoch, results: new Array(jobs.length), pending: 0, done: false, resolve, reject };
      // Largest first: the long files start at once and the small ones fill the gaps at the end.
      const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size);
      let batch: Batch | undefined;
      let batchBytes = 0;
      for (const i of order) {
        const job = jobs[i];
        if (!batch || batchBytes + job.size > BATCH_BYTES || batch.jobs.length >= BATCH_FILES) {
          batch = { call, indices: [], jobs: [] };
          batchBytes = 0;
          this.queue.push(batch);
          call.pending++;
        }
        batch.indices.push(i);
        batch.jobs.push({ file: job.file, name: job.name });
        batchBytes += job.size;
      }
      if (signal) {
        const onAbort = () => {
          Atomics.store(this.cancelled, epoch % CANCEL_SLOTS, epoch);
          for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].call === call) this.queue.splice(i, 1);
          this.failCall(call, abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = () => signal.removeEventListener('abort', onAbort);
        call.resolve = (r) => (settle(), resolve(r));
        call.reject = (e) => (settle(), reject(e));
      }
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    while (this.workers.length < this.threads && this.workers.length < this.queue.length) this.workers.push(this.startWorker());
    for (const w of this.workers) {
      while (w.inFlight.size < PER_WORKER && this.queue.length) {
        const batch = this.queue.shift()!;
        const id = this.nextBatchId++;
        w.inFlight.set(id, batch);
        const req: HashBatchRequest = { id, epoch: batch.call.epoch, jobs: batch.jobs };
        w.worker.ref();
        w.worker.postMessage(req);
      }
    }
    if (this.workers.every((w) => w.inFlight.size === 0)) {
      for (const w of this.workers) w.worker.unref(); // idle workers must not keep a CLI process alive
      this.idleTimer = setTimeout(() => void this.stopIdle(), this.opts.idleMs ?? 30_000);
      this.idleTimer.unref();
    }
  }

  private async stopIdle(): Promise<void> {
    if (this.queue.length || this.workers.some((w) => w.inFlight.size)) return;
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }

  private startWorker(): PoolWorker {
    const init: HashWorkerInit = { cancelled: this.cancelled.buffer as SharedArrayBuffer };
    const worker = new Worker(this.workerPath, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    const pw: PoolWorker = { worker, inFlight: new Map() };
    worker.on('message', (res: HashBatchResponse) => {
      const batch = pw.inFlight.get(res.id);
      pw.inFlight.delete(res.id);
      if (batch && !batch.call.done) {
        batch.indices.forEach((index, k) => (batch.call.results[index] = res.results[k]));
        if (--batch.call.pending === 0) {
          batch.call.done = true;
          batch.call.resolve(batch.call.results);
        }
      }
      this.pump();
    });
    const onDeath = (e: unknown) => {
      const i = this.workers.indexOf(pw);
      if (i < 0) return;
      this.workers.splice(i, 1);
      const err = e instanceof Error ? e : new Error(`A hashing worker exited (${String(e)}).`);
      for (const b of pw.inFlight.values()) this.failCall(b.call, err);
      pw.inFlight.clear();
      if (!this.closed) this.pump();
    };
    worker.on('error', onDeath);
    worker.on('exit', (code) => onDeath(new Error(`A hashing worker exited with code ${code}.`)));
    return pw;
  }

  private failCall(call: Call, e: unknown): void {
    if (call.done) return;
    call.done = true;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].call === call) this.queue.splice(i, 1);
    call.reject(e);
  }
}
