import * as path from 'node:path';
import type { Experiment, LatestMetric, Run, StoreRef } from '../../runs/types';
import { foldersOfKeys } from './keyedFiles';
import type { MetricFileCursor } from './metricFileTail';

// What the file store reader remembers between syncs, so it re-reads only files whose size or mtime changed.
// It is exported as JSON into the persisted index; a reopen restores it and re-reads only what changed.

export interface MetricFileState {
  size: number;
  mtimeMs: number;
  cursor: MetricFileCursor;
}

export interface RunState {
  /** `<experiment folder>/<run folder>`; the experiment folder of a deleted experiment is `.trash/<id>`. */
  key: string;
  metaSize: number;
  metaMtimeMs: number;
  /** Signature (keyedFiles.stampSignature) of the params/ folders' mtimes; MLflow never rewrites a param. */
  paramsSig: number;
  paramDirs: string[];
  /** Signature of the tags/ folders' mtimes and of every tag file's size and mtime (tags are rewritten in place). */
  tagsSig: number;
  tagDirs: string[];
  tagKeys: string[];
  /** Signature of the metrics/ folders' mtimes: a new or removed metric file changes it. */
  metricsSig: number;
  metricDirs: string[];
  metrics: Map<string, MetricFileState>;
  /** Undefined while the run can't be read (bad meta.yaml): it is retried when meta.yaml changes. */
  run?: Run;
  /** run_name as meta.yaml has it ('' if missing), so a later mlflow.runName tag change can still apply. */
  metaRunName?: string;
}

export interface ExperimentState {
  folder: string;
  metaSize: number;
  metaMtimeMs: number;
  tagsSig: number;
  experiment?: Experiment;
}

const VERSION = 2;

// Compact on purpose (it is rewritten on every update of a 10,000-run store): arrays instead of objects with
// keys, runs grouped by experiment folder, no absolute paths.
/** [folder, metaSize, metaMtimeMs, tagsSig, experiment without store and metaPath] */
type ExportedExperiment = [string, number, number, number, Omit<Experiment, 'store' | 'metaPath'>];
/**
 * [runFolder, runId ('' when it is the folder name), metaSize, metaMtimeMs, paramsSig, tagsSig, metricsSig,
 *  metaRunName (1 when it is the run's name), then per metric file: key, size, mtime, size - offset, lines, check]
 * A metric file's mtime is stored as mtimeMs - metaMtimeMs (mostly short, and exact: see mtimeField), or as a
 * string of mtimeMs when that difference would not give it back exactly.
 */
type ExportedRun = (string | number)[];
const RUN_FIELDS = 8;
const METRIC_FIELDS = 6;

export interface ExportedState {
  version: number;
  root: string;
  experiments: ExportedExperiment[];
  /** By experiment folder. */
  runs: Record<string, ExportedRun[]>;
}

/** Only readable runs are exported: an unreadable one is re-read on reopen, so its problem is reported again. */
export function exportFileStoreState(root: string, experiments: Iterable<ExperimentState>, runs: Iterable<RunState>): ExportedState {
  const out: ExportedState = { version: VERSION, root, experiments: [], runs: {} };
  for (const e of experiments) {
    if (!e.experiment) continue;
    const { store: _store, metaPath: _metaPath, ...plain } = e.experiment;
    out.experiments.push([e.folder, e.metaSize, e.metaMtimeMs, e.tagsSig, plain]);
  }
  for (const r of runs) {
    if (!r.run) continue;
    const slash = r.key.lastIndexOf('/');
    const folder = r.key.slice(0, slash);
    const runFolder = r.key.slice(slash + 1);
    const name = r.metaRunName === undefined || r.metaRunName === r.run.runName ? 1 : r.metaRunName;
    const row: ExportedRun = [runFolder, r.run.runId === runFolder ? '' : r.run.runId, r.metaSize, r.metaMtimeMs, r.paramsSig, r.tagsSig, r.metricsSig, name];
    for (const [key, m] of r.metrics) row.push(key, m.size, mtimeField(m.mtimeMs, r.metaMtimeMs), m.size - m.cursor.offset, m.cursor.lines, m.cursor.check);
    (out.runs[folder] ??= []).push(row);
  }
  return out;
}

