interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one handle on VS Code (acquireVsCodeApi may be called once per page). */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
