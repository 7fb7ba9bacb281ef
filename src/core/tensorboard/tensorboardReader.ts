import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Experiment, MetricPoint, Run, RunStatus, RunStoreReader, StoreProblem, StoreRef, StoreSnapshot } from '../runs/types';
import { StoreError } from '../runs/types';
import { EventDecoder } from './eventDecoder';
import { tailEventFile } from './eventFileTail';
import { errorCode, findRunFolders, listEventFiles } from './findRunFolders';
import { ProtoError } from './protoDecoder';
import { RunScalars } from './runScalars';
import type { FramingIssue, RecordHandler } from './tfRecordReader';

// Reads a TensorBoard log dir as runs: every folder holding event files is a run (its files merged in name order,
// which is creation order: the names start with the writer's epoch seconds), named by its path relative to the root.
// Scalars become metrics (see eventDecoder), hparams summaries become params.
//
// readAll is incremental: per file we keep the size, mtime, inode and the offset after its last complete record, and
// only parse what was appended. A file that shrank, was replaced, or disappeared, or a new file that sorts before the
// ones already read, makes us re-read that run from scratch (event files are only ever appended to).
//
// Status: TensorBoard records none (the hparams plugin's session_end_info is written at the start by torch and
// Lightning, so it says nothing), so a run is RUNNING while one of its event files changed in the last 60 seconds,
// and FINISHED after. The same rule tells a file still being written from a truncated one: an incomplete last record
// is expected while the file is fresh, and reported as a problem once it has been quiet for 60 seconds.

export const RUNNING_WINDOW_MS = 60_000;
/** Damaged records reported per file; the rest are counted. */
const MAX_ISSUES_PER_FILE = 10;
/** Runs whose full histories are kept for metricHistory (Compare asks for several keys of a few runs). */
const HISTORY_CACHE_RUNS = 4;

export interface TensorboardReaderOptions {
  /** The clock, for the RUNNING rule (tests). */
  now?: () => number;
}

interface FileState {
  name: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Offset after the last complete record read. */
  offset: number;
  pendingBytes: number;
  issues: FramingIssue[];
  /** Issues beyond MAX_ISSUES_PER_FILE. */
  moreIssues: number;
  /** Why the file could not be read, if it could not. */
  error?: string;
}

interface RunState {
  dir: string;
  runId: string;
  files: FileState[];
  scalars: RunScalars;
  decoder: EventDecoder;
}

export class TensorboardReader implements RunStoreReader {
  private runs = new Map<string, RunState>();
  private dirById = new Map<string, string>();
  private histories = new Map<string, RunState>();

  constructor(
    readonly ref: StoreRef,
    private readonly opts: TensorboardReaderOptions = {},
  ) {}

