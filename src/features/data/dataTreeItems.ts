import * as vscode from 'vscode';
import path from 'node:path';
import { dataTooltipMarkdown, describeRecorded, dayOf, shortCommit, STATUS_LABELS, versionTooltipMarkdown } from '../../core/dvc/data/dataFormat';
import type { DataProblem, DataStatus, DataStatusInfo, DataVersion, TrackedData } from '../../core/dvc/data/dataTypes';

export type DataElement =
  | { kind: 'repo'; root: string }
  | { kind: 'item'; item: TrackedData }
  | { kind: 'version'; item: TrackedData; version: DataVersion; index: number; current: boolean; previous?: DataVersion }
  | { kind: 'problems'; problems: DataProblem[] }
  | { kind: 'problem'; problem: DataProblem }
  | { kind: 'message'; text: string; parent?: DataElement; icon?: string };

const STATUS_ICONS: Record<DataStatus, vscode.ThemeIcon> = {
  'up-to-date': new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  modified: new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground')),
  missing: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  'not-in-cache': new vscode.ThemeIcon('cloud-download', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  new: new vscode.ThemeIcon('diff-added', new vscode.ThemeColor('gitDecoration.untrackedResourceForeground')),
  error: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  unknown: new vscode.ThemeIcon('question'),
};

export function repoItem(el: Extract<DataElement, { kind: 'repo' }>, workspaceRoot: string | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(el.root), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `data-repo:${el.root}`;
  item.description = workspaceRoot ? path.relative(workspaceRoot, el.root) || '.' : el.root;
  item.iconPath = new vscode.ThemeIcon('repo');
  item.tooltip = new vscode.MarkdownString().appendText(`DVC repository ${el.root}`);
  return item;
}

export function dataItem(el: Extract<DataElement, { kind: 'item' }>, status: DataStatusInfo | undefined, label: string): vscode.TreeItem {
  const { item } = el;
  const tree = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  tree.id = `data:${item.id}`;
  tree.resourceUri = vscode.Uri.file(item.path);
  const parts = [describeRecorded(item.recorded), status ? STATUS_LABELS[status.status] : 'checking…'];
  if (item.source.kind === 'pipeline') parts.push(`stage ${item.source.stage}`);
  tree.description = parts.join(' · ');
  tree.iconPath = status ? STATUS_ICONS[status.status] : new vscode.ThemeIcon('loading~spin');
  const tip = new vscode.MarkdownString(dataTooltipMarkdown(item, status));
  tip.isTrusted = false;
  tip.supportHtml = false;
  tree.tooltip = tip;
  tree.contextValue = item.source.kind === 'dvc-file' ? 'dataItem.dvcfile' : 'dataItem.pipeline';
  tree.accessibilityInformation = { label: `${label}, ${tree.description}` };
  return tree;
}

export function versionItem(el: Extract<DataElement, { kind: 'version' }>): vscode.TreeItem {
  const v = el.version;
  const label = v.commit ? `${dayOf(v.date)} ${v.subject || '(no subject)'}` : 'Uncommitted';
  const tree = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  tree.id = `data-version:${el.item.id}#${v.commit ?? 'uncommitted'}`;
  const bits = [shortCommit(v.commit)];
  if (v.author) bits.push(v.author);
  bits.push(v.recorded ? describeRecorded(v.recorded) : 'not recorded');
  if (el.current) bits.push('current');
  tree.description = bits.join(' · ');
  tree.iconPath = new vscode.ThemeIcon(el.current ? 'circle-filled' : v.commit ? 'git-commit' : 'edit');
  const tip = new vscode.MarkdownString(versionTooltipMarkdown(v));
  tip.isTrusted = false;
  tip.supportHtml = false;
  tree.tooltip = tip;
  // `.previous`: there is an older version to compare with; `.current`: what the workspace's record says.
  tree.contextValue = `dataVersion${el.previous ? '.previous' : ''}${el.current ? '.current' : ''}`;
  if (el.previous) tree.command = { command: 'mlops.compareDataWithPrevious', title: 'Compare with Previous Version', arguments: [el] };
  return tree;
}

export function problemsItem(el: Extract<DataElement, { kind: 'problems' }>): vscode.TreeItem {
  const n = el.problems.length;
  const tree = new vscode.TreeItem(`${n} problem${n === 1 ? '' : 's'} reading DVC files`, vscode.TreeItemCollapsibleState.Collapsed);
  tree.id = 'data-problems';
  tree.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  tree.tooltip = 'Files that could not be read completely. Everything else is listed. Details are in the MLOps output channel.';
  return tree;
}

export function problemItem(el: Extract<DataElement, { kind: 'problem' }>, workspaceRoot: string | undefined): vscode.TreeItem {
  const p = el.problem;
  const shown = workspaceRoot ? path.relative(workspaceRoot, p.file) : p.file;
  const tree = new vscode.TreeItem(`${shown}${p.line ? `:${p.line}` : ''}`, vscode.TreeItemCollapsibleState.None);
  tree.description = p.message;
  tree.tooltip = new vscode.MarkdownString().appendText(`${p.file}${p.line ? `:${p.line}` : ''}\n\n${p.message}`);
  tree.iconPath = new vscode.ThemeIcon(p.severity === 'error' ? 'error' : 'warning');
  tree.contextValue = 'problem';
  tree.command = { command: 'mlops.openProblemFile', title: 'Open File', arguments: [el] };
  return tree;
}

export function messageItem(el: Extract<DataElement, { kind: 'message' }>): vscode.TreeItem {
  const tree = new vscode.TreeItem(el.text, vscode.TreeItemCollapsibleState.None);
  tree.iconPath = new vscode.ThemeIcon(el.icon ?? 'info');
  tree.tooltip = new vscode.MarkdownString().appendText(el.text);
  return tree;
}
