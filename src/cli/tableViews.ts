import type { Experiment, MetricPoint, Run } from '../core/runs/types';
import type { RunOrder } from '../core/runs/filter/types';
import { formatDuration, formatMetricValue } from '../core/text/formatValue';
import { formatTable } from './table';

/** How many metric columns the runs table shows. */
const METRIC_COLUMNS = 3;

/** `2024-05-01T12:30:00Z`: ISO 8601 in UTC, to the second. */
export function isoTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The metrics worth a column: those the runs are ordered by first, then the most common among the runs
 * (ties by name), so the table shows what the user sorted on and what most runs have.
 */
export function pickMetricColumns(runs: readonly Run[], orders: readonly RunOrder[], count = METRIC_COLUMNS): string[] {
  const picked: string[] = [];
  for (const o of orders) if (o.type === 'metric' && !picked.includes(o.key)) picked.push(o.key);
  const frequency = new Map<string, number>();
  for (const r of runs) for (const key of Object.keys(r.metrics)) frequency.set(key, (frequency.get(key) ?? 0) + 1);
  const rest = [...frequency.keys()]
    .filter((k) => !picked.includes(k))
    .sort((a, b) => (frequency.get(b) ?? 0) - (frequency.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return [...picked, ...rest].slice(0, Math.max(count, picked.length));
}

export function runsTable(runs: readonly Run[], experimentName: (run: Run) => string | null, metricKeys: readonly string[]): string {
  const columns = [
    { header: 'RUN ID' }, { header: 'NAME', maxWidth: 28 }, { header: 'EXPERIMENT', maxWidth: 20 }, { header: 'STATUS' },
    { header: 'START' }, { header: 'DURATION', align: 'right' as const },
    ...metricKeys.map((k) => ({ header: k, maxWidth: 16, align: 'right' as const })),
  ];
  const rows = runs.map((r) => [
    r.runId.slice(0, 8),
    r.runName,
    experimentName(r) ?? r.experimentId,
    r.lifecycleStage === 'deleted' ? `${r.status} (deleted)` : r.status,
    isoTime(r.startTime),
    r.startTime !== null && r.endTime !== null ? formatDuration(r.endTime - r.startTime) : '',
    ...metricKeys.map((k) => (r.metrics[k] ? formatMetricValue(r.metrics[k].value) : '')),
  ]);
  return formatTable(columns, rows);
}

export function experimentsTable(experiments: readonly Experiment[], runCount: (exp: Experiment) => number): string {
  const columns = [
    { header: 'ID', maxWidth: 20 }, { header: 'NAME', maxWidth: 40 }, { header: 'RUNS', align: 'right' as const },
    { header: 'STAGE' }, { header: 'CREATED' }, { header: 'STORE', maxWidth: 60 },
  ];
  const rows = experiments.map((e) => [
    e.experimentId, e.name, String(runCount(e)), e.lifecycleStage, isoTime(e.creationTime), e.store.uri,
  ]);
  return formatTable(columns, rows);
}

export function metricHistoryTable(points: readonly MetricPoint[]): string {
  const columns = [
    { header: 'STEP', align: 'right' as const }, { header: 'TIMESTAMP' }, { header: 'VALUE', align: 'right' as const },
  ];
  // Full precision here: this is the one place a user reads exact values.
  const rows = points.map((p) => [String(p.step), isoTime(p.timestamp), String(p.value)]);
  return formatTable(columns, rows);
}
