import fs from 'node:fs';
import path from 'node:path';
import { cacheObjectPath, readCachedManifest } from '../hash/dvcCache';
import type { CsvDiff, DataDiff, RecordedHash, TrackedData, VersionSide } from './dataTypes';
import { csvStatsOfFile, delimiterFor, diffCsvStats, isDelimitedFile } from './csvStats';
import { diffManifests } from './dirDiff';

/** CSV files modified inside a folder that get their rows and columns compared (each is read whole, streamed). */
const MAX_CSV_IN_DIR = 5;

export interface DiffVersionsOptions {
  cacheDir: string;
  /** The workspace's current hash of the item, when known: a version equal to it can be read from the workspace. */
  workspaceMd5?: string;
  signal?: AbortSignal;
}

/**
 * What changed between two versions of a tracked path. Folders: files added, removed and modified, from the two
 * `.dir` manifests in the cache. CSV/TSV files (or CSVs modified inside a folder): rows and columns, streamed from
 * the cache (or the workspace when it holds that version). What cannot be read is said in `notes`, with the fix.
 */
export async function diffVersions(item: TrackedData, older: VersionSide, newer: VersionSide, opts: DiffVersionsOptions): Promise<DataDiff> {
  const a = older.recorded;
  const b = newer.recorded;
  const diff: DataDiff = {
    relPath: item.relPath,
    older,
    newer,
    identical: a.md5 === b.md5,
    kindChanged: a.isDir !== b.isDir,
    notes: [],
  };
  const target = fetchTarget(item);
  const missing = (side: VersionSide, what: string) =>
    `${what} of version ${side.label} (${side.recorded.md5}) is not in the local cache (${opts.cacheDir}). \`dvc fetch --all-commits ${target}\` gets it from the remote (or \`dvc pull\` with that commit checked out).`;

  if (diff.kindChanged) {
    diff.notes.push(`${item.relPath} was a ${a.isDir ? 'folder' : 'file'} in ${older.label} and is a ${b.isDir ? 'folder' : 'file'} in ${newer.label}: only sizes are compared.`);
    return diff;
  }
  if (a.isDir) {
    const before = readCachedManifest(opts.cacheDir, a.md5, a.hashName);
    const after = diff.identical ? before : readCachedManifest(opts.cacheDir, b.md5, b.hashName);
    if (!before) diff.notes.push(missing(older, 'The file list'));
    if (!after && !diff.identical) diff.notes.push(missing(newer, 'The file list'));
    if (!before || !after) return diff;
    diff.dir = diffManifests(before, after, (md5) => cachedSize(opts.cacheDir, md5, a, b));
    const csvs = diff.dir.modified.filter((m) => isDelimitedFile(m.relpath));
    const compared: { relpath: string; diff: CsvDiff }[] = [];
    for (const m of csvs.slice(0, MAX_CSV_IN_DIR)) {
      const oldFile = existingFile(cacheObjectPath(opts.cacheDir, m.older.md5, a.hashName));
      const newFile = existingFile(cacheObjectPath(opts.cacheDir, m.newer.md5, b.hashName));
      if (!oldFile || !newFile) continue;
      const csv = await compareCsvFiles(oldFile, newFile, m.relpath, opts.signal);
      if (typeof csv === 'string') diff.notes.push(`${m.relpath}: ${csv}`);
      else compared.push({ relpath: m.relpath, diff: csv });
    }
    if (compared.length) diff.csvInDir = compared;
    if (csvs.length > MAX_CSV_IN_DIR) diff.notes.push(`${csvs.length - MAX_CSV_IN_DIR} more modified CSV files were not compared row by row.`);
    return diff;
  }

  if (!isDelimitedFile(item.relPath) || diff.identical) return diff;
  const oldFile = contentOf(item, a, opts);
  const newFile = contentOf(item, b, opts);
  if (!oldFile) diff.notes.push(missing(older, 'The content'));
  if (!newFile) diff.notes.push(missing(newer, 'The content'));
  if (!oldFile || !newFile) return diff;
  const csv = await compareCsvFiles(oldFile, newFile, item.relPath, opts.signal);
  if (typeof csv === 'string') diff.notes.push(csv);
  else diff.csv = csv;
  return diff;
}

/** Where a file version's bytes are: its cache object, else the workspace file when it holds that version. */
function contentOf(item: TrackedData, recorded: RecordedHash, opts: DiffVersionsOptions): string | undefined {
  return existingFile(cacheObjectPath(opts.cacheDir, recorded.md5, recorded.hashName)) ?? (opts.workspaceMd5 === recorded.md5 ? existingFile(item.path) : undefined);
}

async function compareCsvFiles(oldFile: string, newFile: string, name: string, signal?: AbortSignal): Promise<CsvDiff | string> {
  const delimiter = delimiterFor(name);
  try {
    const [before, after] = await Promise.all([csvStatsOfFile(oldFile, delimiter, signal), csvStatsOfFile(newFile, delimiter, signal)]);
    return diffCsvStats(before, after);
  } catch (e) {
    if (signal?.aborted) throw e;
    return `cannot be read as ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${(e as Error).message}`;
  }
}

/** A file's size from its cache object (either side's layout). */
function cachedSize(cacheDir: string, md5: string, a: RecordedHash, b: RecordedHash): number | undefined {
  for (const name of new Set([b.hashName, a.hashName])) {
    const stat = fs.statSync(cacheObjectPath(cacheDir, md5, name), { throwIfNoEntry: false });
    if (stat?.isFile()) return stat.size;
  }
  return undefined;
}

function existingFile(p: string): string | undefined {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ? p : undefined;
}

/** What `dvc fetch`/`dvc pull` take to mean this item: its .dvc file, or the output path. */
function fetchTarget(item: TrackedData): string {
  return item.source.kind === 'dvc-file' ? path.relative(item.repoRoot, item.source.file).split(path.sep).join('/') : item.relPath;
}
