import { randomBytes } from 'node:crypto';

export interface CompareHtmlUris {
  script: string;
  style: string;
  codicons: string;
}

/**
 * The strictest policy the panel works under: scripts and styles only by nonce, fonts only from the extension,
 * nothing else; Trusted Types on, so no code path can assign markup (Lit registers the one "lit-html" policy).
 * No 'unsafe-inline', no 'unsafe-eval'.
 */
export function compareCsp(cspSource: string, nonce: string): string {
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

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The page: the CSP must be the first element of <head>; every script and stylesheet carries the nonce. */
export function compareHtml(uris: CompareHtmlUris, cspSource: string, nonce = makeNonce()): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${attr(compareCsp(cspSource, nonce))}">
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" nonce="${nonce}" href="${attr(uris.codicons)}">
<link rel="stylesheet" nonce="${nonce}" href="${attr(uris.style)}">
<title>Compare Runs</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(uris.script)}"></script>
</body>
</html>`;
}
