import * as vscode from 'vscode';
import { remoteStoreRef } from '../../core/discovery/trackingUri';
import { MlflowRestReader } from '../../core/mlflow/rest/mlflowRestReader';
import type { RunCatalog } from '../../core/runs/runCatalog';
import type { RunStoreReader, StoreRef } from '../../core/runs/types';
import { readRunsSettings } from '../../platform/settings';
import {
  askForTrackingCredentials, deleteTrackingCredentials, getTrackingCredentials, onDidChangeTrackingCredentials, setTrackingCredentials,
} from '../../platform/trackingCredentials';

/** Tracking-server readers ask SecretStorage for credentials at each request: new ones apply without a reload. */
export function openTrackingServerReader(secrets: vscode.SecretStorage): (ref: StoreRef) => RunStoreReader | undefined {
  return (ref) => (ref.kind === 'mlflow-rest' ? new MlflowRestReader(ref, { credentials: () => getTrackingCredentials(secrets, ref.uri) }) : undefined);
}

/** "MLOps: Set Tracking Server Credentials", and a re-read of a server whenever its credentials change. */
export function registerTrackingServerCredentials(secrets: vscode.SecretStorage, catalog: RunCatalog): vscode.Disposable {
  const command = vscode.commands.registerCommand('mlops.setTrackingCredentials', async (given?: unknown) => {
    // A string (a test, a keybinding) or the server's item in the Runs view.
    const fromItem = (given as { kind?: string; ref?: StoreRef } | undefined)?.ref?.uri;
    const server = await pickServer(catalog, typeof given === 'string' ? given : fromItem);
    if (!server) return;
    const stored = await getTrackingCredentials(secrets, server);
    const answer = await askForTrackingCredentials(server, stored !== undefined);
    if (answer === undefined) return;
    if (answer === 'delete') await deleteTrackingCredentials(secrets, server);
    else await setTrackingCredentials(secrets, server, answer);
  });
  const changes = onDidChangeTrackingCredentials(secrets, (serverUri) => void catalog.retry(serverUri));
  return vscode.Disposable.from(command, changes);
}

/** The server to set credentials for: the one given, the only one known, or the user's pick or entry. */
async function pickServer(catalog: RunCatalog, given: string | undefined): Promise<string | undefined> {
  if (given) return remoteStoreRef(given).uri;
  const known = new Set(catalog.storeRefs().filter((s) => s.kind === 'mlflow-rest').map((s) => s.uri));
  const configured = readRunsSettings().trackingUri;
  if (configured && /^https?:\/\//i.test(configured)) known.add(remoteStoreRef(configured).uri);
  if (known.size === 1) return [...known][0];
  if (known.size > 1) return vscode.window.showQuickPick([...known], { title: 'Set Tracking Server Credentials', placeHolder: 'Which server?' });
  const typed = await vscode.window.showInputBox({
    title: 'Set Tracking Server Credentials',
    prompt: 'The tracking server URL (also set it as mlops.trackingUri to list its runs)',
    placeHolder: 'https://mlflow.example.com',
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
  });
  return typed ? remoteStoreRef(typed).uri : undefined;
}
