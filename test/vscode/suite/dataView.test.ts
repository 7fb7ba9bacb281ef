// Runs inside a real VS Code extension host on a copy of demo/ (see test/vscode/runExtensionHostTests.js).
// The Data view on the repository real DVC and git made (test/fixtures/dvc-data/repo.tar.gz), unpacked into the
// workspace copy as its own DVC repository beside the demo's. Its dvc.yaml is removed (the Pipelines suites expect
// the demo's one dvc.yaml), so its pipeline outputs are listed from dvc.lock with an unknown status; their status
// is checked in the unit tests and against real DVC in test/interop/dvcData.interop.mjs. Removed after the suite.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';
import type { DataElement } from '../../../src/features/data/dataTreeItems';
import { activateExtension, EXTENSION_ID, until as untilKit } from './testKit';


const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20000) => untilKit(what, probe, ms);

async function api(): Promise<MlopsTestApi> {
  const exports = await activateExtension();
  await exports.data.whenReady();
  return exports;
}


const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
let fixtureRoot = '';

suite('Data view', () => {
  suiteSetup(async function () {
    this.timeout(60000);
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const tarball = path.join(extensionPath, 'test', 'fixtures', 'dvc-data', 'repo.tar.gz');
    const parent = path.join(workspaceRoot(), 'dvc-data-fixture');
    fs.mkdirSync(parent, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', parent]);
    fixtureRoot = path.join(parent, 'repo');
    fs.rmSync(path.join(fixtureRoot, 'dvc.yaml'));
    const { data } = await api();
    await vscode.commands.executeCommand('mlops.refreshData');
    await data.dataModel.whenIdle();
  });

  suiteTeardown(async () => {
    fs.rmSync(path.dirname(fixtureRoot), { recursive: true, force: true });
    await vscode.commands.executeCommand('mlops.refreshData');
  });

  const fixtureItems = (a: MlopsTestApi) => a.data.dataModel.items.filter((i) => i.repoRoot === fixtureRoot);
  const itemElement = async (a: MlopsTestApi, rel: string): Promise<Extract<DataElement, { kind: 'item' }>> => {
    const tree = a.data.dataTree;
    const roots = await tree.getChildren();
    const repo = roots.find((r) => r.kind === 'repo' && r.root === fixtureRoot);
    const level = repo ? await tree.getChildren(repo) : roots;
    const el = level.find((e) => e.kind === 'item' && e.item.relPath === rel && e.item.repoRoot === fixtureRoot);
    assert.ok(el && el.kind === 'item', `${rel} is in the Data view`);
    return el;
  };

  test('lists every .dvc output and dvc.lock output of the repository, with its status', async () => {
    const a = await api();
    const items = fixtureItems(a);
    assert.deepEqual(items.map((i) => [i.relPath, a.data.dataModel.statusOf(i)?.status]), [
      ['data/images', 'up-to-date'],
      ['data/imported.txt', 'up-to-date'],
      ['data/table.csv', 'up-to-date'],
      ['out/features.csv', 'unknown'],
      ['out/summary.txt', 'unknown'],
    ]);
    const features = a.data.dataTree.getTreeItem(await itemElement(a, 'out/features.csv'));
    assert.equal(features.description, '42 B · status unknown · stage prepare');
    const treeItem = a.data.dataTree.getTreeItem(await itemElement(a, 'data/images'));
    assert.equal(treeItem.description, '26 B · 3 files · up to date');
    assert.equal(treeItem.contextValue, 'dataItem.dvcfile');
    const tip = treeItem.tooltip as vscode.MarkdownString;
    assert.match(tip.value, /189966c1efc9beaeaeca275516dd7ecd\.dir/);
    assert.equal(tip.isTrusted, false);
  });

  test('shows the versions from git as children, the current one marked', async () => {
    const a = await api();
    const versions = await a.data.dataTree.getChildren(await itemElement(a, 'data/images'));
    const items = versions.map((v) => a.data.dataTree.getTreeItem(v));
    assert.deepEqual(items.map((i) => i.label), ['2024-02-03 Update images and table to v2', '2024-01-02 Add images, table and features v1']);
    assert.match(String(items[0].description), /Grace Hopper · 26 B · 3 files · current/);
    assert.equal(items[0].contextValue, 'dataVersion.previous.current');
    assert.equal(items[1].contextValue, 'dataVersion');
  });

  test('Compare with Previous opens the folder diff read from the cache manifests', async () => {
    const a = await api();
    const [newest] = await a.data.dataTree.getChildren(await itemElement(a, 'data/images'));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('mlops.compareDataWithPrevious', newest);
    assert.ok(uri, 'the command returns the diff document');
    const md = a.data.dataDiffs.textOf(uri);
    assert.match(md ?? '', /\*\*1 added · 1 removed · 1 modified · 1 unchanged\*\*/);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), md, 'the virtual document serves the same Markdown');
  });

  test('a .dvc file created or deleted shows or goes through the file watcher', async () => {
    const a = await api();
    // In the demo's own repository: the workspace folder is watched from the start (a folder just unpacked may
    // not be watched yet when its files appear, an inotify race).
    const ws = workspaceRoot();
    const content = 'new data\n';
    const md5 = createHash('md5').update(content).digest('hex');
    fs.writeFileSync(path.join(ws, 'extra.txt'), content);
    fs.writeFileSync(path.join(ws, 'extra.txt.dvc'), `outs:\n- md5: ${md5}\n  size: ${content.length}\n  hash: md5\n  path: extra.txt\n`);
    const listed = () => a.data.dataModel.items.find((i) => i.repoRoot === ws && i.relPath === 'extra.txt');
    const item = await until('extra.txt is listed', listed);
    // Not stored by `dvc add`, so the recorded version is not in the cache: what dvc status says too.
    const status = await until('its status', () => a.data.dataModel.statusOf(item));
    assert.equal(status.status, 'not-in-cache');
    fs.rmSync(path.join(ws, 'extra.txt.dvc'));
    fs.rmSync(path.join(ws, 'extra.txt'));
    await until('extra.txt is gone', () => !listed());
  });

  test('a modified folder shows as modified after a refresh, with the files that changed', async () => {
    const a = await api();
    fs.writeFileSync(path.join(fixtureRoot, 'data', 'images', 'a.txt'), 'edited in the test\n');
    await vscode.commands.executeCommand('mlops.refreshData');
    const item = fixtureItems(a).find((i) => i.relPath === 'data/images')!;
    const status = a.data.dataModel.statusOf(item);
    assert.equal(status?.status, 'modified');
    assert.deepEqual(status?.folderChanges?.modified, ['a.txt']);
    const treeItem = a.data.dataTree.getTreeItem(await itemElement(a, 'data/images'));
    assert.equal((treeItem.iconPath as vscode.ThemeIcon).id, 'diff-modified');
  });
});
