import type { KeyValueColumns, MetricColumns, RunRowColumns } from './runColumns';
import { grown } from './stringTableBuilder';

// Growable columns the worker fills row by row (see runColumns.ts). finish() returns views of the buffers,
// which are then transferred whole: the unused tail costs less than a copy to the exact size. The first read
// grows them by doubling; later ones start at the size the last one needed (see MlflowDb), so neither thread
// holds a half-empty buffer or the garbage of the smaller ones.

/** Rows to make room for: a little over the last read's count, or a small start. */
export function initialRows(lastCount: number | undefined): number {
  return lastCount === undefined ? 1024 : Math.ceil(lastCount * 1.02) + 16;
}

export class RunRowBuilder {
  count = 0;
  private runId: Int32Array;
  private name: Int32Array;
  private experimentId: Int32Array;
  private userId: Int32Array;
  private artifactUri: Int32Array;
  private status: Uint8Array;
  private deleted: Uint8Array;
  private startTime: Float64Array;
  private endTime: Float64Array;

  constructor(rows: number) {
    this.runId = new Int32Array(rows);
    this.name = new Int32Array(rows);
    this.experimentId = new Int32Array(rows);
    this.userId = new Int32Array(rows);
    this.artifactUri = new Int32Array(rows);
    this.status = new Uint8Array(rows);
    this.deleted = new Uint8Array(rows);
    this.startTime = new Float64Array(rows);
    this.endTime = new Float64Array(rows);
  }

  /** Appends a run and returns its index. String ids (-1 = null), status as an index into RUN_STATUS_ORDER. */
  push(runId: number, name: number, experimentId: number, userId: number, artifactUri: number, status: number, deleted: boolean, startTime: number, endTime: number): number {
    const i = this.count++;
    if (i >= this.runId.length) {
      const n = i + 1;
      this.runId = grown(this.runId, n);
      this.name = grown(this.name, n);
      this.experimentId = grown(this.experimentId, n);
      this.userId = grown(this.userId, n);
      this.artifactUri = grown(this.artifactUri, n);
      this.status = grown(this.status, n);
      this.deleted = grown(this.deleted, n);
      this.startTime = grown(this.startTime, n);
      this.endTime = grown(this.endTime, n);
    }
    this.runId[i] = runId;
    this.name[i] = name;
    this.experimentId[i] = experimentId;
    this.userId[i] = userId;
    this.artifactUri[i] = artifactUri;
    this.status[i] = status;
    this.deleted[i] = deleted ? 1 : 0;
    this.startTime[i] = startTime;
    this.endTime[i] = endTime;
    return i;
  }

  finish(): RunRowColumns {
    const n = this.count;
    return {
      count: n, runId: this.runId.subarray(0, n), name: this.name.subarray(0, n), experimentId: this.experimentId.subarray(0, n),
      userId: this.userId.subarray(0, n), artifactUri: this.artifactUri.subarray(0, n), status: this.status.subarray(0, n),
      deleted: this.deleted.subarray(0, n), startTime: this.startTime.subarray(0, n), endTime: this.endTime.subarray(0, n),
    };
  }
}

export class KeyValueBuilder {
  count = 0;
  private run: Int32Array;
  private key: Int32Array;
  private value: Int32Array;

  constructor(rows: number) {
    this.run = new Int32Array(rows);
    this.key = new Int32Array(rows);
    this.value = new Int32Array(rows);
  }

  push(run: number, key: number, value: number): void {
    const i = this.count++;
    if (i >= this.run.length) {
      this.run = grown(this.run, i + 1);
      this.key = grown(this.key, i + 1);
      this.value = grown(this.value, i + 1);
    }
    this.run[i] = run;
    this.key[i] = key;
    this.value[i] = value;
  }

  finish(): KeyValueColumns {
    const n = this.count;
    return { count: n, run: this.run.subarray(0, n), key: this.key.subarray(0, n), value: this.value.subarray(0, n) };
  }
}

export class MetricBuilder {
  count = 0;
  private run: Int32Array;
  private key: Int32Array;
  private value: Float64Array;
  private timestamp: Float64Array;
  private step: Float64Array;

  constructor(rows: number) {
    this.run = new Int32Array(rows);
    this.key = new Int32Array(rows);
    this.value = new Float64Array(rows);
    this.timestamp = new Float64Array(rows);
    this.step = new Float64Array(rows);
  }

  push(run: number, key: number, value: number, timestamp: number, step: number): void {
    const i = this.count++;
    if (i >= this.run.length) {
      this.run = grown(this.run, i + 1);
      this.key = grown(this.key, i + 1);
      this.value = grown(this.value, i + 1);
      this.timestamp = grown(this.timestamp, i + 1);
      this.step = grown(this.step, i + 1);
    }
    this.run[i] = run;
    this.key[i] = key;
    this.value[i] = value;
    this.timestamp[i] = timestamp;
    this.step[i] = step;
  }

  finish(): MetricColumns {
    const n = this.count;
    return {
      count: n, run: this.run.subarray(0, n), key: this.key.subarray(0, n), value: this.value.subarray(0, n),
      timestamp: this.timestamp.subarray(0, n), step: this.step.subarray(0, n),
    };
  }
}
