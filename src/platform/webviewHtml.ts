import { randomBytes } from 'node:crypto';
import { CODICON_STYLESHEET_ID, INITIAL_DATA_ELEMENT_ID } from '../protocol/page';

/**
 * What a page carries inline, so it fetches nothing: a fetch from a webview goes through its service worker, the
 * workbench and the extension host, and each one it makes before its load event holds back the messages VS Code
 * keeps for it until then (and, in code-server, takes 100-250 ms).
 */
export interface WebviewPageAssets {
  /** The panel's bundle (dist/webview/<name>.js), run as the page is written. */
  script: string;
  /** dist/webview/<name>.css */
  style: string;
  /** The codicons' stylesheet with its font as a data: URL (dist/codicons/codicon-inline.css). */
  codicons: string;
}

export interface WebviewPageOptions {
  nonce?: string;
  /**
   * Data the page starts from (e.g. the first state message), as JSON in a non-executed
   * `<script type="application/json" id="initial-data">`: no round trip through 'ready' before the first render.
   */
  initialData?: unknown;
}

/** A fresh nonce for one page: 18 random bytes, base64. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The strictest policy our panels work under: scripts and styles only by nonce, fonts only from data: URLs (the
 * codicons' font, which the page carries), nothing loaded from anywhere; Trusted Types on, so no code path can
 * assign markup (Lit, under vscode-elements, registers the one "lit-html" policy). No 'unsafe-inline', no 'unsafe-eval'.
 */
export function webviewCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

/**
 * A panel's page: the CSP is the first element of <head>; the panel's stylesheet and script are inline and carry
 * the nonce. The codicons are a data: URL on the <link> vscode-icon copies into each icon; it is media="print" (so
 * the script never waits for it) until the page's script switches it on. The script draws into <div id="app">.
 */
export function webviewPage(title: string, assets: WebviewPageAssets, opts: WebviewPageOptions = {}): string {
  const nonce = opts.nonce ?? makeNonce();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const data = opts.initialData === undefined ? ''
    : `<script type="application/json" id="${INITIAL_DATA_ELEMENT_ID}">${jsonForScriptElement(opts.initialData)}</script>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(nonce))}">
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="${CODICON_STYLESHEET_ID}" rel="stylesheet" media="print" nonce="${nonce}" href="data:text/css;charset=utf-8,${encodeURIComponent(assets.codicons)}">
<style nonce="${nonce}">${inlineText(assets.style, 'style')}</style>
<title>${text(title)}</title>
</head>
<body>
<div id="app"></div>
${data}<script nonce="${nonce}">${inlineText(assets.script, 'script')}</script>
</body>
</html>`;
}

/**
 * Bundled text as the content of a <script> or <style> element. Only "</script" / "</style" could end the element
 * early (esbuild already writes "<\/script" in strings, which JS reads the same), and "<!--" could make a later
 * "</script>" not end it: esbuild.mjs refuses to build a webview bundle containing one.
 */
export function inlineText(content: string, element: 'script' | 'style'): string {
  if (element === 'script' && content.includes('<!--')) throw new Error('A webview script to inline contains "<!--" (see esbuild.mjs).');
  return content.replace(element === 'script' ? /<\/(script)/gi : /<\/(style)/gi, '<\\/$1');
}

/** JSON that cannot end its element: every "<" is written as \u003c, which JSON.parse reads back as "<". */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
