// Runs inside a real VS Code extension host on a copy of demo/ (see test/vscode/runExtensionHostTests.js).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';
import type { RunsElement } from '../../../src/features/runs/runsTreeItems';
import { activateExtension, until } from './testKit';


async function api(): Promise<MlopsTestApi> {
  const exports = await activateExtension();
  await exports.whenReady();
  return exports;
}


type Tree = MlopsTestApi['runsTree'];
const children = (tree: Tree, el?: RunsElement) => tree.getChildren(el) as RunsElement[];
const label = (tree: Tree, el: RunsElement) => String(tree.getTreeItem(el).label);
/** Experiments of every store: at the top with one store, under each store's node with several (the demo has several). */
function allExperiments(tree: Tree): RunsElement[] {
  const top = children(tree);
  return [...top, ...top.filter((e) => e.kind === 'store').flatMap((s) => children(tree, s))].filter((e) => e.kind === 'experiment');
}

function allRuns(tree: Tree): Extract<RunsElement, { kind: 'run' }>[] {
  const out: Extract<RunsElement, { kind: 'run' }>[] = [];
  const walk = (els: RunsElement[]) => {
    for (const el of els) {
      if (el.kind === 'run') out.push(el);
      if (el.kind !== 'problems') walk(children(tree, el));
    }
  };
  walk(children(tree));
  return out;
}

