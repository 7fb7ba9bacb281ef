import * as vscode from 'vscode';
import { remoteStoreRef } from '../core/discovery/trackingUri';
import type { TrackingCredentials } from '../core/mlflow/rest/trackingAuth';

// Tracking server credentials in VS Code's SecretStorage (the OS keychain), one entry per server URL. They never
// go to settings, the index or the logs.

const KEY_PREFIX = 'mlops.trackingCredentials:';

/** The secret's key: the server URL normalized as the store's uri, so `http://Host:5000/` and `http://host:5000` match. */
function secretKey(serverUrl: string): string {
  return KEY_PREFIX + remoteStoreRef(serverUrl).uri;
}

function parseStored(text: string | undefined): TrackingCredentials | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<{ kind: string; token: string; username: string; password: string }>;
    if (v.kind === 'token' && typeof v.token === 'string' && v.token) return { kind: 'token', token: v.token };
    if (v.kind === 'basic' && typeof v.username === 'string' && typeof v.password === 'string' && v.username) {
      return { kind: 'basic', username: v.username, password: v.password };
    }
  } catch {
    // A value this version did not write: treated as absent, replaced on the next set.
  }
  return undefined;
}

export function getTrackingCredentials(secrets: vscode.SecretStorage, serverUrl: string): Promise<TrackingCredentials | undefined> {
  return Promise.resolve(secrets.get(secretKey(serverUrl))).then(parseStored);
}

export async function setTrackingCredentials(secrets: vscode.SecretStorage, serverUrl: string, credentials: TrackingCredentials): Promise<void> {
  await secrets.store(secretKey(serverUrl), JSON.stringify(credentials));
}

export async function deleteTrackingCredentials(secrets: vscode.SecretStorage, serverUrl: string): Promise<void> {
  await secrets.delete(secretKey(serverUrl));
}

/** Calls `listener` with the normalized server URL whenever that server's credentials are set or deleted (any window). */
export function onDidChangeTrackingCredentials(secrets: vscode.SecretStorage, listener: (serverUri: string) => void): vscode.Disposable {
  return secrets.onDidChange((e) => {
    if (e.key.startsWith(KEY_PREFIX)) listener(e.key.slice(KEY_PREFIX.length));
  });
}

/**
 * Asks which kind of credentials, then for them (the password and token boxes hide what is typed).
 * Resolves to the new credentials, 'delete' when the user chose to remove them, or undefined when cancelled.
 */
export async function askForTrackingCredentials(serverUrl: string, hasStored: boolean): Promise<TrackingCredentials | 'delete' | undefined> {
  const server = remoteStoreRef(serverUrl).uri;
  type Choice = vscode.QuickPickItem & { value: 'token' | 'basic' | 'delete' };
  const choices: Choice[] = [
    { label: 'Token', description: 'sent as "Authorization: Bearer <token>" (like MLFLOW_TRACKING_TOKEN)', value: 'token' },
    { label: 'Username and password', description: 'HTTP basic auth (like MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)', value: 'basic' },
  ];
  if (hasStored) choices.push({ label: 'Remove the stored credentials', value: 'delete' });
  const choice = await vscode.window.showQuickPick(choices, { title: `Credentials for ${server}`, placeHolder: 'How does this tracking server authenticate?' });
  if (!choice) return undefined;
  if (choice.value === 'delete') return 'delete';
  const notEmpty = (v: string) => (v.trim() === '' ? 'Required' : undefined);
  if (choice.value === 'token') {
    const token = await vscode.window.showInputBox({ title: `Token for ${server}`, password: true, ignoreFocusOut: true, validateInput: notEmpty });
    return token ? { kind: 'token', token: token.trim() } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: `Username for ${server}`, ignoreFocusOut: true, validateInput: notEmpty });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password of ${username} on ${server}`, password: true, ignoreFocusOut: true });
  return password === undefined ? undefined : { kind: 'basic', username: username.trim(), password };
}
