// What `computeStatus` answers: per stage (dvc.yaml stage or .dvc file), what `dvc status` would report, with
// the recorded and current hashes and values behind each verdict, for views, CodeLens, hovers and the CLI.
import type { HashName, HashedPath } from '../hash/hashTypes';
import type { PyValue } from '../pipeline/pyValue';
import type { OutKind, PipelineProblem, PipelineStage } from '../pipeline/types';

/** DVC's words for a dependency or output that changed (dvc/output.py, workspace_status and status). */
export type EntryState = 'modified' | 'new' | 'deleted' | 'not in cache';

/** What dvc.lock (or the .dvc file) recorded for a path. */
export interface RecordedHash {
  md5: string;
  hashName: HashName;
  size?: number;
  nfiles?: number;
}

/** Files of a folder that differ from the recorded manifest (when that manifest is in the cache). */
export interface FolderChanges {
  added: string[];
  deleted: string[];
  modified: string[];
}

interface PathStatusBase {
  /** As `dvc status` names it: relative to the current folder (or the repo root), native separators. */
  display: string;
  /** Absolute path. */
  path: string;
  /** As dvc.yaml / dvc.lock / the .dvc file write it, relative to the stage's wdir. */
  defPath: string;
  /** Undefined when unchanged; 'error' when it could not be checked (see `error`). */
  state: EntryState | 'error' | undefined;
  recorded?: RecordedHash;
  /** Hash of what is there now, when it had to be computed. */
  current?: HashedPath;
  folderChanges?: FolderChanges;
  error?: string;
}

export interface DepStatus extends PathStatusBase {
  kind: 'dep';
}

export interface OutStatus extends PathStatusBase {
  kind: OutKind;
  cache: boolean;
  persist: boolean;
}

export interface ParamChange {
  key: string;
  state: 'modified' | 'new' | 'deleted';
  /** Value in dvc.lock (absent for a new key). */
  old?: PyValue;
  /** Value in the params file now (absent for a deleted key). */
  now?: PyValue;
}

export interface ParamsStatus {
  display: string;
  path: string;
  defPath: string;
  /** Tracked keys; empty: the whole file. */
  keys: string[];
  /** 'deleted': the file is gone; 'new': dvc.lock has no values for it; 'changed': see `changes`. */
  state: 'deleted' | 'new' | 'changed' | 'error' | undefined;
  changes: ParamChange[];
  error?: string;
}

/** A reason a person can act on, in the order `dvc status` lists them. */
export interface StatusReason {
  kind: 'not-in-lock' | 'dep' | 'param' | 'out' | 'always-changed' | 'command' | 'checksum' | 'frozen' | 'error';
  message: string;
  /** Absolute path of the file concerned, where there is one. */
  path?: string;
}

export interface StageStatus {
  /** The key `dvc status --json` uses: `train`, `sub/dvc.yaml:train`, `data.xml.dvc`. */
  address: string;
  kind: 'pipeline' | 'dvcfile';
  /** Stage name (pipeline stages). */
  name?: string;
  /** Absolute path of the dvc.yaml or .dvc file. */
  file: string;
  stage?: PipelineStage;
  frozen: boolean;
  alwaysChanged: boolean;
  /** Pipeline stages: whether dvc.lock has an entry for it. */
  inLock: boolean;
  commandChanged: boolean;
  /** .dvc files: a stale top-level `md5` ("changed checksum"). */
  checksumChanged: boolean;
  deps: DepStatus[];
  params: ParamsStatus[];
  outs: OutStatus[];
  /** Whether `dvc status` lists the stage at all. */
  changed: boolean;
  /** Whether `dvc repro` would run it (Stage.changed(): frozen ignores deps, always_changed forces them). */
  wouldRun: boolean;
  reasons: StatusReason[];
  problems: PipelineProblem[];
}

export interface StatusResult {
  stages: StageStatus[];
  problems: PipelineProblem[];
  /** Hashing counters of this call: files looked at, found in the hash cache, hashed. */
  stats: { files: number; cached: number; hashed: number; hashedBytes: number; ms: number };
}
