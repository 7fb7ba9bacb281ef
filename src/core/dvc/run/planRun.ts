// Which stages a run visits and what it will do with each, decided as `dvc repro` decides it
// (dvc/repo/reproduce.py): targets resolved as DVC collects them, the stages ordered by plan_repro (pipeline/dag.ts),
// and each stage's verdict from `dvc status` (status/computeStatus.ts) with the reasons a person can act on.
// Nothing is run or written here.
import path from 'node:path';
import type { DvcHasher } from '../hash/dvcHasher';
import { DvcIgnore } from '../hash/dvcIgnore';
import { planRepro, stageAddress, type PipelineDag } from '../pipeline/dag';
import { loadPipelines, type LoadedPipelines } from '../pipeline/loadPipelines';
import { loadDvcLock } from '../pipeline/lockFile';
import type { DvcLock, PipelineProblem, PipelineStage } from '../pipeline/types';
import { computeStatus } from '../status/computeStatus';
import type { StageStatus, StatusResult } from '../status/statusTypes';
import { PipelineRunError, type PlannedStage } from './runTypes';

export interface LoadedRepo {
  repoRoot: string;
  pipelines: LoadedPipelines;
  locks: DvcLock[];
  /** Warnings that do not stop a run (a dependency no stage writes...). */
  warnings: PipelineProblem[];
}

/**
 * Reads every dvc.yaml and dvc.lock of the repository. Errors that make DVC refuse to run anything (invalid YAML,
 * a schema problem, a cycle, two stages writing one output, an unreadable dvc.lock) throw PipelineRunError naming
 * each file and line.
 */
export async function loadRepo(repoRoot: string, signal?: AbortSignal): Promise<LoadedRepo> {
  const root = path.resolve(repoRoot);
  const pipelines = await loadPipelines(root, signal);
  const problems = [...pipelines.problems];
  const locks: DvcLock[] = [];
  for (const file of pipelines.dvcfiles) {
    const parsed = await loadDvcLock(file.replace(/\.yaml$/, '.lock'));
    if (!parsed) continue;
    problems.push(...parsed.problems);
    if (parsed.lock) locks.push(parsed.lock);
  }
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw problemsError(errors, root);
  if (pipelines.dvcfiles.length === 0) throw new PipelineRunError(`No dvc.yaml in ${root}: there is no pipeline to run.`);
  return { repoRoot: root, pipelines, locks, warnings: problems };
}

export function problemsError(errors: PipelineProblem[], root: string): PipelineRunError {
  const shown = errors.slice(0, 10).map((p) => `${path.relative(root, p.file) || p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ${p.message}`);
  const more = errors.length > shown.length ? `\n  ... and ${errors.length - shown.length} more` : '';
  return new PipelineRunError(
    `The pipeline cannot run until ${errors.length === 1 ? 'this is' : 'these are'} fixed:\n  ${shown.join('\n  ')}${more}`,
    errors.map((p) => ({ file: p.file, line: p.line, column: p.column })),
  );
}

/**
 * The stage addresses `targets` name, as `dvc repro` collects them: a stage's address (`train`,
 * `sub/dvc.yaml:train`), a foreach/matrix group (`evaluate` -> `evaluate@train`, `evaluate@test`), a dvc.yaml
 * (`sub/dvc.yaml`: each of its stages), or `dvc.yaml:name`. Paths are relative to the repository root.
 */
export function resolveTargets(dag: PipelineDag, repoRoot: string, targets: readonly string[]): string[] {
  const out: string[] = [];
  const add = (stages: PipelineStage[]) => {
    for (const s of stages) if (!out.includes(stageAddress(s))) out.push(stageAddress(s));
  };
  for (const target of targets) {
    const t = target.replace(/\\/g, '/');
    const exact = dag.stages.filter((s) => stageAddress(s) === t);
    if (exact.length) {
      add(exact);
      continue;
    }
    const colon = t.lastIndexOf(':');
    const filePart = colon > 0 ? t.slice(0, colon) : t;
    const namePart = colon > 0 ? t.slice(colon + 1) : undefined;
    if (/(^|\/)dvc\.yaml$/.test(filePart)) {
      const file = path.resolve(repoRoot, filePart);
      const inFile = dag.stages.filter((s) => s.dvcfile === file);
      if (inFile.length === 0) throw new PipelineRunError(`'${filePart}' has no stages (or does not exist) in ${repoRoot}.`);
      if (namePart === undefined) {
        add(inFile);
        continue;
      }
      const named = inFile.filter((s) => s.name === namePart || s.generatedFrom === namePart);
      if (named.length === 0) throw notFound(dag, target);
      add(named);
      continue;
    }
    const byName = dag.stages.filter((s) => s.name === t);
    const group = dag.stages.filter((s) => s.generatedFrom === t);
    const found = byName.length ? byName : group;
    const files = new Set(found.map((s) => s.dvcfile));
    if (files.size > 1) {
      throw new PipelineRunError(`Stage name '${target}' is in several dvc.yaml files: ${[...new Set(found.map(stageAddress))].join(', ')}. Use the full address.`);
    }
    if (found.length === 0) throw notFound(dag, target);
    add(found);
  }
  return out;
}

