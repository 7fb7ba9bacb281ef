import * as vscode from 'vscode';
import path from 'node:path';
import { runTooltipMarkdown } from '../../core/runs/runTooltip';
import { formatMetricValue } from '../../core/text/formatValue';
import type { RunTreeNode } from '../../core/runs/runTree';
import type { Experiment, Run, RunStatus, StoreKind, StoreProblem, StoreRef } from '../../core/runs/types';

export type RunsElement =
  | { kind: 'store'; ref: StoreRef; failed: boolean }
  | { kind: 'experiment'; ref: StoreRef; experiment: Experiment; runCount: number }
  | { kind: 'run'; node: RunTreeNode; keyMetric?: string }
  | { kind: 'problems'; problems: StoreProblem[] }
  | { kind: 'problem'; problem: StoreProblem }
  | { kind: 'message'; text: string };

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  SCHEDULED: new vscode.ThemeIcon('clock'),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

const STORE_LOOKS: Record<StoreKind, { icon: string; what: string }> = {
  'mlflow-file': { icon: 'folder-library', what: 'MLflow file store' },
  'mlflow-sqlite': { icon: 'database', what: 'MLflow SQLite store' },
  'mlflow-rest': { icon: 'cloud', what: 'MLflow tracking server' },
  dvclive: { icon: 'graph-line', what: 'dvclive logs' },
  'lightning-csv': { icon: 'zap', what: 'Lightning CSV logs' },
  tensorboard: { icon: 'pulse', what: 'TensorBoard logs' },
};

export function storeItem(el: Extract<RunsElement, { kind: 'store' }>, workspaceRoot?: string): vscode.TreeItem {
  const remote = el.ref.kind === 'mlflow-rest';
  const label = remote ? el.ref.uri.replace(/^https?:\/\//, '') : path.basename(el.ref.path);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  const looks = STORE_LOOKS[el.ref.kind];
  item.id = `store:${el.ref.uri}`;
  item.description = remote ? looks.what : `${relative(el.ref.path, workspaceRoot, true)}${el.ref.kind.startsWith('mlflow') ? '' : ` · ${looks.what}`}`;
  item.iconPath = new vscode.ThemeIcon(el.failed ? 'warning' : looks.icon);
  item.tooltip = `${looks.what}: ${el.ref.path}`;
  item.contextValue = remote ? 'store.remote' : 'store';
  return item;
}

export function experimentItem(el: Extract<RunsElement, { kind: 'experiment' }>, keyMetric: string | undefined): vscode.TreeItem {
  const e = el.experiment;
  const item = new vscode.TreeItem(e.name, el.runCount > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = `exp:${el.ref.uri}#${e.experimentId}`;
  item.description = `${el.runCount} run${el.runCount === 1 ? '' : 's'}${keyMetric ? ` · ${keyMetric}` : ''}${e.lifecycleStage === 'deleted' ? ' · deleted' : ''}`;
  item.iconPath = new vscode.ThemeIcon(e.lifecycleStage === 'deleted' ? 'trash' : 'beaker');
  const tip = new vscode.MarkdownString();
  tip.appendText(`Experiment ${e.name} (id ${e.experimentId})`);
  if (keyMetric) tip.appendText(`\nKey metric: ${keyMetric}`);
  item.tooltip = tip;
  item.contextValue = 'experiment';
  return item;
}

export function runItem(el: Extract<RunsElement, { kind: 'run' }>): vscode.TreeItem {
  const run = el.node.run;
  const state = el.node.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(run.runName || run.runId.slice(0, 8), state);
  item.id = `run:${run.store.uri}#${run.runId}`;
  item.description = runDescription(run, el.keyMetric);
  item.iconPath = run.lifecycleStage === 'deleted' ? new vscode.ThemeIcon('trash') : STATUS_ICONS[run.status];
  const tip = new vscode.MarkdownString(runTooltipMarkdown(run));
  tip.isTrusted = false;
  tip.supportHtml = false;
  item.tooltip = tip;
  // `run.file` runs have a meta.yaml to open; the suffix names the source for menus.
  item.contextValue = run.store.kind === 'mlflow-file' ? 'run.file' : run.store.kind === 'mlflow-sqlite' ? 'run.sqlite' : `run.${run.store.kind}`;
  item.accessibilityInformation = { label: `${item.label} ${run.status} ${item.description}` };
  return item;
}

export function runDescription(run: Run, keyMetric: string | undefined): string {
  const metric = keyMetric ? run.metrics[keyMetric] : undefined;
  const parts: string[] = [];
  if (metric) parts.push(`${keyMetric} ${formatMetricValue(metric.value)}`);
  if (run.status !== 'FINISHED') parts.push(run.status.toLowerCase());
  return parts.join(' · ');
}

export function problemsItem(el: Extract<RunsElement, { kind: 'problems' }>): vscode.TreeItem {
  const n = el.problems.length;
  const item = new vscode.TreeItem(`${n} problem${n === 1 ? '' : 's'} reading runs`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = 'problems';
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.tooltip = 'Files that could not be read. Everything else was loaded. Details are in the MLOps output channel.';
  return item;
}

export function problemItem(el: Extract<RunsElement, { kind: 'problem' }>, workspaceRoot?: string): vscode.TreeItem {
  const p = el.problem;
  const item = new vscode.TreeItem(`${relative(p.file, workspaceRoot)}${p.line ? `:${p.line}` : ''}`, vscode.TreeItemCollapsibleState.None);
  item.description = p.message;
  item.tooltip = new vscode.MarkdownString().appendText(`${p.file}${p.line ? `:${p.line}` : ''}\n\n${p.message}`);
  item.iconPath = new vscode.ThemeIcon(p.severity === 'error' ? 'error' : 'warning');
  item.contextValue = 'problem';
  item.command = { command: 'mlops.openProblemFile', title: 'Open File', arguments: [el] };
  return item;
}

export function messageItem(el: Extract<RunsElement, { kind: 'message' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(el.text, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('info');
  return item;
}

function relative(file: string, root: string | undefined, dirOnly = false): string {
  const target = dirOnly ? path.dirname(file) : file;
  if (!root) return target;
  const rel = path.relative(root, target);
  return rel.startsWith('..') || path.isAbsolute(rel) ? target : rel || '.';
}
