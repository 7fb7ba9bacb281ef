// The Data view's model: every path DVC tracks (through a .dvc file or as a pipeline output in dvc.lock),
// its status, its versions in git history, and what changed between two versions. Plain data only.
import type { HashName } from '../hash/hashTypes';

/** A hash as a .dvc file or dvc.lock records it. */
export interface RecordedHash {
  /** For a folder: md5 of its manifest + `.dir`. */
  md5: string;
  /** `md5` with `hash: md5` (DVC 3), else DVC 2's legacy `md5-dos2unix`. */
  hashName: HashName;
  size?: number;
  nfiles?: number;
  isDir: boolean;
}

/** Where DVC records a tracked path. */
export type DataSource =
  | { kind: 'dvc-file'; /** Absolute path of the .dvc file. */ file: string; /** `path` as the .dvc file writes it. */ outPath: string }
  | { kind: 'pipeline'; /** Absolute path of the dvc.lock. */ lockFile: string; stage: string; /** `path` as dvc.lock writes it. */ outPath: string };

export interface TrackedData {
  /** Stable across refreshes: the recording file and the output's path. */
  id: string;
  /** The DVC repository's root (the folder holding `.dvc/`). */
  repoRoot: string;
  /** Absolute path of the tracked file or folder. */
  path: string;
  /** Relative to repoRoot, `/`-separated. */
  relPath: string;
  source: DataSource;
  /** Absent when nothing is recorded yet (a .dvc file written by hand, before `dvc commit`). */
  recorded?: RecordedHash;
  /** false for `cache: false` outputs: DVC never stores them, so "not in cache" does not apply. */
  cache: boolean;
  /** An import or frozen stage: DVC does not check its dependencies. */
  frozen: boolean;
  /** For `dvc import` / `dvc import-url`: where the data came from (the dependency's path or URL). */
  importedFrom?: string;
  /** 1-based line of the output's entry in the .dvc file or dvc.lock. */
  line?: number;
}

/**
 * As `dvc status` decides it for one output, in DVC's order: not in cache (the recorded version cannot be
 * restored), else missing (DVC says "deleted"), else modified, else new (no hash recorded), else up to date.
 * `error` when the workspace could not be hashed (unreadable file, symlink to nowhere...); `unknown` when the
 * output's stage could not be read from dvc.yaml.
 */
export type DataStatus = 'up-to-date' | 'modified' | 'missing' | 'not-in-cache' | 'new' | 'error' | 'unknown';

export interface DataStatusInfo {
  status: DataStatus;
  /** One sentence a person can act on. */
  reason: string;
  /** What is in the workspace now, when it could be hashed. */
  workspace?: { md5: string; size: number; nfiles?: number; isDir: boolean };
  /** For a modified folder whose recorded manifest is in the cache: what changed (relpaths). */
  folderChanges?: { added: string[]; deleted: string[]; modified: string[] };
}

/** A problem with a .dvc file, dvc.lock or the cache, at its line where known. */
export interface DataProblem {
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line?: number;
  column?: number;
}

/** One version of a tracked path: a commit that recorded it (or the uncommitted record on disk). */
export interface DataVersion {
  /** Full commit id; `undefined` for the uncommitted .dvc file or dvc.lock on disk. */
  commit?: string;
  /** ISO 8601 author date; undefined for the uncommitted version. */
  date?: string;
  author?: string;
  authorEmail?: string;
  subject?: string;
  /** The recording file at that commit, relative to the git root (it may have been renamed since). */
  recordPath: string;
  /** What that commit recorded; undefined when the output was not in the file at that commit. */
  recorded?: RecordedHash;
}

export interface DataHistory {
  /** Newest first. The uncommitted version, when there is one, comes first. */
  versions: DataVersion[];
  /** The version the .dvc file or dvc.lock on disk records (an index into versions), when it is listed. */
  current?: number;
  /** True when older commits were left out (the history limit). */
  truncated: boolean;
  /** Versions whose file could not be parsed, and similar; the other versions are still listed. */
  problems: DataProblem[];
}

export interface CsvStats {
  /** Data rows (the header excluded; blank lines skipped, quoted line breaks counted once). */
  rows: number;
  columns: string[];
  bytes: number;
  delimiter: ',' | '\t';
}

export interface CsvDiff {
  older: CsvStats;
  newer: CsvStats;
  addedColumns: string[];
  removedColumns: string[];
  /** Same set of columns in another order. */
  reordered: boolean;
}

export interface DirFileChange {
  relpath: string;
  md5: string;
  /** From the cache object's size, when it is in the cache. */
  size?: number;
}

export interface DirDiff {
  added: DirFileChange[];
  removed: DirFileChange[];
  modified: { relpath: string; older: DirFileChange; newer: DirFileChange }[];
  unchanged: number;
}

/** One side of a comparison. */
export interface VersionSide {
  /** `abc1234 · 2024-02-03` or `workspace`. */
  label: string;
  commit?: string;
  /** The commit's subject and author, shown beside the label. */
  subject?: string;
  author?: string;
  recorded: RecordedHash;
}

export interface DataDiff {
  relPath: string;
  older: VersionSide;
  newer: VersionSide;
  /** Same hash: nothing changed in the data. */
  identical: boolean;
  /** A file became a folder or the other way round. */
  kindChanged: boolean;
  dir?: DirDiff;
  /** For a CSV/TSV file whose two versions could be read. */
  csv?: CsvDiff;
  /** For CSV/TSV files modified inside a folder (at most a few, the rest counted in `notes`). */
  csvInDir?: { relpath: string; diff: CsvDiff }[];
  /** What could not be compared and how to get it (e.g. a manifest not in the cache: `dvc fetch`). */
  notes: string[];
}
