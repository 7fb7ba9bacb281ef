import * as vscode from 'vscode';
import type { WebviewPageAssets } from './webviewHtml';

/** Scripts on; the page may load only what the extension bundles under dist/. */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

/** The URIs of the bundle `name` (dist/webview/<name>.js and .css, built by esbuild.mjs) and of the codicons. */
export function panelAssets(webview: vscode.Webview, extensionUri: vscode.Uri, name: string): WebviewPageAssets {
  const asUri = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  return {
    script: asUri('dist', 'webview', `${name}.js`),
    style: asUri('dist', 'webview', `${name}.css`),
    codicons: asUri('dist', 'codicons', 'codicon.css'),
  };
}
