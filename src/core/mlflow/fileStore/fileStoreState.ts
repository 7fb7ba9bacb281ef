import type { Experiment, LatestMetric, Run } from '../../runs/types';
import type { MetricFileCursor } from './metricFileTail';

// What the file store reader remembers between syncs, so it re-reads only files whose size or mtime changed.
// It is exported as JSON into the persisted index; a reopen restores it and re-reads only what changed.

export interface MetricFileState {
  size: number;
  mtimeMs: number;
  cursor: MetricFileCursor;
}

export interface RunState {
  /** `<experiment folder>/<run folder>`. */
  key: string;
  metaSize: number;
  metaMtimeMs: number;
  paramsSig: string;
  tagsSig: string;
  metrics: Map<string, MetricFileState>;
  /** Undefined while the run can't be read (bad meta.yaml): it is retried when the file changes. */
  run?: Run;
  /** run_name as meta.yaml has it ('' if missing), so a later mlflow.runName tag change can still apply. */
  metaRunName?: string;
}

export interface ExperimentState {
  folder: string;
  metaSize: number;
  metaMtimeMs: number;
  tagsSig: string;
  experiment?: Experiment;
}

const VERSION = 1;

interface ExportedMetric {
  key: string;
  size: number;
  mtimeMs: number;
  offset: number;
  lines: number;
  check: string;
}

interface ExportedRun {
  key: string;
  runId: string;
  metaSize: number;
  metaMtimeMs: number;
  paramsSig: string;
  tagsSig: string;
  metrics: ExportedMetric[];
}

interface ExportedExperiment {
  folder: string;
  metaSize: number;
  metaMtimeMs: number;
  tagsSig: string;
  experiment: Experiment;
}

export interface ExportedState {
  version: number;
  root: string;
  experiments: ExportedExperiment[];
  runs: ExportedRun[];
}

/** Only readable runs are exported: an unreadable one is re-read on reopen, so its problem is reported again. */
export function exportFileStoreState(root: string, experiments: Iterable<ExperimentState>, runs: Iterable<RunState>): ExportedState {
  const out: ExportedState = { version: VERSION, root, experiments: [], runs: [] };
  for (const e of experiments) {
    if (e.experiment) out.experiments.push({ folder: e.folder, metaSize: e.metaSize, metaMtimeMs: e.metaMtimeMs, tagsSig: e.tagsSig, experiment: e.experiment });
  }
  for (const r of runs) {
    if (!r.run) continue;
    const metrics: ExportedMetric[] = [];
    for (const [key, m] of r.metrics) {
      metrics.push({ key, size: m.size, mtimeMs: m.mtimeMs, offset: m.cursor.offset, lines: m.cursor.lines, check: m.cursor.check });
    }
    out.runs.push({ key: r.key, runId: r.run.runId, metaSize: r.metaSize, metaMtimeMs: r.metaMtimeMs, paramsSig: r.paramsSig, tagsSig: r.tagsSig, metrics });
  }
  return out;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validMetric(v: unknown): v is ExportedMetric {
  return isObj(v) && isStr(v.key) && isNum(v.size) && isNum(v.mtimeMs) && isNum(v.offset) && isNum(v.lines) && isStr(v.check) && v.offset <= v.size;
}

function validRun(v: unknown): v is ExportedRun {
  return (
    isObj(v) && isStr(v.key) && isStr(v.runId) && isNum(v.metaSize) && isNum(v.metaMtimeMs) && isStr(v.paramsSig) && isStr(v.tagsSig) &&
    Array.isArray(v.metrics) && v.metrics.every(validMetric)
  );
}

function validExperiment(v: unknown): v is ExportedExperiment {
  return (
    isObj(v) && isStr(v.folder) && isNum(v.metaSize) && isNum(v.metaMtimeMs) && isStr(v.tagsSig) &&
    isObj(v.experiment) && isStr(v.experiment.experimentId) && isStr(v.experiment.name) && isObj(v.experiment.tags)
  );
}

/**
 * Rebuilds the state from an export and the runs the index kept. Undefined if the export is malformed or for
 * another store; entries whose run the index no longer has are dropped (those runs are simply re-read).
 */
export function importFileStoreState(
  root: string,
  state: unknown,
  runs: readonly Run[],
): { experiments: ExperimentState[]; runs: RunState[] } | undefined {
  if (!isObj(state) || state.version !== VERSION || state.root !== root) return undefined;
  if (!Array.isArray(state.experiments) || !Array.isArray(state.runs)) return undefined;
  if (!state.experiments.every(validExperiment) || !state.runs.every(validRun)) return undefined;
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const experiments = state.experiments.map((e) => ({ ...e }));
  const restored: RunState[] = [];
  for (const r of state.runs) {
    const run = byId.get(r.runId);
    if (!run) continue;
    const metrics = new Map<string, MetricFileState>();
    let complete = true;
    for (const m of r.metrics) {
      const latest: LatestMetric | undefined = run.metrics[m.key];
      // A cursor past line 0 needs the latest point to fold appends into; without it, re-read the run.
      if (!latest && m.lines > 0) complete = false;
      metrics.set(m.key, { size: m.size, mtimeMs: m.mtimeMs, cursor: { offset: m.offset, lines: m.lines, check: m.check, latest } });
    }
    if (complete) restored.push({ key: r.key, metaSize: r.metaSize, metaMtimeMs: r.metaMtimeMs, paramsSig: r.paramsSig, tagsSig: r.tagsSig, metrics, run });
  }
  return { experiments, runs: restored };
}
