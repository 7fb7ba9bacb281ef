import path from 'node:path';
import { DvcHasher } from '../../core/dvc/hash/dvcHasher';
import { DvcIgnore } from '../../core/dvc/hash/dvcIgnore';
import { loadPipelines } from '../../core/dvc/pipeline/loadPipelines';
import { loadDvcLock } from '../../core/dvc/pipeline/lockFile';
import type { DvcLock, PipelineProblem } from '../../core/dvc/pipeline/types';
import { computeStatus } from '../../core/dvc/status/computeStatus';
import { loadDvcFiles } from '../../core/dvc/status/dvcFile';
import { toDvcStatusJson } from '../../core/dvc/status/dvcStatusJson';
import type { StageStatus, StatusResult } from '../../core/dvc/status/statusTypes';
import { flag, type ParsedArgs } from '../args';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { pipelineRepo, problemLine } from '../pipelineRepo';
import { formatTable } from '../table';
import { openCliHasher } from '../cliHasher';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show which pipeline stages and .dvc files changed, and why (as `dvc status`)',
  usage: 'mlops-workbench status [--json] [--workspace DIR]',
  help: `Decides, as \`dvc status\` does, which stages of every dvc.yaml (and which .dvc files) of the DVC repository
DIR is in have changed since dvc.lock recorded them: a dependency modified, new or deleted; a param changed (with
its old and new value); an output missing, modified or not in the cache; the command changed; always_changed.
Hashes are DVC's, read from the hash cache when a file is unchanged. Nothing is written.

  --json               Print exactly what \`dvc status --json\` prints ({} when everything is up to date).
  --workspace DIR      The repository (or a folder in it; paths are shown from there). Default: the current folder.
  -h, --help           Show this help.

Exit codes: 0 done; 1 a dvc.yaml or dvc.lock has errors (printed on stderr; the other stages are still shown).`,
  options: { json: { type: 'boolean' }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  positionals: [],
  run: runStatus,
};

/** `dvc status` for the whole repository, with the problems met on the way. */
export async function repoStatus(repoRoot: string, cwd: string, hasher: DvcHasher): Promise<{ result: StatusResult; problems: PipelineProblem[] }> {
  const pipelines = await loadPipelines(repoRoot);
  const problems: PipelineProblem[] = [...pipelines.problems];
  const locks: DvcLock[] = [];
  for (const file of pipelines.dvcfiles) {
    const parsed = await loadDvcLock(file.replace(/\.yaml$/, '.lock'));
    if (!parsed) continue;
    problems.push(...parsed.problems);
    if (parsed.lock) locks.push(parsed.lock);
  }
  const ignore = new DvcIgnore(repoRoot);
  const skipDirs = new Set(pipelines.stages.flatMap((s) => s.outs.map((o) => path.resolve(s.wdir, o.path))));
  const dvcFiles = await loadDvcFiles(repoRoot, { ignore, skipDirs });
  problems.push(...dvcFiles.problems);
  const result = await computeStatus({ repoRoot, stages: pipelines.stages, locks, dvcFiles: dvcFiles.stages, hasher, cwd, ignore });
  problems.push(...result.problems);
  return { result, problems };
}

async function runStatus(args: ParsedArgs, io: CliIo): Promise<number> {
  const { repoRoot, cwd } = pipelineRepo(args, io);
  const { hasher, close } = await openCliHasher(repoRoot, io.env);
  try {
    const { result, problems } = await repoStatus(repoRoot, cwd, hasher);
    const seen = new Set<string>();
    for (const p of problems) {
      const line = problemLine(p, cwd);
      if (seen.has(line)) continue;
      seen.add(line);
      io.stderr.write(`mlops-workbench status: ${line}\n`);
    }
    io.stdout.write(flag(args, 'json') ? toDvcStatusJson(result) + '\n' : statusTable(result));
    return problems.some((p) => p.severity === 'error') ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await close();
  }
}

/** One word for a stage's state. */
export function stageState(s: StageStatus): string {
  if (s.frozen && !s.changed) return 'frozen';
  if (!s.changed) return 'up to date';
  if (s.kind === 'pipeline' && !s.inLock) return 'never run';
  if (s.alwaysChanged && s.reasons.every((r) => r.kind === 'always-changed' || r.kind === 'frozen')) return 'always changed';
  return s.frozen ? 'frozen, changed' : 'changed';
}

/** A row per reason; the stage and its state on the first. */
export function statusTable(result: StatusResult): string {
  const rows: string[][] = [];
  for (const s of result.stages) {
    const reasons = s.changed ? s.reasons.map((r) => r.message) : [];
    rows.push([s.address, stageState(s), reasons[0] ?? '']);
    for (const r of reasons.slice(1)) rows.push(['', '', r]);
  }
  if (rows.length === 0) return 'No pipelines or .dvc files.\n';
  const changed = result.stages.filter((s) => s.changed).length;
  const summary = changed === 0 ? 'Data and pipelines are up to date.' : `${changed} of ${result.stages.length} changed.`;
  return formatTable([{ header: 'STAGE' }, { header: 'STATUS' }, { header: 'WHY' }], rows) + summary + '\n';
}
