// What a pipeline run takes and tells: one shape for the built-in runner and for `dvc repro`, so the Pipelines
// view, the CodeLens, the DAG panel and the CLI call one function (runPipeline) whichever runs the stages.
import type { DvcHasher } from '../hash/dvcHasher';

/** The `mlops.pipeline.runner` setting. */
export type RunnerChoice = 'auto' | 'dvc' | 'builtin';
export type RunnerKind = 'dvc' | 'builtin';

/** `stdout`/`stderr` come from the stage's commands (or DVC); `info` lines are the runner's own, as DVC prints them. */
export type OutputStream = 'stdout' | 'stderr' | 'info';

/** What `dvc repro` would do with a stage, and why (for dry runs, the UI and progress). */
export interface PlannedStage {
  /** `train`, `sub/dvc.yaml:train`, `evaluate@test`. */
  address: string;
  name: string;
  /** Absolute path of its dvc.yaml. */
  dvcfile: string;
  /**
   * `run`: changed (or forced); `maybe`: unchanged now, but a stage it depends on runs first and may change its
   * inputs; `skip`: up to date; `frozen`: not run (its outputs are only checked when they changed); `verify`: a
   * frozen stage whose outputs or command changed, which DVC records again without running it.
   */
  action: 'run' | 'maybe' | 'skip' | 'frozen' | 'verify';
  /** Sentences a person can act on (from the status: which dep, which param and its values, which output). */
  why: string[];
}

export type RunEvent =
  | { kind: 'runner'; runner: RunnerKind; message: string }
  | { kind: 'plan'; stages: PlannedStage[] }
  | { kind: 'stage-started'; address: string; dvcfile?: string; why: string[] }
  | { kind: 'command-started'; address: string; command: string; index: number; count: number }
  | { kind: 'stage-skipped'; address: string; message: string }
  | { kind: 'stage-finished'; address: string; durationMs: number; outcome: 'ran' | 'verified' | 'restored' }
  | { kind: 'stage-failed'; address: string; durationMs: number; message: string; exitCode?: number }
  | { kind: 'stage-cancelled'; address: string; durationMs: number };

export type StageOutcomeKind = 'ran' | 'verified' | 'restored' | 'skipped' | 'failed' | 'cancelled' | 'not-run';

export interface StageOutcome {
  address: string;
  outcome: StageOutcomeKind;
  durationMs?: number;
  /** Exit code of the failing command. */
  exitCode?: number;
  message?: string;
}

export interface RunPipelineOptions {
  /** The DVC repository (the folder with `.dvc/`, or with dvc.yaml when there is none). */
  repoRoot: string;
  /**
   * Stage addresses (`train`, `sub/dvc.yaml:train`), foreach/matrix group names (`evaluate` for every
   * `evaluate@...`) or dvc.yaml paths (every stage in it). None: every stage of every pipeline (`dvc repro -P`).
   */
  targets?: string[];
  /** The targets and every stage downstream of them (`dvc repro --downstream`), instead of their upstream. */
  downstream?: boolean;
  /** Run the planned stages even when up to date (`dvc repro --force`). */
  force?: boolean;
  /** Default `auto`: DVC when it answers `dvc --version`, else the built-in runner. */
  runner?: RunnerChoice;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: OutputStream) => void;
  onEvent?: (event: RunEvent) => void;
  /** Shared hasher (with the extension's persistent hash cache); default one of its own, closed at the end. */
  hasher?: DvcHasher;
  /** Environment of the commands (default process.env); `SHELL` picks the shell, as for DVC. */
  env?: NodeJS.ProcessEnv;
  /** Where else to look for DVC (`<folder>/.venv/bin/dvc`): the workspace folder when the repo is below it. */
  workspaceRoot?: string;
  /** An explicit DVC executable (tried first). */
  dvcPath?: string;
}

export interface RunResult {
  ok: boolean;
  runner: RunnerKind;
  cancelled: boolean;
  /** The first failure: which stage and why (the command, its exit code). */
  failedStage?: string;
  exitCode?: number;
  message?: string;
  /** Every planned stage in run order with what happened to it (the DVC runner reports what DVC printed). */
  stages: StageOutcome[];
  durationMs: number;
}

/** A problem that stops a run before anything is changed: bad dvc.yaml, unknown target, a refused removal... */
export class PipelineRunError extends Error {
  constructor(
    message: string,
    /** Files (and lines) the message is about. */
    readonly where: { file: string; line?: number; column?: number }[] = [],
  ) {
    super(message);
    this.name = 'PipelineRunError';
  }
}
