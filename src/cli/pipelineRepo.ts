// Which DVC repository a pipeline command works on: the one --workspace DIR (default: the current folder) is in.
import fs from 'node:fs';
import path from 'node:path';
import { enclosingDvcRoot } from '../core/dvc/data/findDvcRepos';
import type { PipelineProblem } from '../core/dvc/pipeline/types';
import { stringOption, type ParsedArgs } from './args';
import { CliError, type CliIo } from './cliIo';
import { sanitizeCell } from './table';

export interface PipelineRepo {
  /** The folder with `.dvc/` (or, without one, the folder with dvc.yaml). */
  repoRoot: string;
  /** Where paths are shown from, as `dvc` run there shows them. */
  cwd: string;
}

export function pipelineRepo(args: ParsedArgs, io: CliIo): PipelineRepo {
  const cwd = path.resolve(io.cwd, stringOption(args, 'workspace') ?? '.');
  if (!fs.existsSync(cwd)) throw new CliError(`--workspace ${cwd} does not exist`);
  const repoRoot = enclosingDvcRoot(cwd) ?? (fs.existsSync(path.join(cwd, 'dvc.yaml')) ? cwd : undefined);
  if (!repoRoot) throw new CliError(`no DVC repository in or above ${cwd} (no .dvc/ folder, and no dvc.yaml there)`);
  return { repoRoot, cwd };
}

/** `file:line:col: message`, the file relative to the current folder, as compilers print problems. */
export function problemLine(p: PipelineProblem, cwd: string): string {
  const where = `${path.relative(cwd, p.file) || p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`;
  return `${where}: ${p.severity}: ${sanitizeCell(p.message)}`;
}
