// The run model every reader produces and every consumer (index, tree, CLI) reads.
// Plain data only: it crosses worker threads, is persisted in the index and printed as JSON.

/** MLflow's RunStatus names (file store keeps them as ints 1..5, the SQL store as these strings). */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
/**
 * Where runs come from. MLflow's file store and mlflow.db, a remote MLflow tracking server (REST), dvclive folders,
 * PyTorch Lightning CSVLogger folders and TensorBoard log dirs.
 */
export type StoreKind = 'mlflow-file' | 'mlflow-sqlite' | 'mlflow-rest' | 'dvclive' | 'lightning-csv' | 'tensorboard';

/**
 * Where a run came from. `uri` is unique per store: for MLflow what a user would pass as --tracking-uri
 * (`file:///abs/mlruns`, `sqlite:////abs/mlflow.db`, `https://host/`); for the other kinds `<kind>://` + the
 * absolute folder path (`dvclive:///abs/dvclive`, `lightning-csv:///abs/lightning_logs`, `tensorboard:///abs/runs`).
 */
export interface StoreRef {
  kind: StoreKind;
  uri: string;
  /** Absolute path of the `mlruns` folder, the `mlflow.db` file or the store's folder; for a remote server its URL. */
  path: string;
}

export interface LatestMetric {
  value: number;
  step: number;
  timestamp: number;
}

export interface MetricPoint {
  step: number;
  timestamp: number;
  value: number;
}

export interface Experiment {
  experimentId: string;
  name: string;
  lifecycleStage: LifecycleStage;
  artifactLocation: string | null;
  creationTime: number | null;
  lastUpdateTime: number | null;
  tags: Record<string, string>;
  store: StoreRef;
  /** File store only: the experiment's meta.yaml. */
  metaPath?: string;
}

export interface Run {
  runId: string;
  runName: string;
  experimentId: string;
  status: RunStatus;
  /** Epoch milliseconds, or null. */
  startTime: number | null;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string | null;
  userId: string | null;
  /** Keys exactly as MLflow names them (`model/depth`). */
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Latest value of each metric by MLflow's rule: max of (step, timestamp, value). */
  metrics: Record<string, LatestMetric>;
  /** From the `mlflow.parentRunId` tag. */
  parentRunId: string | null;
  store: StoreRef;
  /** File store only: the run's meta.yaml. */
  metaPath?: string;
}

/** Something wrong in one file; everything else still loads. */
export interface StoreProblem {
  severity: 'warning' | 'error';
  /** Absolute path of the file at fault. */
  file: string;
  /** 1-based line, where known. */
  line?: number;
  message: string;
}

export interface StoreSnapshot {
  store: StoreRef;
  experiments: Experiment[];
  runs: Run[];
  problems: StoreProblem[];
}

/** A tracking store that can be read whole, and asked for one metric's full history. */
export interface RunStoreReader {
  readonly ref: StoreRef;
  readAll(signal?: AbortSignal): Promise<StoreSnapshot>;
  metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]>;
  close(): Promise<void>;
}

/** An unusable store (missing, not a store, unknown schema): callers show it and go on with the other stores. */
export class StoreError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** A metric history, columnar: cheap to store as one blob, to append to and to send to a worker. */
export interface MetricSeries {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/** Metric points that arrived for one run and key since the last read (or all of them when `replaced`). */
export interface MetricAppend {
  runId: string;
  key: string;
  series: MetricSeries;
  /** The file was rewritten or truncated: `series` is the whole history, not an append. */
  replaced: boolean;
}

/**
 * What changed in a store since the reader's last sync. A first sync reports everything.
 * `runs` and `experiments` are complete objects (replace what was there); histories come as appends.
 */
export interface StoreDelta {
  store: StoreRef;
  experiments: Experiment[];
  removedExperimentIds: string[];
  runs: Run[];
  removedRunIds: string[];
  appends: MetricAppend[];
  problems: StoreProblem[];
}
