// The DVC runner: `dvc repro` itself, in its own process group (cancel ends DVC and the stage's command), its output
// streamed, and its log lines ("Running stage 'x':", "Stage 'x' didn't change, skipping", "ERROR: failed to
// reproduce 'x': ...") turned into the same progress events the built-in runner sends.
import type { DvcExecutable } from '../data/dvcCli';
import { runProcess, type ProcessStream } from './processTree';
import type { RunEvent, RunPipelineOptions, RunResult, StageOutcome } from './runTypes';

/** `dvc repro` arguments for the options: targets as given, else every pipeline (`--all-pipelines`). */
export function dvcReproArgs(opts: Pick<RunPipelineOptions, 'targets' | 'downstream' | 'force'>): string[] {
  const args = ['repro'];
  if (opts.targets?.length) {
    args.push(...opts.targets);
    if (opts.downstream) args.push('--downstream');
  } else {
    args.push('--all-pipelines');
  }
  if (opts.force) args.push('--force');
  return args;
}

interface Open {
  address: string;
  started: number;
  outcome: 'ran' | 'verified' | 'restored';
}

/** Turns DVC's log lines into events and outcomes. */
export class DvcLogReader {
  readonly outcomes: StageOutcome[] = [];
  failedStage?: string;
  failure?: string;
  exitCode?: number;
  private open?: Open;
  private readonly partial: Record<ProcessStream, string> = { stdout: '', stderr: '' };

  constructor(private readonly emit: (e: RunEvent) => void, private readonly now: () => number = () => performance.now()) {}

  write(text: string, stream: ProcessStream): void {
    const lines = (this.partial[stream] + text).split(/\r?\n/);
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Call when DVC exited: closes the stage still open (finished when DVC succeeded, failed otherwise). */
  end(exitCode: number | undefined, cancelled: boolean): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.line(this.partial[stream]);
      this.partial[stream] = '';
    }
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    const durationMs = this.now() - open.started;
    if (cancelled) {
      this.outcomes.push({ address: open.address, outcome: 'cancelled', durationMs });
      this.emit({ kind: 'stage-cancelled', address: open.address, durationMs });
    } else if (exitCode === 0) {
      this.finish(open);
    } else {
      const message = this.failure ?? `dvc repro exited with ${exitCode ?? 'a signal'}`;
      this.failedStage ??= open.address;
      this.outcomes.push({ address: open.address, outcome: 'failed', durationMs, message, exitCode: this.exitCode });
      this.emit({ kind: 'stage-failed', address: open.address, durationMs, message, exitCode: this.exitCode });
    }
  }

  private line(raw: string): void {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Running stage '(.+)':$/.exec(line))) this.start(m[1], 'ran');
    else if ((m = /^Verifying outputs in frozen stage: '(.+)'$/.exec(line))) this.start(m[1], 'verified');
    else if ((m = /^Stage '(.+)' is cached - skipping run, checking out outputs$/.exec(line))) this.start(m[1], 'restored');
    else if ((m = /^Stage '(.+)' didn't change, skipping$/.exec(line))) {
      this.closeOpen();
      const message = line;
      this.outcomes.push({ address: m[1], outcome: 'skipped', message });
      this.emit({ kind: 'stage-skipped', address: m[1], message });
    } else if ((m = /^ERROR: failed to reproduce '(.+?)': (.*)$/.exec(line))) {
      this.failedStage = m[1];
      this.failure = m[2];
      const code = /exited with (-?\d+)/.exec(m[2]);
      if (code) this.exitCode = Number(code[1]);
      if (this.open && this.open.address !== m[1]) this.closeOpen();
    } else if ((m = /^ERROR: (.*)$/.exec(line))) {
      this.failure ??= m[1];
    }
  }

  private start(address: string, outcome: Open['outcome']): void {
    if (this.open?.address === address) {
      this.open.outcome = outcome;
      return;
    }
    this.closeOpen();
    this.open = { address, started: this.now(), outcome };
    this.emit({ kind: 'stage-started', address, why: [] });
  }

  private closeOpen(): void {
    if (this.open) this.finish(this.open);
    this.open = undefined;
  }

  private finish(open: Open): void {
    const durationMs = this.now() - open.started;
    this.outcomes.push({ address: open.address, outcome: open.outcome, durationMs });
    this.emit({ kind: 'stage-finished', address: open.address, durationMs, outcome: open.outcome });
  }
}

/** Runs `dvc repro` for the options with the DVC found earlier. */
export async function runWithDvc(dvc: DvcExecutable, opts: RunPipelineOptions): Promise<RunResult> {
  const emit = (e: RunEvent) => opts.onEvent?.(e);
  const reader = new DvcLogReader(emit);
  const args = dvcReproArgs(opts);
  opts.onOutput?.(`$ ${dvc.command} ${args.join(' ')}\n`, 'info');
  const outcome = await runProcess([dvc.command, ...args], {
    cwd: opts.repoRoot,
    env: opts.env ?? process.env,
    signal: opts.signal,
    onOutput: (text, stream) => {
      opts.onOutput?.(text, stream);
      reader.write(text, stream);
    },
  });
  reader.end(outcome.exitCode, outcome.cancelled);
  const ok = !outcome.cancelled && outcome.exitCode === 0;
  let message: string | undefined;
  if (outcome.spawnError) message = `Cannot start ${dvc.command}: ${outcome.spawnError}`;
  else if (outcome.cancelled) message = 'Cancelled.';
  else if (!ok) message = reader.failure ?? `dvc repro exited with ${outcome.exitCode ?? outcome.signal}`;
  return {
    ok,
    runner: 'dvc',
    cancelled: outcome.cancelled,
    failedStage: ok ? undefined : reader.failedStage,
    exitCode: ok ? 0 : (reader.exitCode ?? outcome.exitCode),
    message,
    stages: reader.outcomes,
    durationMs: outcome.durationMs,
  };
}
