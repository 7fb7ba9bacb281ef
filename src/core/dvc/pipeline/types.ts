// The pipeline model: what dvc.yaml and dvc.lock say, after interpolation and foreach/matrix expansion.
// Produced by the parser, read by status, the runner, the views and the CLI. Plain data only.

/** A place in a file, 1-based, for problems, CodeLens and go-to-definition. */
export interface SourcePos {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
}

/** A dependency as dvc.yaml lists it. */
export interface DepSpec {
  /** As written (after interpolation), relative to the stage's wdir; may name a file or a folder. */
  path: string;
  /** Repo-relative POSIX path (wdir joined, normalized); absent for URLs and paths outside the repo. */
  repoPath?: string;
  pos?: SourcePos;
}

/** One `params` entry: the keys a stage reads from one params file. */
export interface ParamsSpec {
  /** As written (default `params.yaml`), relative to the stage's wdir. */
  file: string;
  /** Dotted keys (`train.lr`); empty means every key of the file (DVC's `- params.json:` with no list). */
  keys: string[];
  /** Repo-relative POSIX path of the params file; absent when it is outside the repo. */
  repoPath?: string;
  /** Position of each key as written in dvc.yaml (for a whole-file entry: none). */
  keyPos?: Record<string, SourcePos>;
  pos?: SourcePos;
}

export type OutKind = 'outs' | 'metrics' | 'plots';

/** An output (`outs`, `metrics` or `plots`) with DVC's options; defaults as DVC applies them. */
export interface OutSpec {
  path: string;
  kind: OutKind;
  /** DVC's default is true for every kind unless `cache: false` is written. */
  cache: boolean;
  persist: boolean;
  push: boolean;
  remote?: string;
  desc?: string;
  /** Repo-relative POSIX path (wdir joined, normalized); absent for URLs and paths outside the repo. */
  repoPath?: string;
  /** Other options as written: plot properties (x, y, template...), `type`, `labels`, `meta`. */
  extra?: Record<string, unknown>;
  pos?: SourcePos;
}

export interface PipelineStage {
  /** As DVC names it: `train`, `train@0`, `build@us-small` (foreach), `fit@lr0.1-bs32` style for matrix. */
  name: string;
  /** Absolute path of the dvc.yaml that defines it. */
  dvcfile: string;
  /** Absolute working directory (dvc.yaml's folder joined with `wdir`). */
  wdir: string;
  cmd: string | string[];
  deps: DepSpec[];
  params: ParamsSpec[];
  outs: OutSpec[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  meta?: unknown;
  /** Where the stage's key is in dvc.yaml (for a foreach/matrix stage: the generating stage's key). */
  pos: SourcePos;
  /** How DVC addresses the stage on its command line: `train`, or `sub/dvc.yaml:train` outside the repo root. */
  address?: string;
  /** For a stage made by `foreach` or `matrix`: the generating stage's name (`train` for `train@0`). */
  generatedFrom?: string;
  /** The stage's working directory relative to the repo root, POSIX (`.` for the root). */
  repoWdir?: string;
}

/** A hashed file or folder as dvc.lock and .dvc files record it. */
export interface HashEntry {
  path: string;
  /** `md5` for DVC 3 (`hash: md5`); absent for the legacy md5-dos2unix hashes of DVC 2. */
  hash?: 'md5';
  /** For a folder: the md5 of its listing + `.dir`. */
  md5: string;
  size?: number;
  nfiles?: number;
  /** Set (true) by DVC for executable files. */
  isexec?: boolean;
  /** Other keys DVC may write (`files`, `cloud`, `version_id`, `etag`, `dataset`...), kept as read. */
  extra?: Record<string, unknown>;
}

export interface LockStage {
  cmd: string | string[];
  deps: HashEntry[];
  /** params file -> key -> value, as dvc.lock stores them (values as pyValue.ts loads them: PyFloat for `1.0`, PyDict for mappings). */
  params: Record<string, Record<string, unknown>>;
  outs: HashEntry[];
}

export interface DvcLock {
  /** Absolute path of the dvc.lock. */
  file: string;
  schema: string;
  stages: Record<string, LockStage>;
  /** Top-level keys besides `schema` and `stages` (DVC's `datasets`), kept as read. */
  extra?: Record<string, unknown>;
  /** Order of the top-level keys as read (`schema`, `stages`, and the extra ones). */
  keyOrder?: string[];
  /** Stage names in the order read (an object would list integer-like names such as `2020` first). */
  stageOrder?: string[];
}

/** A problem in dvc.yaml, dvc.lock, params or a .dvc file, at its line and column where known. */
export interface PipelineProblem {
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line?: number;
  column?: number;
}
