import * as vscode from 'vscode';
import { countRunning } from '../../core/runs/runTree';
import type { Run } from '../../core/runs/types';

/** "$(sync~spin) 2 runs training" while anything is RUNNING; hidden otherwise. Click: show the Runs view. */
export class RunningStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlops.runningRuns', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'MLOps: Running Runs';
    this.item.command = 'mlops.runs.focus';
  }

  update(runs: Iterable<Run>): void {
    const n = countRunning(runs);
    if (n === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${n} run${n === 1 ? '' : 's'} training`;
    this.item.tooltip = `${n} MLflow run${n === 1 ? ' is' : 's are'} RUNNING. Click to show the Runs view.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
