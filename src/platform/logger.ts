import * as vscode from 'vscode';

/** The MLOps output channel: what was read, how long it took, and every problem. */
export function createLogger(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('MLOps', { log: true });
}
