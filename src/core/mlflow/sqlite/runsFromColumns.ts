import type { LatestMetric, Run, StoreRef } from '../../runs/types';
import { RUN_STATUS_ORDER, type KeyValueColumns, type MetricColumns, type RunColumns, type StringColumns } from './runColumns';

// Builds Run objects from the columns the worker sent, on the thread that keeps them. Records with the same keys
// in the same order (the usual case: every run logs the same params) are copies of one template object, so they
// share one hidden class and stay compact (an object given 20 keys one by one falls back to a hash table).

export function decodeStrings(c: StringColumns): string[] {
  const out = new Array<string>(c.count);
  const { bytes, offsets, nonAscii } = c;
  // ASCII is Latin-1, so one decode of all bytes gives every ASCII string as a slice; the rest are UTF-8.
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const utf8 = new TextDecoder();
  for (let i = 0; i < c.count; i++) {
    out[i] = nonAscii[i] ? utf8.decode(bytes.subarray(offsets[i], offsets[i + 1])) : latin1.slice(offsets[i], offsets[i + 1]);
  }
  return out;
}

interface KeyNode {
  next: Map<number, KeyNode>;
  template?: object;
}

/** Row indices grouped by run (stable), with each run's first row: a counting sort, rows need not come grouped. */
function rowsByRun(run: Int32Array, count: number, runCount: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(runCount + 1);
  for (let i = 0; i < count; i++) start[run[i] + 1]++;
  for (let r = 0; r < runCount; r++) start[r + 1] += start[r];
  const fill = start.slice(0, runCount);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[fill[run[i]]++] = i;
  return { order, start };
}

/**
 * Fills one record per run: `make(run, template)` gets an empty copy of the template for the run's key sequence
 * and `set` stores each row into it. Templates are JSON.parse'd, so a `__proto__` key is an own property.
 */
function records<T extends object>(
  cols: { run: Int32Array; key: Int32Array; count: number },
  runCount: number,
  strings: string[],
  emptyValue: string,
  set: (record: T, key: string, row: number) => void,
  give: (run: number, record: T) => void,
): void {
  const { order, start } = rowsByRun(cols.run, cols.count, runCount);
  const root: KeyNode = { next: new Map() };
  for (let r = 0; r < runCount; r++) {
    const from = start[r];
    const to = start[r + 1];
    if (from === to) continue;
    let node = root;
    for (let i = from; i < to; i++) {
      const key = cols.key[order[i]];
      let child = node.next.get(key);
      if (!child) node.next.set(key, (child = { next: new Map() }));
      node = child;
    }
    if (!node.template) {
      const fields: string[] = [];
      for (let i = from; i < to; i++) fields.push(`${JSON.stringify(strings[cols.key[order[i]]])}:${emptyValue}`);
      node.template = JSON.parse(`{${fields.join(',')}}`) as object;
    }
    const record = { ...node.template } as T;
    for (let i = from; i < to; i++) set(record, strings[cols.key[order[i]]], order[i]);
    give(r, record);
  }
}

function keyValues(cols: KeyValueColumns, runs: Run[], strings: string[], give: (run: Run, values: Record<string, string>) => void): void {
  records<Record<string, string>>(cols, runs.length, strings, '""', (rec, key, row) => (rec[key] = strings[cols.value[row]]), (r, rec) => give(runs[r], rec));
}

function latestMetrics(cols: MetricColumns, runs: Run[], strings: string[]): void {
  const { value, timestamp, step } = cols;
  records<Record<string, LatestMetric>>(
    cols, runs.length, strings, 'null',
    (rec, key, row) => (rec[key] = { value: value[row], timestamp: timestamp[row], step: step[row] }),
    (r, rec) => (runs[r].metrics = rec),
  );
}

const orNull = (strings: string[], id: number): string | null => (id < 0 ? null : strings[id]);
const timeOrNull = (t: number): number | null => (Number.isNaN(t) ? null : t);

/** The runs of a RunColumns as Run objects, in its order. */
export function runsFromColumns(c: RunColumns, store: StoreRef): Run[] {
  const strings = decodeStrings(c.strings);
  const r = c.runs;
  const runs = new Array<Run>(r.count);
  for (let i = 0; i < r.count; i++) {
    runs[i] = {
      runId: strings[r.runId[i]],
      runName: orNull(strings, r.name[i]) ?? '',
      experimentId: orNull(strings, r.experimentId[i]) ?? '',
      status: RUN_STATUS_ORDER[r.status[i]],
      startTime: timeOrNull(r.startTime[i]),
      endTime: timeOrNull(r.endTime[i]),
      lifecycleStage: r.deleted[i] ? 'deleted' : 'active',
      artifactUri: orNull(strings, r.artifactUri[i]),
      userId: orNull(strings, r.userId[i]),
      params: {},
      tags: {},
      metrics: {},
      parentRunId: null,
      store,
    };
  }
  keyValues(c.params, runs, strings, (run, values) => (run.params = values));
  keyValues(c.tags, runs, strings, (run, values) => (run.tags = values));
  latestMetrics(c.metrics, runs, strings);
  for (const run of runs) {
    // MLflow falls back to the mlflow.runName tag when runs.name is empty (old schemas and clients).
    if (!run.runName) run.runName = run.tags['mlflow.runName'] ?? '';
    run.parentRunId = run.tags['mlflow.parentRunId'] ?? null;
  }
  return runs;
}