  /** Reads one at a time: overlapping reads would parse the same appended bytes twice into the shared state. */
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    return this.serial(() => this.readAllNow(signal));
  }

  metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    return this.serial(() => this.historyNow(runId, key, signal));
  }

  private async readAllNow(signal?: AbortSignal): Promise<StoreSnapshot> {
    const root = this.ref.path;
    const rootStat = await stat(root).catch(() => undefined);
    if (!rootStat?.isDirectory()) throw new StoreError(`The TensorBoard log folder ${root} is gone or is not a folder.`, root);
    const found = await findRunFolders(root, signal);
    const problems: StoreProblem[] = [...found.problems];
    for (const dir of this.runs.keys()) if (!found.runs.has(dir)) this.runs.delete(dir);
    this.dirById.clear();
    for (const [dir, names] of found.runs) {
      let state = this.runs.get(dir);
      if (!state) this.runs.set(dir, (state = newRunState(dir, false)));
      await syncRun(state, names, signal);
      this.dirById.set(state.runId, dir);
    }
    const now = this.opts.now?.() ?? Date.now();
    const runs: Run[] = [];
    for (const state of this.runs.values()) {
      runs.push(this.toRun(state, found.runs, now));
      problems.push(...fileProblems(state, now));
    }
    runs.sort((a, b) => (a.runName < b.runName ? -1 : a.runName > b.runName ? 1 : 0));
    return { store: this.ref, experiments: [this.experiment(runs)], runs, problems };
  }

  private async historyNow(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const dir = this.dirById.get(runId) ?? (await this.findRunDir(runId, signal));
    if (!dir) throw new StoreError(`Run ${runId} is not in the TensorBoard log folder ${this.ref.path}. Refresh the runs view.`, this.ref.path);
    let state = this.histories.get(runId);
    this.histories.delete(runId);
    if (!state) state = newRunState(dir, true);
    await syncRun(state, await listEventFiles(dir), signal);
    this.histories.set(runId, state); // most recently used last
    while (this.histories.size > HISTORY_CACHE_RUNS) this.histories.delete(this.histories.keys().next().value as string);
    const series = state.scalars.tags.get(key)?.series();
    if (!series) return [];
    const points: MetricPoint[] = new Array(series.steps.length);
    for (let i = 0; i < points.length; i++) points[i] = { step: series.steps[i], timestamp: series.timestamps[i], value: series.values[i] };
    return points;
  }

  async close(): Promise<void> {
    this.runs.clear();
    this.dirById.clear();
    this.histories.clear();
  }

  private async findRunDir(runId: string, signal?: AbortSignal): Promise<string | undefined> {
    const found = await findRunFolders(this.ref.path, signal);
    for (const dir of found.runs.keys()) if (tensorboardRunId(dir) === runId) return dir;
    return undefined;
  }

  private toRun(state: RunState, runDirs: ReadonlyMap<string, unknown>, now: number): Run {
    const { scalars, files } = state;
    const lastChange = Math.max(0, ...files.map((f) => f.mtimeMs));
    const status: RunStatus = now - lastChange < RUNNING_WINDOW_MS ? 'RUNNING' : 'FINISHED';
    const metrics: Run['metrics'] = {};
    for (const [tag, series] of scalars.tags) if (series.latest) metrics[tag] = { ...series.latest };
    const startTime = Number.isFinite(scalars.firstTime) ? scalars.firstTime : files.length > 0 ? Math.round(Math.min(...files.map((f) => f.mtimeMs))) : null;
    const lastTime = Number.isFinite(scalars.lastTime) ? scalars.lastTime : Math.round(lastChange);
    const newest = files[files.length - 1];
    return {
      runId: state.runId,
      runName: runName(this.ref.path, state.dir),
      experimentId: '0',
      status,
      startTime,
      endTime: status === 'RUNNING' ? null : lastTime,
      lifecycleStage: 'active',
      artifactUri: null,
      userId: null,
      params: Object.fromEntries(scalars.hparams),
      tags: newest ? { 'mlops.source.file': path.join(state.dir, newest.name) } : {},
      metrics,
      parentRunId: parentRunId(this.ref.path, state.dir, runDirs),
      store: this.ref,
    };
  }

  private experiment(runs: Run[]): Experiment {
    const starts = runs.map((r) => r.startTime).filter((t): t is number => t !== null);
    const ends = runs.map((r) => r.endTime ?? r.startTime).filter((t): t is number => t !== null);
    return {
      experimentId: '0',
      name: path.basename(this.ref.path),
      lifecycleStage: 'active',
      artifactLocation: null,
      creationTime: starts.length > 0 ? Math.min(...starts) : null,
      lastUpdateTime: ends.length > 0 ? Math.max(...ends) : null,
      tags: {},
      store: this.ref,
    };
  }
}

/** The run id: md5 of `tensorboard:<absolute run folder>`, 32 hex digits, stable across reloads. */
export function tensorboardRunId(runDir: string): string {
  return createHash('md5').update(`tensorboard:${path.resolve(runDir)}`).digest('hex');
}

/** The run folder relative to the store root, with `/`; the root's own name when the root is the run. */
function runName(root: string, dir: string): string {
  const rel = path.relative(root, dir);
  return rel === '' ? path.basename(root) : rel.split(path.sep).join('/');
}

/** The nearest enclosing run folder (torch writes add_hparams and add_scalars runs inside the run folder). */
function parentRunId(root: string, dir: string, runDirs: ReadonlyMap<string, unknown>): string | null {
  for (let p = path.dirname(dir); p.length >= root.length && p !== dir; p = path.dirname(p)) {
    if (runDirs.has(p)) return tensorboardRunId(p);
    if (p === root || path.dirname(p) === p) break;
  }
  return null;
}

