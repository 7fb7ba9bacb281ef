// Entry of the Compare panel's bundle (dist/webview/compare.js). vscode-elements components are imported one by
// one: only what the panel uses is bundled.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import './compare.css';
import { isToWebview, messageBytes, type ToWebview } from '../../src/protocol/compare';
import { enableCodicons, initialData } from '../shared/page';
import { CompareApp } from './app';
import { vscodeApi } from './vscodeApi';

enableCodicons();
// VS Code shows the page, and hands it the messages it kept, at its load event: a mark for the benchmark.
window.addEventListener('load', () => {
  document.body.dataset.loadAt = String(Date.now());
});
const mount = document.getElementById('app');
if (mount) {
  const app = new CompareApp({
    post: (m) => vscodeApi.postMessage(m),
    getState: () => vscodeApi.getState(),
    setState: (s) => vscodeApi.setState(s),
  }, mount);
  let receivedBytes = 0;
  let largestBytes = 0;
  // What crossed from the host (the state written into the page counts as a message), for the benchmark; counted
  // after the message was handled, off the paint path.
  const countReceived = (message: ToWebview) => setTimeout(() => {
    const bytes = messageBytes(message);
    receivedBytes += bytes;
    largestBytes = Math.max(largestBytes, bytes);
    const data = document.body.dataset;
    if (message.type === 'state') data.stateBytes = String(bytes);
    data.receivedBytes = String(receivedBytes);
    data.largestMessageBytes = String(largestBytes);
  }, 50);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isToWebview(message)) return;
    app.onMessage(message);
    countReceived(message);
  });
  const initial = initialData();
  const initialState = isToWebview(initial) && initial.type === 'state' ? initial : undefined;
  if (app.start(initialState) && initialState) countReceived(initialState);
}
