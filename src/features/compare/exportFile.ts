import * as vscode from 'vscode';
import path from 'node:path';
import { writeFileAtomic } from '../../core/index/atomicWrite';

/** Where an export goes: asks with a save dialog (tests replace this to give a path). */
export type SaveTarget = (suggestedName: string, filters: Record<string, string[]>) => Promise<vscode.Uri | undefined>;

export const saveDialogTarget = (defaultDir: () => vscode.Uri | undefined): SaveTarget => async (suggestedName, filters) => {
  const dir = defaultDir();
  return vscode.window.showSaveDialog({
    defaultUri: dir ? vscode.Uri.joinPath(dir, suggestedName) : undefined,
    filters,
    saveLabel: 'Export',
    title: `Export ${suggestedName}`,
  });
};

/** A file name from a metric key or title: "val/loss" -> "val_loss". */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^\.+/, '').trim();
  return cleaned.slice(0, 120) || 'export';
}

/**
 * Writes the export: local files atomically (temp + rename, so a crash never leaves half a CSV over an older one),
 * other file systems through VS Code.
 */
export async function writeExport(target: vscode.Uri, bytes: Uint8Array): Promise<string> {
  if (target.scheme === 'file') {
    await writeFileAtomic(target.fsPath, bytes);
    return target.fsPath;
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  return target.toString();
}

export function displayPath(target: string): string {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' && !path.relative(f.uri.fsPath, target).startsWith('..'));
  return folder ? path.relative(folder.uri.fsPath, target) || target : target;
}
