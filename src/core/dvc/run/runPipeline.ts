// One entry point for running pipelines, whichever runner does it (the `mlops.pipeline.runner` setting):
// `dvc` calls `dvc repro`, `builtin` runs the stages itself, `auto` uses DVC when it answers `dvc --version`
// (asked once per folder) and the built-in runner otherwise. One run at a time per repository.
import path from 'node:path';
import { findDvc, INSTALL_DVC_HINT, type DvcExecutable } from '../data/dvcCli';
import { DvcHasher } from '../hash/dvcHasher';
import { runBuiltin } from './builtinRunner';
import { runWithDvc } from './dvcRunner';
import { planPipelineRun } from './planRun';
import { PipelineRunError, type RunnerChoice, type RunnerKind, type RunPipelineOptions, type RunResult } from './runTypes';

const dvcLookups = new Map<string, Promise<DvcExecutable | undefined>>();

/**
 * The DVC a run would use: `explicit`, else `<folder>/.venv/bin/dvc` (and venv/, env/) of the repository and of the
 * workspace folder, else `dvc` on PATH. Each answer is remembered; `forgetDvcLookups()` asks again (after an
 * install or a settings change). Runs `dvc --version`: call it only where running workspace code is allowed.
 */
export function lookupDvc(repoRoot: string, opts: { workspaceRoot?: string; explicit?: string } = {}): Promise<DvcExecutable | undefined> {
  const key = `${path.resolve(repoRoot)}\0${opts.workspaceRoot ? path.resolve(opts.workspaceRoot) : ''}\0${opts.explicit ?? ''}`;
  let found = dvcLookups.get(key);
  if (!found) {
    found = (async () => {
      const inRepo = await findDvc(repoRoot, { explicit: opts.explicit });
      if (inRepo && inRepo.command !== 'dvc') return inRepo;
      if (opts.workspaceRoot && path.resolve(opts.workspaceRoot) !== path.resolve(repoRoot)) {
        const inWorkspace = await findDvc(opts.workspaceRoot);
        if (inWorkspace) return inWorkspace;
      }
      return inRepo;
    })();
    dvcLookups.set(key, found);
  }
  return found;
}

export function forgetDvcLookups(): void {
  dvcLookups.clear();
}

/** Which runner a run with this choice uses, and the DVC for it. Throws PipelineRunError for `dvc` without DVC. */
export async function chooseRunner(choice: RunnerChoice, repoRoot: string, opts: { workspaceRoot?: string; dvcPath?: string } = {}): Promise<{ runner: RunnerKind; dvc?: DvcExecutable; message: string }> {
  if (choice === 'builtin') return { runner: 'builtin', message: 'Built-in runner (mlops.pipeline.runner = builtin).' };
  const dvc = await lookupDvc(repoRoot, { workspaceRoot: opts.workspaceRoot, explicit: opts.dvcPath });
  if (dvc) return { runner: 'dvc', dvc, message: `DVC ${dvc.version} (${dvc.command}).` };
  if (choice === 'dvc') throw new PipelineRunError(`mlops.pipeline.runner is 'dvc', but ${INSTALL_DVC_HINT} Or set it to 'auto' or 'builtin' to use the built-in runner.`);
  return { runner: 'builtin', message: 'Built-in runner: DVC is not installed (mlops.pipeline.runner = auto).' };
}

const activeRuns = new Set<string>();

/**
 * Before `dvc repro` starts, our plan of it (what would run and why) for the UI. Best effort: when our reading of
 * the pipeline fails, DVC, which runs it, reports the problem itself.
 */
async function announcePlan(opts: RunPipelineOptions, repoRoot: string): Promise<void> {
  const hasher = opts.hasher ?? new DvcHasher();
  try {
    const plan = await planPipelineRun({ repoRoot, targets: opts.targets, downstream: opts.downstream, force: opts.force, hasher, signal: opts.signal });
    opts.onEvent?.({ kind: 'plan', stages: plan.planned });
  } catch {
    // See above.
  } finally {
    if (!opts.hasher) await hasher.close();
  }
}

/**
 * Runs a pipeline: the targets (or every stage) in DVC's order, skipping what is up to date, streaming output and
 * events, cancellable with `signal` (the whole process tree is ended). Resolves with what happened; rejects only
 * with PipelineRunError for what stops a run before it starts (bad dvc.yaml, unknown target, DVC missing for
 * `runner: 'dvc'`, a run already going in this repository).
 */
export async function runPipeline(opts: RunPipelineOptions): Promise<RunResult> {
  const repoRoot = path.resolve(opts.repoRoot);
  if (activeRuns.has(repoRoot)) throw new PipelineRunError(`A pipeline run is already going in ${repoRoot}; wait for it or cancel it first.`);
  activeRuns.add(repoRoot);
  try {
    const chosen = await chooseRunner(opts.runner ?? 'auto', repoRoot, { workspaceRoot: opts.workspaceRoot, dvcPath: opts.dvcPath });
    opts.onEvent?.({ kind: 'runner', runner: chosen.runner, message: chosen.message });
    if (chosen.runner === 'dvc' && chosen.dvc) {
      if (opts.onEvent) await announcePlan(opts, repoRoot);
      return await runWithDvc(chosen.dvc, { ...opts, repoRoot });
    }
    return await runBuiltin({ ...opts, repoRoot });
  } finally {
    activeRuns.delete(repoRoot);
  }
}
