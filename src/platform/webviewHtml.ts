import { randomBytes } from 'node:crypto';

/** The webview-side URIs of a panel's bundle (webview.asWebviewUri of files under dist/). */
export interface WebviewPageAssets {
  script: string;
  style: string;
  codicons: string;
}

/** A fresh nonce for one page: 18 random bytes, base64. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The strictest policy our panels work under: scripts and styles only by nonce, fonts only from the extension,
 * nothing else; Trusted Types on, so no code path can assign markup (Lit, under vscode-elements, registers the one
 * "lit-html" policy). No 'unsafe-inline', no 'unsafe-eval'.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

/**
 * A panel's page: the CSP is the first element of <head>; the codicons, the panel's stylesheet and its script all
 * carry the nonce; the script draws into <div id="app">.
 */
export function webviewPage(title: string, assets: WebviewPageAssets, cspSource: string, nonce = makeNonce()): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(cspSource, nonce))}">
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" nonce="${nonce}" href="${attr(assets.codicons)}">
<link rel="stylesheet" nonce="${nonce}" href="${attr(assets.style)}">
<title>${text(title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(assets.script)}"></script>
</body>
</html>`;
}
