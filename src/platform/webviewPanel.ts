import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { WebviewPageAssets } from './webviewHtml';

/** Scripts on; the page loads no file (everything it needs is in its HTML, see panelAssets). */
export function panelWebviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [] };
}

/**
 * The bundle `name` (dist/webview/<name>.js and .css, built by esbuild.mjs) and the codicons (with their font) as
 * text, for the page to carry inline. Read at each open (about half a megabyte, a millisecond), so a rebuilt
 * bundle is used at once.
 */
export function panelAssets(extensionUri: vscode.Uri, name: string): WebviewPageAssets {
  const file = (...parts: string[]) => readFileSync(vscode.Uri.joinPath(extensionUri, ...parts).fsPath, 'utf8');
  return {
    script: file('dist', 'webview', `${name}.js`),
    style: file('dist', 'webview', `${name}.css`),
    codicons: file('dist', 'codicons', 'codicon-inline.css'),
  };
}
