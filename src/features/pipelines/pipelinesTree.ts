import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../core/dvc/data/dataFormat';
import type { OutKind } from '../../core/dvc/pipeline/types';
import type { DepStatus, OutStatus, ParamsStatus } from '../../core/dvc/status/statusTypes';
import { formatDuration } from '../../core/text/formatValue';
import { escapeMarkdown, inlineCode } from '../../core/text/markdown';
import { STAGE_STATE_LABELS } from '../../protocol/dag';
import { stageKey, type PipelineWorkspace, type RepoPipelines, type StageRef } from './pipelineWorkspace';
import { stageIcon } from './stageIcons';
import { commandLines, lastRanText, stageLook, type StageLook, type StageOverlay } from './stageLook';

/** What the run controller tells the views about runs (queued/running stages, our last runs). */
export interface RunOverlay {
  readonly running: boolean;
  overlayOf(key: string): StageOverlay;
  readonly onDidChange: vscode.Event<void>;
}

export type PathRole = 'dep' | 'params' | OutKind;

export type PipelinesElement =
  | { kind: 'dvcfile'; repo: RepoPipelines; file: string }
  | { kind: 'stage'; ref: StageRef }
  | { kind: 'path'; ref: StageRef; role: PathRole; index: number; abs: string; label: string; isDir: boolean }
  | { kind: 'message'; text: string };

const ROLE_WORDS: Record<PathRole, string> = { dep: 'dependency', params: 'params', outs: 'output', metrics: 'metric', plots: 'plot' };

