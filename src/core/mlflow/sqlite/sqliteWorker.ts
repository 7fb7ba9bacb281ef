import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../../runs/types';
import { MlflowDb } from './mlflowDb';
import { runColumnsTransferList } from './runColumns';
import { ReadCancelledError } from './snapshotConnection';
import { loadSqliteEngine } from './sqliteEngine';
import type { WorkerFailure, WorkerInit, WorkerRequest, WorkerResponse } from './sqliteProtocol';

// Worker thread entry: wa-sqlite's calls are synchronous under their promises, so queries run here to keep
// a long read off the extension host's thread. Requests run one at a time (one connection per file).

const init = workerData as WorkerInit;
const dbs = new Map<string, MlflowDb>();
const cancelled = new Set<number>();
/** Requests queued or running: a cancel for any other id (already answered) is ignored. */
const live = new Set<number>();
let queue: Promise<void> = Promise.resolve();

async function dbFor(path: string, busyTimeoutMs: number | undefined): Promise<MlflowDb> {
  let db = dbs.get(path);
  if (!db) {
    const engine = await loadSqliteEngine(init.wasmPath);
    db = new MlflowDb(engine, path, { busyTimeoutMs });
    dbs.set(path, db);
  }
  return db;
}

function failure(e: unknown): WorkerFailure {
  if (e instanceof StoreError) return { kind: 'store', message: e.message, file: e.file };
  if (e instanceof ReadCancelledError) return { kind: 'cancelled', message: e.message };
  return { kind: 'internal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

async function handle(req: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<WorkerResponse> {
  const isCancelled = () => cancelled.has(req.id);
  try {
    if (isCancelled()) throw new ReadCancelledError();
    if (req.type === 'readAll') {
      const db = await dbFor(req.ref.path, req.busyTimeoutMs);
      return { id: req.id, ok: true, type: 'readAll', snapshot: await db.readColumns(req.ref, isCancelled) };
    }
    if (req.type === 'readChanges') {
      const db = await dbFor(req.ref.path, req.busyTimeoutMs);
      const r = await db.readChanges(req.ref, req.cursor, isCancelled);
      const removedRunIds = r.kind === 'changed' ? r.removedRunIds : undefined;
      return { id: req.id, ok: true, type: 'readChanges', snapshot: r.snapshot, removedRunIds, cursor: r.cursor };
    }
    const db = await dbFor(req.path, req.busyTimeoutMs);
    return { id: req.id, ok: true, type: 'metricHistory', points: await db.metricHistory(req.runId, req.key, isCancelled) };
  } catch (e) {
    return { id: req.id, ok: false, error: failure(e) };
  } finally {
    cancelled.delete(req.id);
    live.delete(req.id);
  }
}

const port = parentPort;
if (!port) throw new Error('sqliteWorker.js must run as a worker thread.');
port.on('message', (req: WorkerRequest) => {
  if (req.type === 'cancel') {
    if (live.has(req.id)) cancelled.add(req.id);
    return;
  }
  live.add(req.id);
  queue = queue.then(async () => {
    const res = await handle(req);
    // Transferred, not copied: the worker keeps no reference to the run columns once they are sent.
    port.postMessage(res, res.ok && (res.type === 'readAll' || res.type === 'readChanges') ? runColumnsTransferList(res.snapshot.runs) : []);
  });
});
