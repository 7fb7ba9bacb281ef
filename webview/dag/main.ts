// Entry of the DAG panel's bundle (dist/webview/dag.js). vscode-elements components are imported one by one.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import './dag.css';
import { isToWebview } from '../../src/protocol/dag';
import { enableCodicons } from '../shared/page';
import { DagApp } from './app';
import { vscodeApi } from './vscodeApi';

enableCodicons();
const mount = document.getElementById('app');
if (mount) {
  const app = new DagApp({
    post: (m) => vscodeApi.postMessage(m),
    getState: () => vscodeApi.getState(),
    setState: (s) => vscodeApi.setState(s),
  }, mount);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isToWebview(event.data)) app.onMessage(event.data);
  });
  app.start();
}
