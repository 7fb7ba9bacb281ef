import * as vscode from 'vscode';

/** Read-only Markdown documents holding data diffs, shown in VS Code's Markdown preview. */
export class DataDiffDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'mlops-data-diff';
  /** Diffs kept for reopening their tabs; older ones are dropped (reopening one then shows a note). */
  private static readonly KEEP = 30;
  private readonly texts = new Map<string, string>();
  private counter = 0;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DataDiffDocuments.scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This comparison is no longer available\n\nRun the comparison again from the Data view.\n';
  }

  /** Opens the Markdown as a preview (falls back to the read-only text when the Markdown extension is off). */
  async show(title: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: DataDiffDocuments.scheme, path: `/${title.replace(/[\\/]/g, '∕')}.md`, query: String(++this.counter) });
    this.texts.set(uri.toString(), markdown);
    while (this.texts.size > DataDiffDocuments.KEEP) this.texts.delete(this.texts.keys().next().value as string);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return uri;
  }

  /** The Markdown of a diff shown earlier (tests). */
  textOf(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
