import assert from 'node:assert/strict';
import { makeNonce, webviewCsp, webviewPage } from '../../../src/platform/webviewHtml';

describe('webview page', () => {
  it('allows scripts and styles only by nonce, fonts from the extension, nothing inline, nothing eval', () => {
    const csp = webviewCsp('https://x.vscode-cdn.net', 'N0NCE');
    assert.match(csp, /^default-src 'none'; script-src 'nonce-N0NCE'; style-src 'nonce-N0NCE'; font-src https:\/\/x\.vscode-cdn\.net/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /require-trusted-types-for 'script'; trusted-types lit-html$/);
  });

  it('puts the CSP first in <head> and the nonce on both stylesheets and the script', () => {
    const html = webviewPage('Pipeline DAG', { script: 's.js', style: 'c.css', codicons: 'i.css' }, 'https://x', 'N0NCE');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<meta charset'), 'the CSP comes first in <head>');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'));
    assert.equal((html.match(/nonce="N0NCE"/g) ?? []).length, 3);
    assert.match(html, /<script nonce="N0NCE" src="s\.js"><\/script>/);
    assert.match(html, /<title>Pipeline DAG<\/title>/);
    assert.doesNotMatch(html, /style="/);
  });

  it('escapes the URIs and the title it writes into the page', () => {
    const html = webviewPage('<A & B>', { script: 'a"b.js', style: 'x&y.css', codicons: 'i.css' }, 'https://x', 'N');
    assert.match(html, /src="a&quot;b\.js"/);
    assert.match(html, /href="x&amp;y\.css"/);
    assert.match(html, /<title>&lt;A &amp; B><\/title>/);
  });

  it('makes a different nonce each time, base64 of 18 bytes', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9+/]{24}$/);
    assert.notEqual(a, makeNonce());
  });
});