suite('Runs view', () => {
  test('lists the demo experiments and their runs, newest first', async () => {
    const { runsTree } = await api();
    const experiments = allExperiments(runsTree);
    assert.ok(experiments.length >= 2, 'the demo has two experiments');
    const busiest = experiments.reduce((a, b) => (children(runsTree, b).length > children(runsTree, a).length ? b : a));
    const runs = children(runsTree, busiest).filter((e) => e.kind === 'run');
    assert.ok(runs.length >= 2, `runs under ${label(runsTree, busiest)}`);
    const starts = runs.map((r) => (r.kind === 'run' ? r.node.run.startTime ?? 0 : 0));
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');
  });

  test('nests child runs under their parent run', async () => {
    const { runsTree } = await api();
    const runs = allRuns(runsTree);
    const child = runs.find((r) => r.node.run.parentRunId);
    assert.ok(child, 'the demo has a nested run');
    const parent = runs.find((r) => r.node.run.runId === child.node.run.parentRunId);
    assert.ok(parent, 'its parent is shown');
    assert.ok(parent.node.children.some((c) => c.run.runId === child.node.run.runId));
    assert.equal(runsTree.getTreeItem(parent).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  test('shows the key metric in the description, a status icon and a Markdown tooltip', async () => {
    const { runsTree } = await api();
    const withMetric = allRuns(runsTree).find((r) => r.keyMetric && r.node.run.metrics[r.keyMetric]);
    assert.ok(withMetric, 'a run with the key metric');
    const item = runsTree.getTreeItem(withMetric);
    assert.match(String(item.description), new RegExp(`^${withMetric.keyMetric} `));
    assert.ok(item.iconPath instanceof vscode.ThemeIcon);
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assert.equal(item.tooltip.isTrusted, false);
    assert.match(item.tooltip.value, /Run ID:/);
    const running = allRuns(runsTree).find((r) => r.node.run.status === 'RUNNING');
    if (running) assert.equal((runsTree.getTreeItem(running).iconPath as vscode.ThemeIcon).id, 'sync~spin');
  });

  test('filters with MLflow search syntax and clears the filter', async () => {
    const { runsTree } = await api();
    const before = allRuns(runsTree);
    const failed = before.filter((r) => r.node.run.status === 'FAILED');
    await vscode.commands.executeCommand('mlops.filterRuns', "attributes.status = 'FAILED'");
    const after = await until('the filter applies', () => {
      const now = allRuns(runsTree);
      return now.length === failed.length && now;
    });
    assert.ok(after.every((r) => r.node.run.status === 'FAILED'));
    assert.ok(after.length < before.length);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mlops.filterRuns', 'metrics.acc >')), /column/);
    await vscode.commands.executeCommand('mlops.clearRunFilter');
    await until('the filter clears', () => allRuns(runsTree).length === before.length);
  });

  test('copies a run id', async () => {
    const { runsTree } = await api();
    const run = allRuns(runsTree)[0];
    await vscode.commands.executeCommand('mlops.copyRunId', run);
    assert.equal(await vscode.env.clipboard.readText(), run.node.run.runId);
  });

  test("opens a run's meta.yaml", async () => {
    const { runsTree } = await api();
    const run = allRuns(runsTree).find((r) => r.node.run.metaPath);
    assert.ok(run);
    await vscode.commands.executeCommand('mlops.openRunMeta', run);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, run.node.run.metaPath);
  });

  test('updates a metric live when a line is appended to its file', async () => {
    const { runsTree } = await api();
    const target = allRuns(runsTree).find((r) => r.keyMetric && r.node.run.metrics[r.keyMetric] && r.node.run.metaPath);
    assert.ok(target?.keyMetric && target.node.run.metaPath);
    const key = target.keyMetric;
    const file = path.join(path.dirname(target.node.run.metaPath), 'metrics', key);
    const latest = target.node.run.metrics[key];
    fs.appendFileSync(file, `${latest.timestamp + 1000} 0.123456 ${latest.step + 1}\n`);
    await until('the new value reaches the tree', () => {
      const now = allRuns(runsTree).find((r) => r.node.run.runId === target.node.run.runId);
      return now && /0\.1235/.test(String(runsTree.getTreeItem(now).description));
    }, 15000);
  });
});

suite('Runs view: bad input', () => {
  test('a malformed meta.yaml becomes a warning item naming the file, and the other runs stay', async () => {
    const { runsTree, catalog } = await api();
    const before = allRuns(runsTree).length;
    const some = allRuns(runsTree).find((r) => r.node.run.metaPath);
    assert.ok(some?.node.run.metaPath);
    const experimentDir = path.dirname(path.dirname(some.node.run.metaPath));
    const badDir = path.join(experimentDir, 'f'.repeat(32));
    fs.mkdirSync(path.join(badDir, 'metrics'), { recursive: true });
    fs.writeFileSync(path.join(badDir, 'meta.yaml'), 'run_id: [unclosed\nstatus: : :\n');
    try {
      await vscode.commands.executeCommand('mlops.refreshRuns');
      const problem = await until('a problem item for the bad meta.yaml', () => {
        const root = children(runsTree).find((e) => e.kind === 'problems');
        return root && children(runsTree, root).find((p) => p.kind === 'problem' && p.problem.file === path.join(badDir, 'meta.yaml'));
      });
      const item = runsTree.getTreeItem(problem);
      assert.match(String(item.label), /meta\.yaml/);
      assert.ok(String(item.description).length > 10, 'says what is wrong');
      assert.equal(allRuns(runsTree).length, before, 'every other run still loads');
      assert.ok(catalog.problems().length >= 1);
      fs.rmSync(badDir, { recursive: true, force: true });
      await until('the warning goes when the folder is deleted', () => !catalog.problems().some((p) => p.file.startsWith(badDir)));
    } finally {
      fs.rmSync(badDir, { recursive: true, force: true });
    }
  });
});

suite('Runs view: order and deleted runs', () => {
  test('sorts runs by a metric, then back to newest first', async () => {
    const { runsTree } = await api();
    const experiments = allExperiments(runsTree);
    const busiest = experiments.reduce((a, b) => (children(runsTree, b).length > children(runsTree, a).length ? b : a));
    const key = (busiest.kind === 'experiment' && runsTree.keyMetricOf(busiest.ref.uri, busiest.experiment.experimentId)) || 'accuracy';
    await vscode.commands.executeCommand('mlops.sortRuns', `metrics.${key} ASC`);
    try {
      const values = await until('runs sorted by the metric', () => {
        const runs = children(runsTree, busiest).filter((e): e is Extract<RunsElement, { kind: 'run' }> => e.kind === 'run' && key in e.node.run.metrics);
        const v = runs.map((r) => r.node.run.metrics[key].value);
        return v.length >= 2 && v.every((x, i) => i === 0 || v[i - 1] <= x) && v;
      });
      assert.ok(values[0] <= values[values.length - 1]);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mlops.sortRuns', 'metrics.acc SIDEWAYS')), /column/);
    } finally {
      await vscode.commands.executeCommand('mlops.sortRuns', 'attributes.start_time DESC');
    }
  });

  test('a run deleted by MLflow disappears live, and shows again with deleted runs toggled on', async () => {
    const { runsTree } = await api();
    const victim = allRuns(runsTree).find((r) => r.node.run.metaPath && r.node.children.length === 0);
    assert.ok(victim?.node.run.metaPath);
    const meta = victim.node.run.metaPath;
    const original = fs.readFileSync(meta, 'utf8');
    try {
      fs.writeFileSync(meta, original.replace(/^lifecycle_stage: active$/m, 'lifecycle_stage: deleted'));
      await until('the deleted run is hidden', () => !allRuns(runsTree).some((r) => r.node.run.runId === victim.node.run.runId));
      await vscode.commands.executeCommand('mlops.toggleDeletedRuns');
      const shown = await until('the deleted run shows with deleted runs on', () => allRuns(runsTree).find((r) => r.node.run.runId === victim.node.run.runId));
      assert.equal((runsTree.getTreeItem(shown).iconPath as vscode.ThemeIcon).id, 'trash');
      await vscode.commands.executeCommand('mlops.toggleDeletedRuns');
      await until('hidden again', () => !allRuns(runsTree).some((r) => r.node.run.runId === victim.node.run.runId));
    } finally {
      fs.writeFileSync(meta, original);
    }
    await until('restored', () => allRuns(runsTree).some((r) => r.node.run.runId === victim.node.run.runId));
  });
});
