import assert from 'node:assert/strict';
import { inlineText, jsonForScriptElement, makeNonce, webviewCsp, webviewPage } from '../../../src/platform/webviewHtml';

const assets = { script: 'window.ran = 1;', style: 'body { color: red; }', codicons: '.codicon { font-family: "codicon"; } /* ü */' };

describe('webview page', () => {
  it('allows scripts and styles only by nonce, fonts only as data, nothing loaded, nothing eval', () => {
    const csp = webviewCsp('N0NCE');
    assert.match(csp, /^default-src 'none'; script-src 'nonce-N0NCE'; style-src 'nonce-N0NCE'; font-src data:; /);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /require-trusted-types-for 'script'; trusted-types lit-html$/);
  });

  it('puts the CSP first in <head>, the script and style inline with the nonce, the codicons as data, not blocking', () => {
    const html = webviewPage('Pipeline DAG', assets, { nonce: 'N0NCE' });
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<meta charset'), 'the CSP comes first in <head>');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'));
    assert.equal((html.match(/nonce="N0NCE"/g) ?? []).length, 3);
    assert.match(html, /<script nonce="N0NCE">window\.ran = 1;<\/script>/);
    assert.match(html, /<style nonce="N0NCE">body \{ color: red; \}<\/style>/);
    // media="print": the inline script never waits for it (the page's script switches it on).
    const link = /<link id="vscode-codicon-stylesheet" rel="stylesheet" media="print" nonce="N0NCE" href="data:text\/css;charset=utf-8,([^"]*)">/.exec(html);
    assert.ok(link, 'the codicons link');
    assert.equal(decodeURIComponent(link[1]), assets.codicons);
    assert.doesNotMatch(html, /(src|href)="(?!data:)/, 'nothing to fetch');
    assert.match(html, /<title>Pipeline DAG<\/title>/);
    assert.doesNotMatch(html, /style="/);
    assert.doesNotMatch(html, /initial-data/, 'no data element unless given');
  });

  it('escapes the title and the codicons it writes into the page', () => {
    const html = webviewPage('<A & B>', { ...assets, codicons: 'a[title="<x>&"] {}' }, { nonce: 'N' });
    assert.match(html, /href="data:text\/css;charset=utf-8,a%5Btitle%3D%22%3Cx%3E%26%22%5D%20%7B%7D"/);
    assert.match(html, /<title>&lt;A &amp; B><\/title>/);
  });

  it('writes initial data as JSON that cannot end its element, and it reads back equal', () => {
    const data = { type: 'state', name: '</script><script>alert(1)</script>', other: '<!-- x -->', n: [1, 2.5, null] };
    const html = webviewPage('T', assets, { nonce: 'N', initialData: data });
    const m = /<script type="application\/json" id="initial-data">(.*?)<\/script>/s.exec(html);
    assert.ok(m, 'the data element');
    assert.doesNotMatch(m[1], /</, 'no "<" inside the element');
    assert.deepEqual(JSON.parse(m[1]), data);
    assert.ok(html.indexOf('id="initial-data"') < html.indexOf('<script nonce'), 'the data is there before the script runs');
    assert.equal(jsonForScriptElement('a<b'), '"a\\u003cb"');
  });

  it('keeps inline text from ending its element early, and refuses a script that could hide its end tag', () => {
    assert.equal(inlineText('const s = "</SCRIPT>";', 'script'), 'const s = "<\\/SCRIPT>";');
    assert.equal(inlineText('a::after { content: "</style>"; }', 'style'), 'a::after { content: "<\\/style>"; }');
    assert.equal(inlineText('x = "</style>"', 'script'), 'x = "</style>"', 'only the element\'s own end tag matters');
    assert.throws(() => inlineText('s = "<!--<script>"', 'script'), /<!--/);
  });

  it('makes a different nonce each time, base64 of 18 bytes', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9+/]{24}$/);
    assert.notEqual(a, makeNonce());
  });
});
