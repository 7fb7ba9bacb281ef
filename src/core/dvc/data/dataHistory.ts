import fs from 'node:fs';
import path from 'node:path';
import { parseDvcLock } from '../pipeline/lockFile';
import { normalizeDefPath } from '../status/computeStatus';
import { parseDvcFile } from '../status/dvcFile';
import type { DataHistory, DataProblem, DataVersion, RecordedHash, TrackedData } from './dataTypes';
import { fileLog, gitTopLevel, readBlobs } from './git';
import { recordedHashOf, sameRecorded } from './recordedHash';

export interface DataHistoryOptions {
  /** Versions to list at most (default 100). */
  maxVersions?: number;
  /** dvc.lock commits to read at most while looking for the versions of one output (default 1000). */
  maxLockCommits?: number;
  signal?: AbortSignal;
}

/**
 * The versions of a tracked path, newest first, from git: each commit of its .dvc file (`git log --follow`, so a
 * renamed .dvc file keeps its past), or, for a pipeline output, each commit of dvc.lock in which that output's entry
 * changed. Each version carries what that commit recorded (`git cat-file --batch`, one process for all commits).
 * A record on disk that no listed commit has (not committed yet) comes first, without a commit; `current` says
 * which version the file on disk records.
 * Throws GitError when git is missing or the folder is not a repository.
 */
export async function dataHistory(item: TrackedData, opts: DataHistoryOptions = {}): Promise<DataHistory> {
  const maxVersions = opts.maxVersions ?? 100;
  const src = item.source;
  const recordFile = src.kind === 'dvc-file' ? src.file : src.lockFile;
  const top = await gitTopLevel(path.dirname(recordFile), opts.signal);
  const relRecord = path.relative(top, recordFile).split(path.sep).join('/');
  const isLock = src.kind === 'pipeline';
  const limit = isLock ? (opts.maxLockCommits ?? 1000) : maxVersions + 1;
  const commits = await fileLog(top, relRecord, { maxCount: limit, signal: opts.signal });
  const specs = commits.map((c) => `${c.commit}:${c.path}`);
  const blobs = await readBlobs(top, specs, opts.signal);

  const problems: DataProblem[] = [];
  const entryAt = (text: string, where: string): RecordedHash | undefined => {
    const found = recordedIn(item, text, recordFile);
    for (const p of found.problems) problems.push({ ...p, message: `${where}: ${p.message}` });
    return found.recorded;
  };

  let versions: DataVersion[] = commits.map((c) => {
    const blob = blobs.get(`${c.commit}:${c.path}`);
    const version: DataVersion = { commit: c.commit, date: c.date, author: c.author, authorEmail: c.authorEmail, subject: c.subject, recordPath: c.path };
    if (blob) version.recorded = entryAt(blob.toString('utf8'), `${c.path} at ${c.commit.slice(0, 7)}`);
    return version;
  });

  let truncated: boolean;
  if (isLock) {
    // Only the commits where this output's entry changed (appeared, changed hash, or disappeared).
    truncated = commits.length >= limit;
    const kept: DataVersion[] = [];
    let last: RecordedHash | undefined;
    let any = false;
    for (const v of [...versions].reverse()) {
      if (any ? sameRecorded(last, v.recorded) : v.recorded === undefined) continue;
      kept.push(v);
      last = v.recorded;
      any = true;
    }
    versions = kept.reverse();
    if (versions.length > maxVersions) {
      versions = versions.slice(0, maxVersions);
      truncated = true;
    }
  } else {
    truncated = versions.length > maxVersions;
    versions = versions.slice(0, maxVersions);
  }

  // What the file on disk records: which listed version is current, or a version not committed yet.
  let onDisk: string | undefined;
  try {
    onDisk = await fs.promises.readFile(recordFile, 'utf8');
  } catch {
    onDisk = undefined;
  }
  let current: number | undefined;
  if (onDisk !== undefined) {
    const now = entryAt(onDisk, relRecord);
    // The version on disk: HEAD's, an older one checked out (`git checkout <rev> -- file`), or one not committed.
    const committed = now ? versions.findIndex((v) => v.commit !== undefined && sameRecorded(v.recorded, now)) : -1;
    if (committed >= 0) current = committed;
    else if (now) {
      versions.unshift({ recordPath: relRecord, recorded: now });
      current = 0;
    }
  }
  return { versions, current, truncated, problems: dedupe(problems) };
}

/** What one version of the .dvc file or dvc.lock records for this item's output. */
export function recordedIn(item: TrackedData, text: string, file: string): { recorded?: RecordedHash; problems: DataProblem[] } {
  const src = item.source;
  const want = normalizeDefPath(src.outPath);
  if (src.kind === 'dvc-file') {
    const parsed = parseDvcFile(text, file);
    const outs = parsed.stage?.outs ?? [];
    // Match by path; a .dvc file with a single output keeps it across a rename of the data.
    const out = outs.find((o) => normalizeDefPath(o.path) === want) ?? (outs.length === 1 ? outs[0] : undefined);
    return { recorded: out ? recordedHashOf(out) : undefined, problems: parsed.problems };
  }
  const parsed = parseDvcLock(text, file);
  const entry = parsed.lock?.stages[src.stage]?.outs.find((o) => normalizeDefPath(o.path) === want);
  return { recorded: entry ? recordedHashOf(entry) : undefined, problems: parsed.problems };
}

function dedupe(problems: DataProblem[]): DataProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line ?? ''}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
