import * as vscode from 'vscode';

/**
 * Gathers paths from file events and hands them over in one batch after a short quiet period:
 * a training loop writes many files at once, and each batch is one re-read.
 */
export class PathBatcher implements vscode.Disposable {
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly flush: (paths: string[]) => void, private readonly delayMs = 50) {}

  add(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    this.pending.add(uri.fsPath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending];
      this.pending.clear();
      this.flush(paths);
    }, this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