/** The Pipelines view: each dvc.yaml, its stages with their status, and each stage's deps, params and outputs. */
export class PipelinesTreeProvider implements vscode.TreeDataProvider<PipelinesElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelinesElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stageElements = new Map<string, Extract<PipelinesElement, { kind: 'stage' }>>();
  private readonly fileElements = new Map<string, Extract<PipelinesElement, { kind: 'dvcfile' }>>();

  constructor(
    private readonly workspace: PipelineWorkspace,
    private readonly runs: RunOverlay,
    private readonly workspaceRoot: () => string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  lookOf(ref: StageRef): StageLook {
    const key = stageKey(ref.stage);
    const overlay = this.runs.overlayOf(key);
    const status = this.workspace.statusOf(ref.stage);
    return stageLook(status, { ...overlay, checking: !status });
  }

  getChildren(element?: PipelinesElement): PipelinesElement[] {
    if (!element) {
      if (!this.workspace.loaded) return [];
      const files = this.workspace.repos.flatMap((repo) => repo.loaded.dvcfiles.map((file) => this.fileElement(repo, file)));
      return files;
    }
    if (element.kind === 'dvcfile') return this.workspace.stagesOf(element.file).map((ref) => this.stageElement(ref));
    if (element.kind === 'stage') return pathChildren(element.ref);
    return [];
  }

  getParent(element: PipelinesElement): PipelinesElement | undefined {
    if (element.kind === 'stage') {
      const repo = element.ref.repo;
      return this.fileElement(repo, element.ref.stage.dvcfile);
    }
    if (element.kind === 'path') return this.stageElement(element.ref);
    return undefined;
  }

  /** The tree element of a stage (for `reveal`). */
  elementOf(key: string): PipelinesElement | undefined {
    const ref = this.workspace.findStage(key);
    return ref ? this.stageElement(ref) : undefined;
  }

  getTreeItem(element: PipelinesElement): vscode.TreeItem {
    switch (element.kind) {
      case 'dvcfile':
        return this.fileItem(element);
      case 'stage':
        return this.stageItem(element.ref);
      case 'path':
        return this.pathItem(element);
      case 'message': {
        const item = new vscode.TreeItem(element.text);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }

  private fileElement(repo: RepoPipelines, file: string): Extract<PipelinesElement, { kind: 'dvcfile' }> {
    let el = this.fileElements.get(file);
    if (!el || el.repo !== repo) this.fileElements.set(file, (el = { kind: 'dvcfile', repo, file }));
    return el;
  }

  private stageElement(ref: StageRef): Extract<PipelinesElement, { kind: 'stage' }> {
    const key = stageKey(ref.stage);
    let el = this.stageElements.get(key);
    if (!el || el.ref.stage !== ref.stage) this.stageElements.set(key, (el = { kind: 'stage', ref }));
    return el;
  }

  private fileItem(el: Extract<PipelinesElement, { kind: 'dvcfile' }>): vscode.TreeItem {
    const root = this.workspaceRoot();
    const label = root ? path.relative(root, el.file).split(path.sep).join('/') || 'dvc.yaml' : path.basename(el.file);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `dvcfile:${el.file}`;
    item.resourceUri = vscode.Uri.file(el.file);
    item.iconPath = vscode.ThemeIcon.File;
    const stages = this.workspace.stagesOf(el.file);
    const looks = stages.map((ref) => this.lookOf(ref));
    const changed = looks.filter((l) => l.state === 'changed' || l.state === 'neverRun' || l.state === 'failed').length;
    const problems = this.workspace.problems().filter((p) => p.file === el.file && p.severity === 'error').length;
    const parts = [`${stages.length} stage${stages.length === 1 ? '' : 's'}`];
    if (looks.some((l) => l.state === 'checking')) parts.push('checking…');
    else if (changed) parts.push(`${changed} to run`);
    else if (stages.length) parts.push('up to date');
    if (problems) parts.push(`${problems} problem${problems === 1 ? '' : 's'}`);
    item.description = parts.join(' · ');
    item.tooltip = `${el.file}\n${item.description}`;
    item.contextValue = 'dvcfile';
    item.command = { command: 'vscode.open', title: 'Open dvc.yaml', arguments: [vscode.Uri.file(el.file)] };
    return item;
  }

  private stageItem(ref: StageRef): vscode.TreeItem {
    const look = this.lookOf(ref);
    const s = ref.stage;
    const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `stage:${stageKey(s)}`;
    item.description = look.summary;
    item.iconPath = stageIcon(look.state);
    item.contextValue = look.state === 'running' || look.state === 'queued' ? 'stage.running' : 'stage';
    item.tooltip = this.stageTooltip(ref, look);
    item.accessibilityInformation = { label: `${s.name}, ${STAGE_STATE_LABELS[look.state]}: ${look.summary}` };
    return item;
  }

  private stageTooltip(ref: StageRef, look: StageLook): vscode.MarkdownString {
    const s = ref.stage;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**${escapeMarkdown(s.name)}** · ${escapeMarkdown(STAGE_STATE_LABELS[look.state])}\n\n`);
    if (s.desc) md.appendMarkdown(`${escapeMarkdown(s.desc)}\n\n`);
    for (const line of commandLines(s.cmd)) md.appendMarkdown(`${inlineCode(line)}\n\n`);
    if (look.reasons.length) md.appendMarkdown(look.reasons.map((r) => `- ${escapeMarkdown(r)}`).join('\n') + '\n\n');
    const overlay = this.runs.overlayOf(stageKey(s));
    const ran = lastRanText(overlay.lastRun, ref.repo.outputsWrittenAt.get(stageKey(s)), this.now(), formatDuration);
    if (ran) md.appendMarkdown(`$(history) ${escapeMarkdown(ran)}`);
    return md;
  }

  private pathItem(el: Extract<PipelinesElement, { kind: 'path' }>): vscode.TreeItem {
    const status = this.workspace.statusOf(el.ref.stage);
    const item = new vscode.TreeItem(el.label, vscode.TreeItemCollapsibleState.None);
    item.id = `path:${stageKey(el.ref.stage)}:${el.role}:${el.index}`;
    item.resourceUri = vscode.Uri.file(el.abs);
    const words: string[] = [ROLE_WORDS[el.role]];
    const tip: string[] = [el.abs];
    if (el.role === 'params') {
      const spec = el.ref.stage.params[el.index];
      words.push(spec.keys.length ? spec.keys.join(', ') : 'whole file');
      const ps = status?.params.find((p) => p.path === el.abs);
      if (ps?.state) words.push(paramsStateWords(ps));
      if (ps) tip.push(...ps.changes.map((c) => `${c.key}: ${c.state}`));
      item.iconPath = new vscode.ThemeIcon('symbol-property');
    } else {
      const entry: DepStatus | OutStatus | undefined = el.role === 'dep' ? status?.deps[el.index] : status?.outs[el.index];
      const state = entry?.state;
      if (status) words.push(state ?? 'up to date');
      const recorded = entry?.recorded;
      if (recorded) tip.push(`dvc.lock: md5 ${recorded.md5}${recorded.size !== undefined ? `, ${formatBytes(recorded.size)}` : ''}${recorded.nfiles !== undefined ? `, ${recorded.nfiles} files` : ''}`);
      if (entry?.current) tip.push(`workspace: md5 ${entry.current.md5}, ${formatBytes(entry.current.size)}`);
      if (entry?.error) tip.push(entry.error);
      if (el.role !== 'dep' && !el.ref.stage.outs[el.index].cache) words.push('not cached');
      item.iconPath = state === 'deleted' || state === 'not in cache' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : el.isDir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
    }
    item.description = words.join(' · ');
    item.tooltip = tip.join('\n');
    item.contextValue = `pipelinePath.${el.role}`;
    item.command = { command: 'mlops.openPipelinePath', title: 'Open', arguments: [el] };
    return item;
  }
}

function paramsStateWords(p: ParamsStatus): string {
  if (p.state === 'changed') return `${p.changes.length} changed`;
  if (p.state === 'new') return 'not in dvc.lock yet';
  if (p.state === 'deleted') return 'file missing';
  return p.state ?? '';
}

function pathChildren(ref: StageRef): PipelinesElement[] {
  const s = ref.stage;
  const out: PipelinesElement[] = [];
  const entry = (role: PathRole, index: number, written: string) => {
    const abs = path.resolve(s.wdir, written);
    const isDir = fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() ?? false;
    return { kind: 'path' as const, ref, role, index, abs, label: written, isDir };
  };
  s.deps.forEach((d, index) => out.push(entry('dep', index, d.path)));
  s.params.forEach((p, index) => out.push(entry('params', index, p.file)));
  s.outs.forEach((o, index) => out.push(entry(o.kind, index, o.path)));
  return out;
}
