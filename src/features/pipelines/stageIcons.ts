import * as vscode from 'vscode';
import type { StageState } from '../../protocol/dag';

/** One icon and theme colour per state, shared by the tree and (as codicon names) the CodeLens. */
export const STAGE_CODICONS: Record<StageState, { icon: string; color?: string }> = {
  upToDate: { icon: 'pass', color: 'testing.iconPassed' },
  changed: { icon: 'circle-filled', color: 'editorWarning.foreground' },
  neverRun: { icon: 'circle-large-outline', color: 'charts.blue' },
  frozen: { icon: 'lock', color: 'disabledForeground' },
  error: { icon: 'error', color: 'list.errorForeground' },
  checking: { icon: 'loading~spin' },
  queued: { icon: 'clock', color: 'descriptionForeground' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};

export function stageIcon(state: StageState): vscode.ThemeIcon {
  const look = STAGE_CODICONS[state];
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

/** The codicon for a CodeLens title (`$(pass)`); CodeLens text takes no colour. */
export function stageCodicon(state: StageState): string {
  const icon = { upToDate: 'check', changed: 'warning', neverRun: 'circle-large-outline', frozen: 'lock', error: 'error', checking: 'loading~spin', queued: 'clock', running: 'sync~spin', failed: 'error' }[state];
  return `$(${icon})`;
}
