import path from 'node:path';
import { formatBytes, recordLabel, shortHash, STATUS_LABELS } from '../../core/dvc/data/dataFormat';
import { computeDataStatus } from '../../core/dvc/data/dataStatus';
import type { DataProblem, DataStatus, DataStatusInfo, TrackedData } from '../../core/dvc/data/dataTypes';
import { listTrackedData } from '../../core/dvc/data/listTrackedData';
import { flag, stringOption, type ParsedArgs } from '../args';
import { EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { formatTable } from '../table';
import { openCliHasher } from '../cliHasher';

/** One tracked path in `data --json`. Field names are stable: scripts depend on them. */
export interface DataItemJson {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  /** Absolute root of the DVC repository. */
  repo: string;
  kind: 'dvc-file' | 'pipeline';
  /** The .dvc file or dvc.lock, relative to the repository root. */
  recordedIn: string;
  stage: string | null;
  hash: string | null;
  hashName: 'md5' | 'md5-dos2unix' | null;
  isDir: boolean | null;
  size: number | null;
  nfiles: number | null;
  status: DataStatus;
  reason: string;
  frozen: boolean;
  cache: boolean;
  importedFrom: string | null;
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'List the data DVC tracks (.dvc files and pipeline outputs) with size, hash and status',
  usage: 'mlops-workbench data [--workspace DIR] [--json]',
  help: `Lists every output of every .dvc file and every output recorded in dvc.lock, in the DVC repositories
in DIR (or the one DIR is inside), with its size, number of files, hash and status, as \`dvc status\` decides it:
  up to date     the workspace matches the record
  modified       the workspace differs from the record (dvc add / dvc repro records it)
  missing        not in the workspace (dvc checkout restores it)
  not in cache   the recorded version is not in the local cache (dvc pull fetches it)
Hashes of unchanged files are not recomputed within one call; nothing is written.

  --workspace DIR      Where to look (default: the current directory).
  --json               Print a JSON array: {path, repo, kind, recordedIn, stage, hash, hashName, isDir,
                       size, nfiles, status, reason, frozen, cache, importedFrom} per tracked path.
  -h, --help           Show this help.`,
  options: { workspace: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  positionals: [],
  run: runData,
};

async function runData(args: ParsedArgs, io: CliIo): Promise<number> {
  const workspace = path.resolve(io.cwd, stringOption(args, 'workspace') ?? '.');
  const listing = await listTrackedData([workspace]);
  const { hasher, close } = await openCliHasher(workspace, io.env);
  let statuses: Map<string, DataStatusInfo>;
  try {
    statuses = await computeDataStatus(listing, hasher);
  } finally {
    await close();
  }
  for (const p of listing.problems) io.stderr.write(`mlops-workbench data: ${p.severity}: ${problemText(p)}\n`);

  const rows = listing.items.map((item) => toJson(item, statuses.get(item.id)));
  if (flag(args, 'json')) {
    io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  if (listing.repos.length === 0) {
    io.stdout.write(`No DVC repository in ${workspace} (no .dvc folder there or above it).\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout.write('DVC tracks no data here yet: `dvc add <path>` tracks a file or folder.\n');
    return EXIT_OK;
  }
  const several = listing.repos.length > 1;
  const table = listing.items.map((item) => {
    const status = statuses.get(item.id);
    const shown = several ? path.relative(workspace, item.path).split(path.sep).join('/') : item.relPath;
    return [
      shown,
      status ? STATUS_LABELS[status.status] : '?',
      item.recorded?.size !== undefined ? formatBytes(item.recorded.size) : '',
      item.recorded?.isDir && item.recorded.nfiles !== undefined ? String(item.recorded.nfiles) : '',
      item.recorded ? shortHash(item.recorded.md5) : '',
      recordLabel(item),
    ];
  });
  io.stdout.write(formatTable(
    [{ header: 'PATH', maxWidth: 60 }, { header: 'STATUS' }, { header: 'SIZE', align: 'right' }, { header: 'FILES', align: 'right' }, { header: 'HASH' }, { header: 'RECORDED IN', maxWidth: 50 }],
    table,
  ));
  return EXIT_OK;
}

function toJson(item: TrackedData, status: DataStatusInfo | undefined): DataItemJson {
  const r = item.recorded;
  return {
    path: item.relPath,
    repo: item.repoRoot,
    kind: item.source.kind,
    recordedIn: path.relative(item.repoRoot, item.source.kind === 'dvc-file' ? item.source.file : item.source.lockFile).split(path.sep).join('/'),
    stage: item.source.kind === 'pipeline' ? item.source.stage : null,
    hash: r?.md5 ?? null,
    hashName: r?.hashName ?? null,
    isDir: r ? r.isDir : null,
    size: r?.size ?? null,
    nfiles: r?.nfiles ?? null,
    status: status?.status ?? 'unknown',
    reason: status?.reason ?? 'Not checked.',
    frozen: item.frozen,
    cache: item.cache,
    importedFrom: item.importedFrom ?? null,
  };
}

function problemText(p: DataProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}
