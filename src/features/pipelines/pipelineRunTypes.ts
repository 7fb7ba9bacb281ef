// What the Pipelines feature needs of a pipeline runner: one call, output as text, events per stage. The core
// runner (src/core/dvc/run) is adapted to this in coreRunner.ts, so the views never depend on its details. Pure.

export type RunnerSetting = 'auto' | 'dvc' | 'builtin';

export interface PipelineRunRequest {
  repoRoot: string;
  /** Stage addresses as `dvc repro` takes them (`train`, `sub/dvc.yaml:train`); undefined: every changed stage. */
  targets?: string[];
  /** The targets and every stage downstream of them (`dvc repro --downstream`). */
  downstream?: boolean;
  /** Run even when up to date (`dvc repro --force`). */
  force?: boolean;
  runner: RunnerSetting;
  signal: AbortSignal;
  /** The commands' output and the runner's own lines, as they come. */
  onOutput(text: string): void;
  onEvent(event: PipelineRunEvent): void;
}

export type PipelineRunEvent =
  /** The stages that will be looked at, in order (up-to-date ones are then skipped). */
  | { kind: 'plan'; stages: string[]; runner: 'dvc' | 'builtin' }
  | { kind: 'stageStart'; stage: string }
  | { kind: 'stageSkipped'; stage: string }
  | { kind: 'stageDone'; stage: string; ms?: number }
  | { kind: 'stageFailed'; stage: string; exitCode?: number; command?: string; message: string };

export interface PipelineRunOutcome {
  ok: boolean;
  cancelled: boolean;
  runner: 'dvc' | 'builtin';
  /** Addresses of the stages whose commands ran and succeeded. */
  ran: string[];
  failed?: { stage: string; command?: string; exitCode?: number; message: string };
  ms: number;
}

export type RunPipelineFn = (request: PipelineRunRequest) => Promise<PipelineRunOutcome>;

/** "Stage 'train' failed: `python3 fit.py` exited with code 1." */
export function failureText(f: PipelineRunOutcome['failed']): string {
  if (!f) return 'The pipeline run failed.';
  if (!f.stage) return `The pipeline run failed: ${f.message}`;
  const cmd = f.command ? `\`${f.command}\` ` : '';
  if (f.exitCode !== undefined) return `Stage '${f.stage}' failed: ${cmd}exited with code ${f.exitCode}.`;
  return `Stage '${f.stage}' failed: ${f.message}`;
}
