// The floor under the Compare panel's first paint: an empty panel whose page is a few bytes, a nonce'd inline
// script, no data. Its body gets the same marks as the Compare page (scriptStartAt, loadAt, firstPaintAt two frames
// after the load event).
'use strict';
const vscode = require('vscode');
const crypto = require('node:crypto');

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('emptyWebviewFloor.open', () => {
    const panel = vscode.window.createWebviewPanel('emptyWebviewFloor', 'Empty webview', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
    const nonce = crypto.randomBytes(18).toString('base64');
    panel.webview.html = `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'">
</head><body><div id="app">empty</div><script nonce="${nonce}">
document.body.dataset.pageStartAt = String(Math.round(performance.timeOrigin));
document.body.dataset.scriptStartAt = String(Date.now());
// VS Code shows a page (and hands it its messages) at its load event: the first paint anyone sees is after it.
window.addEventListener('load', () => {
  document.body.dataset.loadAt = String(Date.now());
  requestAnimationFrame(() => requestAnimationFrame(() => { document.body.dataset.firstPaintAt = String(Date.now()); }));
});
</script></body></html>`;
  }));
};
exports.deactivate = () => undefined;
