import * as vscode from 'vscode';
import path from 'node:path';
import { formatDuration } from '../../core/text/formatValue';
import { failureText, type PipelineRunEvent, type PipelineRunOutcome, type RunnerSetting, type RunPipelineFn } from './pipelineRunTypes';
import type { RunOverlay } from './pipelinesTree';
import { reproTarget, stageKey, type PipelineWorkspace } from './pipelineWorkspace';
import type { LastRunRecord, StageOverlay } from './stageLook';
import { ansi, RunTerminal } from './runTerminal';

export interface RunRequest {
  repoRoot: string;
  /** Stage addresses relative to the repository (`train`, `sub/dvc.yaml:train`); undefined: every changed stage. */
  targets?: string[];
  downstream: boolean;
  /** What the user asked for, for the terminal's name and the progress title ("train", "train and downstream"). */
  title: string;
}

export interface RunControllerDeps {
  workspace: PipelineWorkspace;
  runPipeline: RunPipelineFn;
  runnerSetting(): RunnerSetting;
  state: vscode.Memento;
  log: vscode.LogOutputChannel;
}

interface ActiveRun {
  request: RunRequest;
  abort: AbortController;
  terminal: RunTerminal;
  queued: Set<string>;
  /** Stages that ran successfully in this run. */
  done: Set<string>;
  runningKey?: string;
  /** Stage address -> key, for this repository. */
  keys: Map<string, string>;
  planned: number;
  started: number;
  runner?: 'dvc' | 'builtin';
}

const LAST_RUNS_KEY = 'mlops.pipelines.lastRuns';
const MAX_REMEMBERED = 500;

/** Why a stage cannot run in Restricted Mode; the same words in the message, the CodeLens and the panel. */
export const UNTRUSTED_MESSAGE =
  'Running a pipeline stage executes its command, which is code from this workspace. MLOps Workbench only reads pipelines in Restricted Mode: trust the workspace to run stages.';

/**
 * Runs pipelines one at a time, in a terminal the user can watch, with a cancellable progress notification.
 * While a run writes outputs the status refreshes wait; each stage's start, end and failure is shown at once.
 */