function notFound(dag: PipelineDag, target: string): PipelineRunError {
  const known = dag.stages.map(stageAddress);
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ...` : known.join(', ');
  return new PipelineRunError(`Stage '${target}' is not in the pipelines. Stages: ${list}.`);
}

export interface PlanOptions {
  repoRoot: string;
  targets?: readonly string[];
  downstream?: boolean;
  force?: boolean;
  hasher: DvcHasher;
  signal?: AbortSignal;
  /** An already loaded repository (default: read now). */
  repo?: LoadedRepo;
}

export interface PipelinePlan {
  repo: LoadedRepo;
  /** The stages in the order `dvc repro` visits them. */
  order: PipelineStage[];
  planned: PlannedStage[];
  status: StatusResult;
}

/** The run plan: order, and for each stage what a run would do and why. */
export async function planPipelineRun(opts: PlanOptions): Promise<PipelinePlan> {
  const repo = opts.repo ?? (await loadRepo(opts.repoRoot, opts.signal));
  const { dag } = repo.pipelines;
  const targets = opts.targets?.length ? resolveTargets(dag, repo.repoRoot, opts.targets) : undefined;
  const order = planRepro(dag, targets, { downstream: opts.downstream });
  const status = await computeStatus({ repoRoot: repo.repoRoot, stages: order, locks: repo.locks, hasher: opts.hasher, ignore: new DvcIgnore(repo.repoRoot), signal: opts.signal });
  const planned: PlannedStage[] = [];
  const actionOf = new Map<PipelineStage, PlannedStage['action']>();
  order.forEach((stage, i) => {
    const st = status.stages[i];
    const p = planStage(stage, st, !!opts.force);
    if (p.action === 'skip') {
      const index = dag.stages.indexOf(stage);
      const upstream = (stage.frozen ? [] : dag.dependsOn[index]).map((j) => dag.stages[j]).filter((u) => actionOf.get(u) === 'run' || actionOf.get(u) === 'maybe');
      if (upstream.length) {
        p.action = 'maybe';
        p.why = [`Up to date now, but ${upstream.map((u) => `'${stageAddress(u)}'`).join(', ')} ${upstream.length > 1 ? 'run' : 'runs'} first; it runs if ${upstream.length > 1 ? 'their' : 'its'} outputs change.`];
      }
    }
    actionOf.set(stage, p.action);
    planned.push(p);
  });
  return { repo, order, planned, status };
}

/** What `dvc repro` does with one stage given its status now (Stage.reproduce / Stage.run). */
export function planStage(stage: PipelineStage, st: StageStatus, force: boolean): PlannedStage {
  const base = { address: stageAddress(stage), name: stage.name, dvcfile: stage.dvcfile };
  const reasons = st.reasons.filter((r) => r.kind !== 'frozen').map((r) => r.message);
  if (stage.frozen) {
    if (force || st.wouldRun) {
      return { ...base, action: 'verify', why: [`Frozen: its command is not run; DVC checks its outputs and records them again${force ? ' (--force)' : ''}.`, ...reasons] };
    }
    return { ...base, action: 'frozen', why: ['Frozen: not run, and its dependencies are not checked.'] };
  }
  if (force) return { ...base, action: 'run', why: ['Forced (--force).', ...reasons] };
  if (st.wouldRun) return { ...base, action: 'run', why: reasons.length ? reasons : ['Changed.'] };
  return { ...base, action: 'skip', why: ['Up to date.'] };
}
