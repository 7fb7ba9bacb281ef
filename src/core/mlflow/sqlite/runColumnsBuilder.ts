import type { KeyValueColumns, MetricColumns, RunRowColumns } from './runColumns';
import { grown } from './stringTableBuilder';

// Growable columns the worker fills row by row (see runColumns.ts). finish() returns views of the buffers,
// which are then transferred whole: the unused tail (under half) costs less than a copy to the exact size.

const START = 1024;

export class RunRowBuilder {
  count = 0;
  private runId = new Int32Array(START);
  private name = new Int32Array(START);
  private experimentId = new Int32Array(START);
  private userId = new Int32Array(START);
  private artifactUri = new Int32Array(START);
  private status = new Uint8Array(START);
  private deleted = new Uint8Array(START);
  private startTime = new Float64Array(START);
  private endTime = new Float64Array(START);

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
  private run = new Int32Array(START);
  private key = new Int32Array(START);
  private value = new Int32Array(START);

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
  private run = new Int32Array(START);
  private key = new Int32Array(START);
  private value = new Float64Array(START);
  private timestamp = new Float64Array(START);
  private step = new Float64Array(START);

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
