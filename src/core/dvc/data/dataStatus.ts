import path from 'node:path';
import type { DvcHasher } from '../hash/dvcHasher';
import { computeStatus } from '../status/computeStatus';
import type { OutStatus } from '../status/statusTypes';
import type { DataStatus, DataStatusInfo, TrackedData } from './dataTypes';
import type { DataListing } from './listTrackedData';

/**
 * The status of every listed item, as `dvc status` decides it (the status module's computeStatus, one batch per
 * repository: cached hashes reused, cold files hashed on worker threads), with a reason a person can act on.
 */
export async function computeDataStatus(listing: DataListing, hasher: DvcHasher, signal?: AbortSignal): Promise<Map<string, DataStatusInfo>> {
  const out = new Map<string, DataStatusInfo>();
  for (const repo of listing.repos) {
    const items = listing.items.filter((i) => i.repoRoot === repo.root);
    if (items.length === 0) continue;
    const result = await computeStatus({ repoRoot: repo.root, stages: repo.stages, locks: repo.locks, dvcFiles: repo.dvcFiles, hasher, cacheDir: repo.cacheDir, signal });
    const byKey = new Map<string, OutStatus>();
    for (const stage of result.stages) for (const o of stage.outs) byKey.set(outKey(stage.file, stage.name, o.path), o);
    for (const item of items) {
      const src = item.source;
      const key = src.kind === 'dvc-file' ? outKey(src.file, undefined, item.path) : outKey(src.lockFile.replace(/\.lock$/, '.yaml'), src.stage, item.path);
      const o = byKey.get(key);
      out.set(item.id, o ? statusInfoOf(item, o) : unknownStatus(item));
    }
  }
  return out;
}

/** An output computeStatus did not report: its stage is not in dvc.yaml any more, or dvc.yaml could not be read. */
function unknownStatus(item: TrackedData): DataStatusInfo {
  const src = item.source;
  const where = src.kind === 'pipeline' ? `stage ${src.stage} of ${path.basename(src.lockFile.replace(/\.lock$/, '.yaml'))}` : path.basename(src.file);
  return { status: 'unknown', reason: `${where} could not be read (or no longer defines ${item.relPath}), so its status is unknown; DVC would not check it either.` };
}

function outKey(file: string, stage: string | undefined, abs: string): string {
  return `${file}\0${stage ?? ''}\0${abs}`;
}

const STATES: Record<NonNullable<OutStatus['state']>, DataStatus> = {
  'not in cache': 'not-in-cache',
  deleted: 'missing',
  modified: 'modified',
  new: 'new',
  error: 'error',
};

/** Our status and reason from computeStatus's verdict on one output. */
export function statusInfoOf(item: TrackedData, o: OutStatus): DataStatusInfo {
  const status: DataStatus = o.state ? STATES[o.state] : 'up-to-date';
  const info: DataStatusInfo = { status, reason: reasonFor(item, status, o) };
  if (o.current) info.workspace = { md5: o.current.md5, size: o.current.size, isDir: o.current.isDir, ...(o.current.nfiles !== undefined ? { nfiles: o.current.nfiles } : {}) };
  if (o.folderChanges) info.folderChanges = o.folderChanges;
  return info;
}

/** The commands DVC users run for each state, naming this item's .dvc file or stage. */
function reasonFor(item: TrackedData, status: DataStatus, o: OutStatus): string {
  const src = item.source;
  const record = src.kind === 'dvc-file' ? path.relative(item.repoRoot, src.file).split(path.sep).join('/') : 'dvc.lock';
  const target = src.kind === 'dvc-file' ? record : src.stage;
  switch (status) {
    case 'up-to-date':
      return `${item.relPath} matches what ${record} records.`;
    case 'modified': {
      const fix = src.kind === 'dvc-file' ? `\`dvc add ${item.relPath}\` records the new version` : `\`dvc repro ${target}\` (or \`dvc commit ${target}\`) records it`;
      return `${item.relPath} differs from what ${record} records: ${fix}; \`dvc checkout ${target}\` restores the recorded one.`;
    }
    case 'missing':
      return `${item.relPath} is not in the workspace: \`dvc checkout ${target}\` restores it from the cache.`;
    case 'not-in-cache':
      return `The version ${record} records is not in the local cache: \`dvc pull ${target}\` fetches it from the remote${src.kind === 'dvc-file' ? `, or \`dvc commit ${target}\` stores the workspace copy if it is the right one` : ''}.`;
    case 'new':
      return `${record} records no hash for ${item.relPath} yet: \`dvc commit ${target}\` records it.`;
    case 'error':
      return o.error ?? `${item.relPath} could not be hashed.`;
    case 'unknown':
      return `The status of ${item.relPath} is unknown.`;
  }
}
