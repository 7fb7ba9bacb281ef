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

/** What any panel's page may report about itself. */
export type PageProblem = { type: 'cspViolation'; blockedUri: string; directive: string } | { type: 'error'; message: string };

/** A page's script error or Content Security Policy refusal, in the output channel under the panel's name. */
export function logPageProblem(log: vscode.LogOutputChannel, panel: string, problem: PageProblem): void {
  if (problem.type === 'cspViolation') log.warn(`${panel}: Content Security Policy blocked ${problem.blockedUri || 'an inline resource'} (${problem.directive})`);
  else log.error(`${panel}: ${problem.message}`);
}