export class PipelineRunController implements RunOverlay, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private active: ActiveRun | undefined;
  private lastTerminal: RunTerminal | undefined;
  /** Stages the last run finished, shown as just run until the status after the run is known (no flicker back). */
  private settling: Set<string> | undefined;
  /** The last run's outcome and transcript, for the in-host tests. */
  lastOutcome: PipelineRunOutcome | undefined;
  lastTranscript = '';

  constructor(private readonly d: RunControllerDeps) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  overlayOf(key: string): StageOverlay {
    const a = this.active;
    return { running: a?.runningKey === key, queued: a?.queued.has(key) ?? false, justRan: (a?.done.has(key) || this.settling?.has(key)) ?? false, lastRun: this.lastRuns()[key] };
  }

  lastRunOf(key: string): LastRunRecord | undefined {
    return this.lastRuns()[key];
  }

  /** Cancels the run in progress (its whole process tree); false when nothing runs. */
  cancel(): boolean {
    if (!this.active) return false;
    this.active.abort.abort();
    return true;
  }

  /** Shows the terminal of the run in progress, or of the last one. */
  showTerminal(): void {
    (this.active?.terminal ?? this.lastTerminal)?.show(false);
  }

  /**
   * Runs the request; resolves with the outcome (undefined when it did not start: untrusted workspace, or a run
   * already going). Failures are shown to the user, not thrown.
   */
  async run(request: RunRequest): Promise<PipelineRunOutcome | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    if (this.active) {
      void vscode.window.showInformationMessage(`A pipeline run (${this.active.request.title}) is in progress; DVC runs one at a time in a repository.`, 'Show Terminal', 'Cancel It').then((choice) => {
        if (choice === 'Show Terminal') this.showTerminal();
        if (choice === 'Cancel It') this.cancel();
      });
      return undefined;
    }
    // As tasks do: what the user sees in the editor is what runs.
    await vscode.workspace.saveAll(false);

    this.lastTerminal?.dispose();
    const abort = new AbortController();
    const terminal = new RunTerminal(`MLOps: ${request.title}`, () => abort.abort());
    const keys = new Map<string, string>();
    for (const ref of this.d.workspace.stages()) if (ref.repo.root === request.repoRoot) keys.set(reproTarget(ref), stageKey(ref.stage));
    const active: ActiveRun = { request, abort, terminal, queued: new Set(), done: new Set(), keys, planned: 0, started: 0 };
    this.active = active;
    this.lastTerminal = terminal;
    terminal.show(true);
    void vscode.commands.executeCommand('setContext', 'mlops.pipelineRunning', true);
    this.changed.fire();
    this.d.workspace.pause();

    const setting = this.d.runnerSetting();
    const equivalent = ['dvc', 'repro', ...(request.targets ?? []), ...(request.downstream ? ['--downstream'] : [])].join(' ');
    terminal.write(`${ansi.bold(`▶ ${request.title}`)}  ${ansi.dim(`(${equivalent}; runner: ${setting}; in ${request.repoRoot})`)}\n\n`);
    this.d.log.info(`Pipeline run: ${equivalent} in ${request.repoRoot} (runner setting: ${setting})`);

    let outcome: PipelineRunOutcome | undefined;
    const t0 = Date.now();
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Running ${request.title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return this.d.runPipeline({
            repoRoot: request.repoRoot,
            targets: request.targets,
            downstream: request.downstream,
            runner: setting,
            signal: abort.signal,
            onOutput: (text) => terminal.write(text),
            onEvent: (event) => this.onEvent(active, event, progress),
          });
        },
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      outcome = { ok: false, cancelled: abort.signal.aborted, runner: active.runner ?? 'builtin', ran: [], ms: Date.now() - t0, failed: abort.signal.aborted ? undefined : { stage: '', message } };
    } finally {
      this.active = undefined;
      void vscode.commands.executeCommand('setContext', 'mlops.pipelineRunning', false);
    }
    this.report(request, outcome, terminal);
    this.lastOutcome = outcome;
    this.lastTranscript = terminal.text;
    this.settling = active.done;
    this.changed.fire();
    try {
      await this.d.workspace.resume();
      await this.d.workspace.refresh();
    } finally {
      this.settling = undefined;
      this.changed.fire();
    }
    return outcome;
  }

  private onEvent(a: ActiveRun, event: PipelineRunEvent, progress: vscode.Progress<{ message?: string; increment?: number }>): void {
    const keyOf = (stage: string) => a.keys.get(stage) ?? a.keys.get(stage.replace(/^dvc\.yaml:/, ''));
    switch (event.kind) {
      case 'plan':
        a.runner = event.runner;
        a.planned = event.stages.length;
        for (const s of event.stages) {
          const key = keyOf(s);
          if (key) a.queued.add(key);
        }
        break;
      case 'stageStart': {
        const key = keyOf(event.stage);
        a.started++;
        if (key) a.queued.delete(key);
        a.runningKey = key;
        progress.report({ message: `${event.stage}${a.planned > 1 ? ` (${Math.min(a.started, a.planned)} of ${a.planned})` : ''}`, increment: a.planned ? 100 / a.planned : undefined });
        break;
      }
      case 'stageSkipped': {
        const key = keyOf(event.stage);
        if (key) a.queued.delete(key);
        if (key && a.runningKey === key) a.runningKey = undefined;
        break;
      }
      case 'stageDone':
      case 'stageFailed': {
        const key = keyOf(event.stage);
        if (key) {
          a.queued.delete(key);
          if (a.runningKey === key) a.runningKey = undefined;
          if (event.kind === 'stageDone') a.done.add(key);
          this.remember(key, event.kind === 'stageDone'
            ? { at: Date.now(), ms: event.ms ?? -1, ok: true, runner: a.runner ?? 'builtin' }
            : { at: Date.now(), ms: -1, ok: false, exitCode: event.exitCode, error: event.message, runner: a.runner ?? 'builtin' });
        }
        break;
      }
    }
    this.changed.fire();
  }

  private report(request: RunRequest, outcome: PipelineRunOutcome, terminal: RunTerminal): void {
    const took = formatDuration(outcome.ms);
    if (outcome.cancelled) {
      terminal.write(`\n${ansi.yellow('■ Cancelled')} after ${took}: the stage's processes were stopped; dvc.lock keeps what finished before.\n`);
      this.d.log.info(`Pipeline run cancelled after ${took}`);
      vscode.window.setStatusBarMessage('$(debug-stop) Pipeline run cancelled', 5000);
    } else if (outcome.ok) {
      const n = outcome.ran.length;
      const what = n === 0 ? 'Nothing to run: every stage is up to date' : `${n} stage${n === 1 ? '' : 's'} ran (${outcome.ran.join(', ')})`;
      terminal.write(`\n${ansi.green('✔')} ${what} in ${took} ${ansi.dim(`(${outcome.runner} runner)`)}\n`);
      this.d.log.info(`Pipeline run: ${what} in ${took} (${outcome.runner} runner)`);
      vscode.window.setStatusBarMessage(`$(check) ${what}`, 8000);
    } else {
      const f = outcome.failed;
      const text = failureText(f);
      terminal.write(`\n${ansi.red('✖')} ${text}\n`);
      this.d.log.error(`Pipeline run failed: ${text}`);
      void vscode.window.showErrorMessage(text, 'Show Terminal', 'Open dvc.yaml').then((choice) => {
        if (choice === 'Show Terminal') terminal.show(false);
        if (choice === 'Open dvc.yaml') {
          const ref = this.d.workspace.stages().find((r) => r.repo.root === request.repoRoot && f && reproTarget(r) === f.stage);
          const file = ref?.stage.dvcfile ?? path.join(request.repoRoot, 'dvc.yaml');
          const line = ref ? ref.stage.pos.line - 1 : 0;
          void vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line, 0, line, 0) });
        }
      });
    }
    terminal.finish();
  }

  private lastRuns(): Record<string, LastRunRecord> {
    return this.d.state.get<Record<string, LastRunRecord>>(LAST_RUNS_KEY) ?? {};
  }

  private remember(key: string, record: LastRunRecord): void {
    const all = { ...this.lastRuns(), [key]: record };
    const keys = Object.keys(all);
    if (keys.length > MAX_REMEMBERED) {
      keys.sort((a, b) => all[a].at - all[b].at);
      for (const k of keys.slice(0, keys.length - MAX_REMEMBERED)) delete all[k];
    }
    void this.d.state.update(LAST_RUNS_KEY, all);
  }

  dispose(): void {
    this.active?.abort.abort();
    this.lastTerminal?.dispose();
    this.changed.dispose();
  }
}
