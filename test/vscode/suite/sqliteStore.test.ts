// An mlflow.db appearing in the workspace: discovered, read through the worker shipped in dist/, live, and let go.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';
import type { RunsElement } from '../../../src/features/runs/runsTreeItems';
import { until as untilKit } from './testKit';

const REPO = path.resolve(__dirname, '../../../..');
const FIXTURE_DB = path.join(REPO, 'test/fixtures/mlflow/sqlite/mlflow.db');

const until = <T>(what: string | (() => string), probe: () => T | undefined | false, ms = 15000) => untilKit(what, probe, ms);

suite('Runs view: an mlflow.db store', () => {
  test('a new mlflow.db shows as a second store with its runs, read-only, and goes when deleted', async () => {
    const ext = vscode.extensions.getExtension<MlopsTestApi>('mlops-workbench.mlops-workbench');
    assert.ok(ext);
    const { runsTree, whenReady, catalog } = await ext.activate();
    await whenReady();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(root, 'tracking');
    const db = path.join(dir, 'mlflow.db');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(FIXTURE_DB, db);
    const before = fs.readFileSync(db);
    const mtime = fs.statSync(db).mtimeMs;
    try {
      const storeNode = await until(() => `the db appears as a store node; stores: ${catalog.storeRefs().map((r) => r.path).join(', ')}; problems: ${JSON.stringify(catalog.problems())}`, () =>
        (runsTree.getChildren() as RunsElement[]).find((e) => e.kind === 'store' && e.ref.path === db));
      assert.equal(runsTree.getTreeItem(storeNode).label, 'mlflow.db');
      const runs = await until('its runs are read', () => catalog.runs(`sqlite:///${db}`).length > 0 && catalog.runs(`sqlite:///${db}`));
      assert.ok(runs.some((r) => r.parentRunId), 'nested runs come through');
      const experiments = runsTree.getChildren(storeNode) as RunsElement[];
      assert.ok(experiments.some((e) => e.kind === 'experiment' && e.experiment.name === 'iris-classifier'));
      assert.ok(!experiments.some((e) => e.kind === 'experiment' && e.experiment.lifecycleStage === 'deleted'), 'deleted experiments hidden');
      const withHistory = runs.find((r) => Object.keys(r.metrics).length > 0)!;
      const key = Object.keys(withHistory.metrics)[0];
      const history = await catalog.metricHistory(`sqlite:///${db}`, withHistory.runId, key);
      assert.ok(history.length >= 1, 'a metric history comes from the db');
      assert.ok(fs.readFileSync(db).equals(before), 'the db is byte-identical after reading');
      assert.equal(fs.statSync(db).mtimeMs, mtime);
      for (const suffix of ['-journal', '-wal', '-shm']) assert.ok(!fs.existsSync(db + suffix), `no ${suffix} was created`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await until('the store goes away with the file', () =>
      !(runsTree.getChildren() as RunsElement[]).some((e) => e.kind === 'store' && e.ref.path === db));
  });
});
