import * as vscode from 'vscode';
import { createLogger } from './platform/logger';
import { createRunsFeature, type RunsFeature } from './features/runs/runsFeature';

/** What activate() returns: used by the in-host tests, not a public API. */
export interface MlopsTestApi {
  whenReady(): Promise<void>;
  runsTree: RunsFeature['runsTree'];
  catalog: RunsFeature['catalog'];
}

/** The one composition root. Cheap by design: every feature defers its heavy work until after activation. */
export function activate(context: vscode.ExtensionContext): MlopsTestApi {
  const log = createLogger();
  const runs = createRunsFeature(context, log);
  context.subscriptions.push(log, runs);
  return { whenReady: runs.whenReady, runsTree: runs.runsTree, catalog: runs.catalog };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