/** Two close doubles subtract exactly (Sterbenz), and adding back an exact difference gives the value again. */
function mtimeField(mtimeMs: number, metaMtimeMs: number): number | string {
  const d = mtimeMs - metaMtimeMs;
  return metaMtimeMs + d === mtimeMs ? d : String(mtimeMs);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validRun(v: unknown): v is ExportedRun {
  if (!Array.isArray(v) || v.length < RUN_FIELDS || (v.length - RUN_FIELDS) % METRIC_FIELDS !== 0) return false;
  if (!isStr(v[0]) || !isStr(v[1]) || !(isStr(v[7]) || v[7] === 1)) return false;
  for (let i = 2; i < 7; i++) if (!isNum(v[i])) return false;
  for (let i = RUN_FIELDS; i < v.length; i += METRIC_FIELDS) {
    if (!isStr(v[i])) return false;
    for (let j = 1; j < METRIC_FIELDS; j++) if (!isNum(v[i + j]) && !(j === 2 && isStr(v[i + j]) && isNum(Number(v[i + j])))) return false;
    if ((v[i + 3] as number) < 0 || (v[i + 3] as number) > (v[i + 1] as number)) return false;
  }
  return true;
}

function validExperiment(v: unknown): v is ExportedExperiment {
  if (!Array.isArray(v) || v.length !== 5 || !isStr(v[0]) || !isNum(v[1]) || !isNum(v[2]) || !isNum(v[3])) return false;
  const e: unknown = v[4];
  return isObj(e) && isStr(e.experimentId) && isStr(e.name) && isObj(e.tags);
}

/**
 * Rebuilds the state from an export and the runs the index kept. Undefined if the export is malformed or for
 * another store; entries whose run the index no longer has are dropped (those runs are simply re-read).
 */
export function importFileStoreState(
  store: StoreRef,
  state: unknown,
  runs: readonly Run[],
): { experiments: ExperimentState[]; runs: RunState[] } | undefined {
  const root = store.path;
  if (!isObj(state) || state.version !== VERSION || state.root !== root) return undefined;
  if (!Array.isArray(state.experiments) || !isObj(state.runs)) return undefined;
  if (!state.experiments.every(validExperiment)) return undefined;
  const groups = Object.entries(state.runs);
  if (!groups.every(([, rows]) => Array.isArray(rows) && rows.every(validRun))) return undefined;
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const experiments: ExperimentState[] = state.experiments.map(([folder, metaSize, metaMtimeMs, tagsSig, plain]) => ({
    folder,
    metaSize,
    metaMtimeMs,
    tagsSig,
    experiment: { ...plain, store, metaPath: metaPathOf(root, folder) },
  }));
  const restored: RunState[] = [];
  for (const [folder, rows] of groups as [string, ExportedRun[]][]) {
    for (const row of rows) {
      const runFolder = row[0] as string;
      const run = byId.get((row[1] as string) || runFolder);
      if (!run) continue;
      const metrics = new Map<string, MetricFileState>();
      let complete = true;
      for (let i = RUN_FIELDS; i < row.length; i += METRIC_FIELDS) {
        const key = row[i] as string;
        const [size, mtime, gap, lines, check] = row.slice(i + 1, i + METRIC_FIELDS) as number[];
        const mtimeMs = typeof mtime === 'number' ? (row[3] as number) + mtime : Number(mtime);
        const latest: LatestMetric | undefined = run.metrics[key];
        // A cursor past line 0 needs the latest point to fold appends into; without it, re-read the run.
        if (!latest && lines > 0) complete = false;
        metrics.set(key, { size, mtimeMs, cursor: { offset: size - gap, lines, check, latest } });
      }
      if (!complete) continue;
      const tagKeys = Object.keys(run.tags).sort();
      restored.push({
        key: `${folder}/${runFolder}`,
        metaSize: row[2] as number,
        metaMtimeMs: row[3] as number,
        paramsSig: row[4] as number,
        paramDirs: foldersOfKeys(Object.keys(run.params)),
        tagsSig: row[5] as number,
        tagDirs: foldersOfKeys(tagKeys),
        tagKeys,
        metricsSig: row[6] as number,
        metricDirs: foldersOfKeys(metrics.keys()),
        metrics,
        run,
        metaRunName: row[7] === 1 ? run.runName : (row[7] as string),
      });
    }
  }
  return { experiments, runs: restored };
}

function metaPathOf(root: string, folder: string): string {
  return path.join(root, ...folder.split('/'), 'meta.yaml');
}
