// The core runner (built-in or `dvc repro`, src/core/dvc/run) seen through the feature's small run contract.
import type { DvcHasher } from '../../core/dvc/hash/dvcHasher';
import { runPipeline } from '../../core/dvc/run/runPipeline';
import type { RunEvent, RunnerKind } from '../../core/dvc/run/runTypes';
import type { PipelineRunEvent, PipelineRunOutcome, RunPipelineFn } from './pipelineRunTypes';

const DONE = new Set(['ran', 'verified', 'restored']);

/** A RunPipelineFn over the core's runPipeline, sharing the extension's hasher (and its persistent hash cache). */
export function coreRunner(hasher: DvcHasher, workspaceRoot: () => string | undefined): RunPipelineFn {
  return async (req) => {
    let runner: RunnerKind = req.runner === 'dvc' ? 'dvc' : 'builtin';
    const lastCommand = new Map<string, string>();
    const emit = (e: PipelineRunEvent) => req.onEvent(e);
    const onEvent = (e: RunEvent) => {
      switch (e.kind) {
        case 'runner':
          runner = e.runner;
          req.onOutput(`\x1b[2m${e.message}\x1b[22m\n`);
          break;
        case 'plan':
          emit({ kind: 'plan', runner, stages: e.stages.filter((s) => s.action === 'run' || s.action === 'maybe' || s.action === 'verify').map((s) => s.address) });
          break;
        case 'stage-started':
          emit({ kind: 'stageStart', stage: e.address });
          break;
        case 'command-started':
          lastCommand.set(e.address, e.command);
          break;
        case 'stage-skipped':
        case 'stage-cancelled':
          emit({ kind: 'stageSkipped', stage: e.address });
          break;
        case 'stage-finished':
          emit({ kind: 'stageDone', stage: e.address, ms: e.durationMs });
          break;
        case 'stage-failed':
          emit({ kind: 'stageFailed', stage: e.address, exitCode: e.exitCode, command: lastCommand.get(e.address), message: e.message });
          break;
      }
    };
    const result = await runPipeline({
      repoRoot: req.repoRoot,
      targets: req.targets,
      downstream: req.downstream,
      force: req.force,
      runner: req.runner,
      signal: req.signal,
      hasher,
      workspaceRoot: workspaceRoot(),
      onOutput: (text) => req.onOutput(text),
      onEvent,
    });
    const outcome: PipelineRunOutcome = {
      ok: result.ok,
      cancelled: result.cancelled,
      runner: result.runner,
      ran: result.stages.filter((s) => DONE.has(s.outcome)).map((s) => s.address),
      ms: result.durationMs,
    };
    if (!result.ok && !result.cancelled) {
      outcome.failed = {
        stage: result.failedStage ?? '',
        command: result.failedStage ? lastCommand.get(result.failedStage) : undefined,
        exitCode: result.exitCode,
        message: result.message ?? 'the run failed',
      };
    }
    return outcome;
  };
}
