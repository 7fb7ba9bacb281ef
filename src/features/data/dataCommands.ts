import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { CheckoutRefused, planCheckout, runCheckout } from '../../core/dvc/data/checkout';
import { diffVersions } from '../../core/dvc/data/dataDiff';
import { describeRecorded, versionLabel } from '../../core/dvc/data/dataFormat';
import type { DataHistory, DataVersion, TrackedData, VersionSide } from '../../core/dvc/data/dataTypes';
import { diffMarkdown } from '../../core/dvc/data/diffMarkdown';
import { findDvc, INSTALL_DVC_HINT, type DvcExecutable } from '../../core/dvc/data/dvcCli';
import { GitError } from '../../core/dvc/data/git';
import type { DataDiffDocuments } from './dataDiffDocuments';
import type { DataModel } from './dataModel';
import type { DataElement } from './dataTreeItems';
import type { DataTreeProvider } from './dataTreeProvider';

export interface DataCommandDeps {
  model: DataModel;
  tree: DataTreeProvider;
  view: vscode.TreeView<DataElement>;
  diffs: DataDiffDocuments;
  output: vscode.LogOutputChannel;
  workspaceRoots: () => string[];
}

type VersionElement = Extract<DataElement, { kind: 'version' }>;

/** Shown when Checkout is asked for in a workspace that is not trusted. */
export const UNTRUSTED_CHECKOUT = 'Checkout runs DVC (`dvc checkout`), which can execute code from this workspace (its virtual environment, DVC config and plugins), so it is disabled until you trust this workspace.';

