import type { Experiment, RunStatus, StoreProblem, StoreRef } from '../../runs/types';

// The run list as it crosses from the SQLite worker to the main thread: typed arrays that are transferred, not
// cloned, and one table of distinct strings. 10,000 runs as objects are a 14 MB structured clone that costs
// both threads a copy and a walk; as columns they cost neither, and Run objects are built once, on the main thread.

/** RunRowColumns.status indexes this. */
export const RUN_STATUS_ORDER: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** Distinct strings as UTF-8: string i is bytes[offsets[i]] up to offsets[i + 1]. */
export interface StringColumns {
  count: number;
  bytes: Uint8Array;
  /** count + 1 byte offsets. */
  offsets: Uint32Array;
  /** 1 where string i has a byte >= 0x80 (it must be decoded as UTF-8; the others are ASCII). */
  nonAscii: Uint8Array;
}

/** One row per run, in list order (newest first). String ids index StringColumns; -1 is null. */
export interface RunRowColumns {
  count: number;
  runId: Int32Array;
  name: Int32Array;
  experimentId: Int32Array;
  userId: Int32Array;
  artifactUri: Int32Array;
  /** Index into RUN_STATUS_ORDER. */
  status: Uint8Array;
  /** 1 = deleted. */
  deleted: Uint8Array;
  /** Epoch ms; NaN is null. */
  startTime: Float64Array;
  endTime: Float64Array;
}

/** Key/value rows (params or tags): `run` indexes RunRowColumns, key and value are string ids. */
export interface KeyValueColumns {
  count: number;
  run: Int32Array;
  key: Int32Array;
  value: Int32Array;
}

/** Latest metric rows. */
export interface MetricColumns {
  count: number;
  run: Int32Array;
  key: Int32Array;
  value: Float64Array;
  timestamp: Float64Array;
  step: Float64Array;
}

export interface RunColumns {
  strings: StringColumns;
  runs: RunRowColumns;
  params: KeyValueColumns;
  tags: KeyValueColumns;
  metrics: MetricColumns;
}

/** A StoreSnapshot whose runs are still columns. */
export interface ColumnarSnapshot {
  store: StoreRef;
  experiments: Experiment[];
  runs: RunColumns;
  problems: StoreProblem[];
}

/** The ArrayBuffers to transfer with a RunColumns (each once). */
export function runColumnsTransferList(c: RunColumns): ArrayBuffer[] {
  const views: ArrayBufferView[] = [
    c.strings.bytes, c.strings.offsets, c.strings.nonAscii,
    c.runs.runId, c.runs.name, c.runs.experimentId, c.runs.userId, c.runs.artifactUri, c.runs.status, c.runs.deleted, c.runs.startTime, c.runs.endTime,
    c.params.run, c.params.key, c.params.value, c.tags.run, c.tags.key, c.tags.value,
    c.metrics.run, c.metrics.key, c.metrics.value, c.metrics.timestamp, c.metrics.step,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const v of views) if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
  return [...buffers];
}
