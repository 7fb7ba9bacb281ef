import * as vscode from 'vscode';
import path from 'node:path';
import { SharedDvcHashing } from './platform/dvcHashing';
import { createLogger } from './platform/logger';
import { createRunsFeature, type RunsFeature } from './features/runs/runsFeature';
import { createCompareFeature, type CompareTestApi } from './features/compare/compareFeature';
import { createDataFeature, type DataFeature } from './features/data/dataFeature';
import { createPipelinesFeature, type PipelinesTestApi } from './features/pipelines/pipelinesFeature';

/** What activate() returns: used by the in-host tests, not a public API. */
export interface MlopsTestApi {
  whenReady(): Promise<void>;
  runsTree: RunsFeature['runsTree'];
  catalog: RunsFeature['catalog'];
  compare: CompareTestApi;
  data: Pick<DataFeature, 'whenReady' | 'dataTree' | 'dataModel' | 'dataDiffs'>;
  pipelines: PipelinesTestApi;
}

/** The one composition root. Cheap by design: every feature defers its heavy work until after activation. */
export function activate(context: vscode.ExtensionContext): MlopsTestApi {
  const log = createLogger();
  const runs = createRunsFeature(context, log);
  const compare = createCompareFeature(context, {
    catalog: runs.catalog, log, whenReady: runs.whenReady, selection: runs.selection, onDidChangeSelection: runs.onDidChangeSelection,
  });
  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const hashing = new SharedDvcHashing(storageDir, path.join(context.extensionUri.fsPath, 'dist', 'dvcHashWorker.js'), log);
  const data = createDataFeature(context, log, hashing);
  const pipelines = createPipelinesFeature(context, log, hashing);
  // A run rewrites outputs that may equal what dvc.lock already records (no dvc.lock change to watch): re-check the data.
  let runEnded: NodeJS.Timeout | undefined;
  const dataAfterRuns = pipelines.onDidChangeRuns(() => {
    clearTimeout(runEnded);
    runEnded = setTimeout(() => void data.refresh(), 1000);
  });
  context.subscriptions.push(log, runs, compare, data, pipelines, dataAfterRuns, hashing, { dispose: () => clearTimeout(runEnded) });
  return { whenReady: runs.whenReady, runsTree: runs.runsTree, catalog: runs.catalog, compare: compare.testApi, data, pipelines: pipelines.testApi };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
