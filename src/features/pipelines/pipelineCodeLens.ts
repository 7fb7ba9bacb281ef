import * as vscode from 'vscode';
import { formatDuration } from '../../core/text/formatValue';
import { GENERATED_NAME_SEPARATOR } from '../../core/dvc/pipeline/dvcYaml';
import { STAGE_STATE_LABELS } from '../../protocol/dag';
import { UNTRUSTED_MESSAGE } from './pipelineRunController';
import type { PipelinesTreeProvider, RunOverlay } from './pipelinesTree';
import { stageKey, type PipelineWorkspace, type StageRef } from './pipelineWorkspace';
import { stageCodicon } from './stageIcons';
import { lastRanText } from './stageLook';

/** Generated stages (foreach/matrix) shown one by one on their shared key; more than this are summarised. */
const MAX_ITEM_LENSES = 4;

/**
 * Lenses above every stage key of a dvc.yaml: Run, Run downstream, the status with its reason (all reasons in
 * the tooltip) and when it last ran. A foreach/matrix key gets them for all the stages it generates.
 */
export class PipelineCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly workspace: PipelineWorkspace,
    private readonly runs: RunOverlay,
    private readonly tree: PipelinesTreeProvider,
    private readonly now: () => number = Date.now,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const groups = new Map<number, StageRef[]>();
    for (const ref of this.workspace.stagesOf(document.uri.fsPath)) {
      const line = ref.stage.pos.line - 1;
      if (line < 0 || line >= document.lineCount) continue;
      let g = groups.get(line);
      if (!g) groups.set(line, (g = []));
      g.push(ref);
    }
    const lenses: vscode.CodeLens[] = [];
    for (const [line, refs] of groups) lenses.push(...this.lensesFor(new vscode.Range(line, 0, line, 0), refs));
    return lenses;
  }

  private lensesFor(range: vscode.Range, refs: StageRef[]): vscode.CodeLens[] {
    const keys = refs.map((r) => stageKey(r.stage));
    const lenses: vscode.CodeLens[] = [];
    const running = keys.some((k) => this.runs.overlayOf(k).running || this.runs.overlayOf(k).queued);
    if (running) {
      lenses.push(new vscode.CodeLens(range, { title: '$(debug-stop) Cancel', command: 'mlops.cancelPipelineRun', tooltip: 'Stop the pipeline run (its whole process tree)' }));
    } else if (!vscode.workspace.isTrusted) {
      lenses.push(new vscode.CodeLens(range, { title: '$(workspace-untrusted) Run (needs a trusted workspace)', command: 'mlops.runStage', arguments: [keys], tooltip: UNTRUSTED_MESSAGE }));
    } else {
      const what = refs.length > 1 ? `the ${refs.length} stages of ${refs[0].stage.generatedFrom ?? refs[0].stage.name}` : `stage ${refs[0].stage.name}`;
      lenses.push(
        new vscode.CodeLens(range, { title: '$(play) Run', command: 'mlops.runStage', arguments: [keys], tooltip: `Run ${what} and what it needs, if changed (dvc repro)` }),
        new vscode.CodeLens(range, { title: '$(run-below) Run downstream', command: 'mlops.runStageDownstream', arguments: [keys], tooltip: `Run ${what} and every stage after it, if changed (dvc repro --downstream)` }),
      );
    }
    const shown = refs.length > MAX_ITEM_LENSES ? [] : refs;
    for (const ref of shown) {
      const look = this.tree.lookOf(ref);
      const prefix = refs.length > 1 ? `${itemName(ref)}: ` : '';
      const text = look.state === 'upToDate' || look.state === 'checking' || look.state === 'running' || look.state === 'queued' ? look.summary : `${STAGE_STATE_LABELS[look.state]}${look.summary !== STAGE_STATE_LABELS[look.state] ? ` · ${look.summary}` : ''}`;
      lenses.push(new vscode.CodeLens(range, {
        title: `${stageCodicon(look.state)} ${prefix}${text}`,
        command: 'mlops.revealStage',
        arguments: [stageKey(ref.stage)],
        tooltip: look.reasons.join('\n') || STAGE_STATE_LABELS[look.state],
      }));
    }
    if (refs.length > MAX_ITEM_LENSES) {
      const looks = refs.map((r) => this.tree.lookOf(r));
      const toRun = looks.filter((l) => l.state !== 'upToDate' && l.state !== 'frozen').length;
      lenses.push(new vscode.CodeLens(range, {
        title: `${stageCodicon(toRun ? 'changed' : 'upToDate')} ${refs.length} stages: ${toRun ? `${toRun} to run` : 'all up to date'}`,
        command: 'mlops.revealStage',
        arguments: [keys[0]],
        tooltip: refs.map((r, i) => `${r.stage.name}: ${looks[i].summary}`).join('\n'),
      }));
    }
    // When it last ran: the most recent of the group.
    let newest: { text: string; at: number } | undefined;
    for (const ref of refs) {
      const key = stageKey(ref.stage);
      const last = this.runs.overlayOf(key).lastRun;
      const written = ref.repo.outputsWrittenAt.get(key);
      const text = lastRanText(last, written, this.now(), formatDuration);
      const at = Math.max(last?.at ?? 0, written ?? 0);
      if (text && (!newest || at > newest.at)) newest = { text, at };
    }
    if (newest) lenses.push(new vscode.CodeLens(range, { title: `$(history) ${newest.text}`, command: '', tooltip: 'From our record of the last run, else the newest modification time of the stage\'s outputs' }));
    return lenses;
  }
}

function itemName(ref: StageRef): string {
  const at = ref.stage.name.indexOf(GENERATED_NAME_SEPARATOR);
  return at >= 0 ? ref.stage.name.slice(at + 1) : ref.stage.name;
}

/** Registers the provider while `mlops.pipeline.codeLens` is on, and refreshes it when the pipelines or runs change. */
export class PipelineCodeLensController implements vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly provider: PipelineCodeLensProvider, workspace: PipelineWorkspace, runs: RunOverlay) {
    this.update();
    const changed = workspace.onDidChange(() => provider.refresh());
    this.subscriptions.push(
      { dispose: () => changed.dispose() },
      runs.onDidChange(() => provider.refresh()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mlops.pipeline.codeLens')) this.update();
      }),
    );
  }

  private update(): void {
    const enabled = vscode.workspace.getConfiguration('mlops').get<boolean>('pipeline.codeLens', true);
    if (enabled && !this.registration) {
      this.registration = vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/dvc.yaml' }, this.provider);
    } else if (!enabled && this.registration) {
      this.registration.dispose();
      this.registration = undefined;
    }
  }

  dispose(): void {
    this.registration?.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
