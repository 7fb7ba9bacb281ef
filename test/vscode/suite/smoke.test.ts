// Smoke test in a real extension host on a copy of demo/: the extension activates, registers its commands,
// and its Runs tree lists the demo's experiments.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mlops-workbench.mlops-workbench';

/** What activate() returns for in-host tests. */
interface WorkbenchTestApi {
  whenReady(): Promise<void>;
  runsTree: vscode.TreeDataProvider<unknown>;
}

const COMMANDS = [
  'mlops.refreshRuns', 'mlops.filterRuns', 'mlops.clearRunFilter', 'mlops.sortRuns', 'mlops.toggleDeletedRuns',
  'mlops.copyRunId', 'mlops.openRunSource', 'mlops.revealRunArtifacts', 'mlops.openRunMeta', 'mlops.chooseKeyMetric',
  'mlops.showOutput',
];

async function activatedApi(): Promise<WorkbenchTestApi> {
  const ext = vscode.extensions.getExtension<WorkbenchTestApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api && typeof api.whenReady === 'function', 'activate() did not return the test API');
  await api.whenReady();
  return api;
}

async function labelOf(tree: vscode.TreeDataProvider<unknown>, element: unknown): Promise<string> {
  const item = await tree.getTreeItem(element);
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

/** Names from mlruns/<id>/meta.yaml (experiment level: the file sits two levels below mlruns/). */
async function experimentNamesOnDisk(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const uri of await vscode.workspace.findFiles('**/mlruns/*/meta.yaml')) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const name = /^name:\s*(.+)$/m.exec(text)?.[1]?.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (name && !/^lifecycle_stage:\s*deleted/m.test(text)) names.add(name);
  }
  return names;
}

suite('smoke', () => {
  test('the workspace is the demo copy with mlruns/', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
    const metas = await vscode.workspace.findFiles('**/mlruns/**/meta.yaml', undefined, 1);
    assert.ok(metas.length > 0, 'the demo workspace has no mlruns/**/meta.yaml');
  });

  test('the extension is present and activates on the workspace', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await activatedApi();
    assert.equal(ext.isActive, true);
  });

  test('the commands are registered', async () => {
    await activatedApi();
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  test('the Runs tree lists the demo experiments and their runs', async () => {
    const { runsTree } = await activatedApi();
    const top = (await runsTree.getChildren()) ?? [];
    assert.ok(top.length > 0, 'the Runs tree has no top-level items');
    const labels = await Promise.all(top.map((e) => labelOf(runsTree, e)));
    assert.ok(labels.every((l) => l.length > 0), `top-level items without a label: ${JSON.stringify(labels)}`);
    // Some experiments may be empty (MLflow's "Default" usually is); at least one must expand to its runs.
    const childCounts = await Promise.all(top.map(async (e) => ((await runsTree.getChildren(e)) ?? []).length));
    assert.ok(childCounts.some((n) => n > 0), `no top-level item has children: ${JSON.stringify(labels)} -> ${JSON.stringify(childCounts)}`);

    // The experiment names on disk show up at the top (one store) or one level down (several stores).
    const onDisk = await experimentNamesOnDisk();
    assert.ok(onDisk.size > 0, 'no experiment meta.yaml with a name found in the demo');
    let shown = labels.filter((l) => onDisk.has(l));
    if (shown.length === 0) {
      const below = await Promise.all(top.map(async (e) => Promise.all(((await runsTree.getChildren(e)) ?? []).map((c) => labelOf(runsTree, c)))));
      shown = below.flat().filter((l) => onDisk.has(l));
    }
    assert.ok(shown.length > 0, `none of the tree labels ${JSON.stringify(labels)} is an experiment name on disk ${JSON.stringify([...onDisk])}`);
  });
});