function newRunState(dir: string, keepPoints: boolean): RunState {
  const scalars = new RunScalars(keepPoints);
  return { dir, runId: tensorboardRunId(dir), files: [], scalars, decoder: new EventDecoder(scalars.plugins, scalars) };
}

/** Brings a run up to date with its event files (`names`, sorted), reading only appended bytes where it can. */
async function syncRun(state: RunState, names: readonly string[], signal?: AbortSignal): Promise<void> {
  const stats = await Promise.all(names.map((n) => stat(path.join(state.dir, n)).catch((err: unknown) => new StatFailure(err))));
  const known = new Map(state.files.map((f) => [f.name, f]));
  let rebuild = state.files.some((f) => !names.includes(f.name));
  const lastKnown = state.files.length > 0 ? state.files[state.files.length - 1].name : undefined;
  names.forEach((name, i) => {
    const st = stats[i];
    const file = known.get(name);
    if (!file) {
      if (lastKnown !== undefined && name < lastKnown) rebuild = true;
    } else if (!(st instanceof StatFailure) && (st.size < file.size || st.ino !== file.ino)) {
      rebuild = true;
    }
  });
  if (rebuild) {
    const fresh = newRunState(state.dir, state.scalars.keepPoints);
    state.scalars = fresh.scalars;
    state.decoder = fresh.decoder;
    state.files = [];
    known.clear();
  }
  const files: FileState[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const st = stats[i];
    const file: FileState = known.get(name) ?? { name, size: 0, mtimeMs: 0, ino: -1, offset: 0, pendingBytes: 0, issues: [], moreIssues: 0 };
    files.push(file);
    if (st instanceof StatFailure) {
      file.error = errorCode(st.cause);
      continue;
    }
    file.error = undefined;
    const unchanged = file.ino === st.ino && file.size === st.size && file.mtimeMs === st.mtimeMs;
    file.ino = st.ino;
    file.mtimeMs = st.mtimeMs;
    file.size = st.size;
    if (unchanged) continue;
    const issues: FramingIssue[] = [];
    const onRecord = recordHandler(state, issues);
    try {
      const tail = await tailEventFile(path.join(state.dir, name), file.offset, st.size, onRecord, issues, signal);
      file.offset = tail.offset;
      file.pendingBytes = tail.pendingBytes;
      file.size = Math.max(st.size, tail.offset + tail.pendingBytes);
    } catch (err) {
      if (signal?.aborted) throw err;
      file.error = errorCode(err);
    }
    for (const issue of issues) {
      if (file.issues.length < MAX_ISSUES_PER_FILE) file.issues.push(issue);
      else file.moreIssues++;
    }
  }
  state.files = files;
}

class StatFailure {
  constructor(readonly cause: unknown) {}
}

function recordHandler(state: RunState, issues: FramingIssue[]): RecordHandler {
  const { decoder, scalars } = state;
  return (bytes, start, end, fileOffset) => {
    try {
      decoder.decode(bytes as Buffer, start, end);
    } catch (err) {
      if (!(err instanceof ProtoError)) throw err;
      issues.push({ offset: fileOffset, message: `record at byte ${fileOffset} is not a valid Event (${err.message}); skipped` });
      return;
    }
    scalars.sawEvent(decoder.wallTime);
  };
}

function fileProblems(state: RunState, now: number): StoreProblem[] {
  const problems: StoreProblem[] = [];
  for (const f of state.files) {
    const file = path.join(state.dir, f.name);
    if (f.error) problems.push({ severity: 'warning', file, message: `Can't read this TensorBoard event file (${f.error}); its points are not shown.` });
    for (const issue of f.issues) problems.push({ severity: 'warning', file, message: `Damaged event file: ${issue.message}. The rest of the file is read.` });
    if (f.moreIssues > 0) problems.push({ severity: 'warning', file, message: `Damaged event file: ${f.moreIssues} more damaged records skipped.` });
    if (f.pendingBytes > 0 && now - f.mtimeMs >= RUNNING_WINDOW_MS) {
      problems.push({
        severity: 'warning',
        file,
        message: `Truncated event file: it ends with an incomplete record at byte ${f.offset} (${f.pendingBytes} bytes), and has not grown for a minute (was the writer killed?). Everything before it is read.`,
      });
    }
  }
  return problems;
}