export function registerDataCommands(d: DataCommandDeps): vscode.Disposable {
  const register = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  const dvcByRepo = new Map<string, DvcExecutable>();

  /** The tracked path an element (or the view's selection) is about. */
  const itemOf = (el?: DataElement): TrackedData | undefined => {
    const target = el ?? d.view.selection[0];
    return target?.kind === 'item' || target?.kind === 'version' ? target.item : undefined;
  };
  const pickItem = async (title: string): Promise<TrackedData | undefined> => {
    const items = d.model.items;
    if (items.length === 0) {
      void vscode.window.showInformationMessage('DVC tracks no data in this workspace yet (no .dvc files, no outputs in dvc.lock).');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.relPath, description: describeRecorded(item.recorded), item })),
      { title, placeHolder: 'A file or folder DVC tracks' });
    return picked?.item;
  };
  const historyOf = async (item: TrackedData): Promise<DataHistory | undefined> => {
    try {
      return await d.model.history(item);
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof GitError ? e.message : `Cannot read the history of ${item.relPath}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const sideOf = (v: DataVersion): VersionSide => ({ label: versionLabel(v), commit: v.commit, subject: v.subject, author: v.author, recorded: v.recorded! });

  const showDiff = async (item: TrackedData, older: DataVersion, newer: DataVersion) => {
    const cacheDir = d.model.cacheDirOf(item);
    if (!cacheDir || !older.recorded || !newer.recorded) return;
    const status = d.model.statusOf(item);
    const workspaceMd5 = status?.workspace?.md5 ?? (status?.status === 'up-to-date' ? item.recorded?.md5 : undefined);
    const diff = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Comparing ${item.relPath}` },
      () => diffVersions(item, sideOf(older), sideOf(newer), { cacheDir, workspaceMd5 }));
    return d.diffs.show(`${item.relPath} ${versionLabel(older).split(' ')[0]} → ${versionLabel(newer).split(' ')[0]}`, diffMarkdown(diff));
  };

  return vscode.Disposable.from(
    register('mlops.refreshData', () =>
      vscode.window.withProgress({ location: { viewId: 'mlops.data' }, title: 'Reading DVC data' }, () => d.model.refresh())),

    register('mlops.showDataHistory', async (el?: DataElement) => {
      const item = itemOf(el) ?? (await pickItem('Show History of…'));
      if (!item) return;
      const target = d.tree.elementOf(item.id);
      if (target) await d.view.reveal(target, { expand: true, select: true, focus: true });
    }),

    // On a version: that version against the one before it. On a path: its current version against the one before.
    register('mlops.compareDataWithPrevious', async (el?: DataElement) => {
      const item = itemOf(el) ?? (await pickItem('Compare with Previous Version…'));
      if (!item) return;
      let newer: DataVersion | undefined;
      let older: DataVersion | undefined;
      if (el?.kind === 'version') {
        newer = el.version;
        older = el.previous;
      } else {
        const h = await historyOf(item);
        if (!h) return;
        const at = h.current ?? 0;
        newer = h.versions[at];
        older = h.versions.slice(at + 1).find((v) => v.recorded);
      }
      if (!newer?.recorded || !older) {
        void vscode.window.showInformationMessage(`${item.relPath} has no earlier version in git to compare with.`);
        return;
      }
      return showDiff(item, older, newer);
    }),

    register('mlops.compareDataVersions', async (el?: DataElement) => {
      const item = itemOf(el) ?? (await pickItem('Compare Two Versions of…'));
      if (!item) return;
      const h = await historyOf(item);
      if (!h) return;
      const versions = h.versions.map((v, index) => ({ v, index })).filter(({ v }) => v.recorded);
      if (versions.length < 2) {
        void vscode.window.showInformationMessage(`${item.relPath} has ${versions.length === 1 ? 'only one version' : 'no versions'} in git: commit another version of ${item.source.kind === 'dvc-file' ? 'its .dvc file' : 'dvc.lock'} to compare.`);
        return;
      }
      const toPick = (list: typeof versions) => list.map(({ v, index }) => ({
        label: versionLabel(v),
        description: v.subject ?? 'not committed',
        detail: `${describeRecorded(v.recorded)}${h.current === index ? ' · current' : ''}${v.author ? ` · ${v.author}` : ''}`,
        index,
      }));
      let first = el?.kind === 'version' ? el.index : undefined;
      if (first === undefined) {
        const a = await vscode.window.showQuickPick(toPick(versions), { title: `Compare ${item.relPath} (1/2)`, placeHolder: 'First version' });
        if (!a) return;
        first = a.index;
      }
      const b = await vscode.window.showQuickPick(toPick(versions.filter((x) => x.index !== first)), { title: `Compare ${item.relPath} (2/2)`, placeHolder: `Compare ${versionLabel(h.versions[first])} with…` });
      if (!b) return;
      // The list is newest first: the higher index is the older version.
      const [olderIndex, newerIndex] = first > b.index ? [first, b.index] : [b.index, first];
      return showDiff(item, h.versions[olderIndex], h.versions[newerIndex]);
    }),

    register('mlops.checkoutDataVersion', async (el?: DataElement) => {
      if (el?.kind !== 'version') {
        void vscode.window.showInformationMessage('Checkout works on a version: expand a path in the Data view and right-click one of its commits.');
        return;
      }
      if (!vscode.workspace.isTrusted) {
        const manage = 'Manage Workspace Trust';
        if ((await vscode.window.showWarningMessage(UNTRUSTED_CHECKOUT, manage)) === manage) await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      }
      await checkout(el);
    }),

    register('mlops.revealData', async (el?: DataElement) => {
      const item = itemOf(el) ?? (await pickItem('Reveal in Explorer…'));
      if (!item) return;
      if (!fs.existsSync(item.path)) {
        void vscode.window.showWarningMessage(`${item.relPath} is not in the workspace: \`dvc checkout\` restores it from the cache.`);
        return;
      }
      const inWorkspace = d.workspaceRoots().some((r) => !path.relative(r, item.path).startsWith('..'));
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', vscode.Uri.file(item.path));
    }),

    register('mlops.openDvcFile', async (el?: DataElement) => {
      const item = itemOf(el) ?? (await pickItem('Open .dvc File…'));
      if (!item) return;
      const file = item.source.kind === 'dvc-file' ? item.source.file : item.source.lockFile;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const line = item.line ? item.line - 1 : lineInLock(doc, item);
      const at = new vscode.Range(line, 0, line, 0);
      await vscode.window.showTextDocument(doc, { selection: at });
    }),
  );

  async function checkout(el: VersionElement): Promise<void> {
    const item = el.item;
    let dvc = dvcByRepo.get(item.repoRoot);
    if (!dvc) {
      dvc = await findDvc(item.repoRoot);
      if (!dvc) {
        const copy = 'Copy "pip install dvc"';
        if ((await vscode.window.showErrorMessage(`Cannot check out ${item.relPath}: ${INSTALL_DVC_HINT}`, copy)) === copy) await vscode.env.clipboard.writeText('pip install dvc');
        return;
      }
      dvcByRepo.set(item.repoRoot, dvc);
    }
    let plan;
    try {
      // Decide on a fresh status: the data may have been edited since the view last checked it.
      await vscode.window.withProgress({ location: { viewId: 'mlops.data' }, title: 'Checking the data before checkout' }, async () => {
        await d.model.refresh();
        await d.model.whenIdle();
      });
      const fresh = d.model.items.find((i) => i.id === item.id);
      const cacheDir = fresh && d.model.cacheDirOf(fresh);
      if (!fresh || !cacheDir) throw new CheckoutRefused(`${item.relPath} is no longer tracked (its .dvc file or dvc.lock entry is gone).`);
      const history = await d.model.history(fresh);
      const version = history.versions.find((v) => v.commit === el.version.commit);
      if (!version) throw new CheckoutRefused(`${versionLabel(el.version)} is no longer in the history of ${item.relPath}.`);
      plan = await planCheckout(fresh, version, { status: d.model.statusOf(fresh), dvc, cacheDir, history: history.versions });
    } catch (e) {
      if (e instanceof CheckoutRefused || e instanceof GitError) void vscode.window.showWarningMessage(e.message);
      else void vscode.window.showErrorMessage(`Cannot check out ${item.relPath}: ${(e as Error).message}`);
      return;
    }
    const go = 'Checkout';
    const answer = await vscode.window.showWarningMessage(plan.summary, { modal: true, detail: `Uses DVC ${dvc.version}. To go back afterwards: ${plan.undo}` }, go);
    if (answer !== go) return;
    const failed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking out ${item.relPath}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          await runCheckout(plan, {
            signal: controller.signal,
            onStep: ({ step, stdout, stderr }) => {
              progress.report({ message: step.display });
              d.output.info(`$ ${step.display}${stdout.trim() ? `\n${stdout.trim()}` : ''}${stderr.trim() ? `\n${stderr.trim()}` : ''}`);
            },
          });
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      });
    await d.model.refresh();
    if (failed) {
      d.output.error(failed);
      void vscode.window.showErrorMessage(failed, 'Show Output').then((a) => a && d.output.show(true));
    } else {
      void vscode.window.setStatusBarMessage(`${item.relPath} is now at ${versionLabel(el.version)}`, 5000);
    }
  }
}

/** The line of a pipeline output's entry in dvc.lock: the stage's key, then the output's `path:` below it. */
function lineInLock(doc: vscode.TextDocument, item: TrackedData): number {
  if (item.source.kind !== 'pipeline') return 0;
  const stage = item.source.stage;
  let stageLine = -1;
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (stageLine < 0) {
      if (text.replace(/^\s+/, '').replace(/['"]/g, '').startsWith(`${stage}:`) && /^ {2}\S/.test(text)) stageLine = i;
    } else if (/^ {2}\S/.test(text)) {
      break; // the next stage
    } else if (text.includes(`path: ${item.source.outPath}`)) {
      return i;
    }
  }
  return Math.max(0, stageLine);
}
