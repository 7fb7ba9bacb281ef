import type { MetricPoint, StoreRef } from '../../runs/types';
import type { SqliteReadCursor } from './changeRead';
import type { ColumnarSnapshot } from './runColumns';

// Messages between MlflowSqliteReader (main thread) and sqliteWorker (worker thread).

export interface WorkerInit {
  /** The wa-sqlite.wasm file to load. */
  wasmPath: string;
}

export type WorkerRequest =
  | { id: number; type: 'readAll'; ref: StoreRef; busyTimeoutMs?: number }
  | { id: number; type: 'readChanges'; ref: StoreRef; cursor?: SqliteReadCursor; busyTimeoutMs?: number }
  | { id: number; type: 'metricHistory'; path: string; runId: string; key: string; busyTimeoutMs?: number }
  | { id: number; type: 'cancel' };

/** `store`: the db is unusable (StoreError, with the file); `internal`: a bug or an unexpected failure. */
export interface WorkerFailure {
  kind: 'store' | 'cancelled' | 'internal';
  message: string;
  file?: string;
}

export type WorkerResponse =
  /** The runs come as columns, their buffers transferred; the reader makes the Run objects. */
  | { id: number; ok: true; type: 'readAll'; snapshot: ColumnarSnapshot }
  /** `removedRunIds` is absent for a full read (the snapshot holds every run). */
  | { id: number; ok: true; type: 'readChanges'; snapshot: ColumnarSnapshot; removedRunIds?: string[]; cursor: SqliteReadCursor }
  | { id: number; ok: true; type: 'metricHistory'; points: MetricPoint[] }
  | { id: number; ok: false; error: WorkerFailure };
