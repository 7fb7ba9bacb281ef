import * as vscode from 'vscode';

export interface RunsSettings {
  trackingUri: string;
  showDeleted: boolean;
  searchDepth: number;
}

export function readRunsSettings(folder?: vscode.WorkspaceFolder): RunsSettings {
  const c = vscode.workspace.getConfiguration('mlops', folder);
  return {
    trackingUri: c.get<string>('trackingUri', '').trim(),
    showDeleted: c.get<boolean>('runs.showDeleted', false),
    searchDepth: c.get<number>('runs.searchDepth', 6),
  };
}
