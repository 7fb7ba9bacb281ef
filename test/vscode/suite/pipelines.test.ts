// The Pipelines feature inside a real VS Code extension host, on a copy of demo/ (see test/vscode/runExtensionHostTests.js):
// the view, the CodeLens on demo/dvc.yaml, hovers, go to definition, problems, a run of `generate` through the
// command with the built-in runner, and the DAG panel drawn in its webview.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';
import type { PipelinesElement } from '../../../src/features/pipelines/pipelinesTree';
import { activateExtension, until as untilKit } from './testKit';

const DEMO_STAGES = ['generate', 'prepare', 'train', 'evaluate@train', 'evaluate@test'];
// Two stages added for the failure and cancel tests (and removed after them).
const EXTRA_STAGES = `  broken:
    cmd: python3 broken.py
  sleepy:
    cmd: python3 sleepy.py
`;
const BROKEN_PY = 'import sys\nprint("about to fail")\nsys.exit(3)\n';
// A stage with a child process of its own: cancelling must end both.
const SLEEPY_PY = [
  'import os, subprocess, sys, time',
  "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])",
  "open('sleepy.pids', 'w').write(f'{os.getpid()} {child.pid}')",
  'time.sleep(120)',
  '',
].join('\n');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30000) => untilKit(what, probe, ms);

async function api(): Promise<MlopsTestApi> {
  const exports = await activateExtension();
  await exports.pipelines.whenIdle();
  return exports;
}


function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

const dvcYaml = () => vscode.Uri.file(path.join(root(), 'dvc.yaml'));
const lensTitles = (lenses: vscode.CodeLens[], line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');

/** The 0-based line of `text` in dvc.yaml (the first after the line `after`, when given). */
function lineOf(text: string, after?: string): number {
  const lines = fs.readFileSync(dvcYaml().fsPath, 'utf8').split('\n');
  const from = after === undefined ? 0 : lines.indexOf(after);
  const i = lines.findIndex((l, k) => k > from - (after === undefined ? 1 : 0) && l === text);
  assert.ok(i >= 0, `dvc.yaml has the line ${JSON.stringify(text)}${after ? ` after ${JSON.stringify(after)}` : ''}`);
  return i;
}

suite('Pipelines', () => {
  suiteSetup(async () => {
    await vscode.workspace.getConfiguration('mlops').update('pipeline.runner', 'builtin', vscode.ConfigurationTarget.Workspace);
  });
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('mlops').update('pipeline.runner', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the Pipelines view lists demo/dvc.yaml and its stages with a status', async () => {
    const a = await api();
    const tree = a.pipelines.tree;
    const files = tree.getChildren() as PipelinesElement[];
    assert.equal(files.length, 1, 'one dvc.yaml');
    assert.equal(tree.getTreeItem(files[0]).label, 'dvc.yaml');
    const stages = tree.getChildren(files[0]) as PipelinesElement[];
    assert.deepEqual(stages.map((s) => tree.getTreeItem(s).label), DEMO_STAGES);
    for (const s of stages) {
      const item = tree.getTreeItem(s);
      assert.ok(typeof item.description === 'string' && item.description.length > 0, `${item.label} has a status`);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon);
    }
    // The states the view shows are dvc status's, stage by stage.
    assert.deepEqual(a.pipelines.stages().map((s) => s.name), DEMO_STAGES);
    assert.ok(a.pipelines.stages().every((s) => s.state !== 'checking' && s.state !== 'error'), JSON.stringify(a.pipelines.stages()));
    // A stage's children: deps, params file, outputs.
    const train = stages[2];
    const kids = (tree.getChildren(train) as PipelinesElement[]).map((k) => `${tree.getTreeItem(k).label} (${String(tree.getTreeItem(k).description).split(' · ')[0]})`);
    assert.deepEqual(kids, ['pipeline/fit.py (dependency)', 'data/prepared (dependency)', 'params.yaml (params)', 'models/model.json (output)']);
  });

  test('CodeLens on every stage key: Run, Run downstream, the status with its reason', async () => {
    const a = await api();
    await vscode.window.showTextDocument(dvcYaml());
    const lenses = await until('CodeLens on dvc.yaml', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dvcYaml());
      return l && l.length >= 4 * 3 ? l : undefined;
    });
    const states = new Map(a.pipelines.stages().map((s) => [s.name, s]));
    for (const [name, key] of [['generate', '  generate:'], ['prepare', '  prepare:'], ['train', '  train:']]) {
      const titles = lensTitles(lenses, lineOf(key));
      assert.equal(titles[0], '$(play) Run', `${name}: ${titles.join(' | ')}`);
      assert.equal(titles[1], '$(run-below) Run downstream');
      const s = states.get(name)!;
      const status = titles[2];
      if (s.state === 'upToDate') assert.match(status, /^\$\(check\) Up to date$/);
      else assert.ok(status.includes(s.summary), `${name} (${s.state}): lens "${status}" shows "${s.summary}"`);
    }
    // The foreach key carries a status per generated stage.
    const evaluate = lensTitles(lenses, lineOf('  evaluate:'));
    assert.ok(evaluate.some((t) => / train: /.test(t)) && evaluate.some((t) => / test: /.test(t)), evaluate.join(' | '));
  });

  test('running `generate` from its command with the built-in runner turns it up to date', async function () {
    this.timeout(120000);
    const a = await api();
    const iris = path.join(root(), 'data', 'raw', 'iris.csv');
    fs.rmSync(iris, { force: true });
    await vscode.commands.executeCommand('mlops.refreshPipelines');
    const before = await until('generate is changed once its output is gone', () => {
      const s = a.pipelines.stages().find((x) => x.name === 'generate');
      return s && s.state === 'changed' ? s : undefined;
    });
    assert.match(before.summary, /data\/raw\/iris\.csv/);

    const outcome = (await vscode.commands.executeCommand('mlops.runStage', 'generate')) as { ok: boolean; runner: string; ran: string[] } | undefined;
    assert.ok(outcome, 'the run started');
    assert.equal(outcome.ok, true, `the run failed: ${JSON.stringify(outcome)}\n${a.pipelines.lastRun().transcript}`);
    assert.equal(outcome.runner, 'builtin');
    assert.ok(outcome.ran.includes('generate'), `ran: ${outcome.ran.join(', ')}`);
    assert.ok(fs.existsSync(iris), 'the stage wrote its output');
    await a.pipelines.whenIdle();
    const after = await until('generate is up to date after the run', () => {
      const s = a.pipelines.stages().find((x) => x.name === 'generate');
      return s && s.state === 'upToDate' ? s : undefined;
    });
    assert.equal(after.summary, 'Up to date');
    assert.match(a.pipelines.lastRun().transcript, /generate/);
    const lenses = await until('the lens says up to date', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dvcYaml());
      const titles = lensTitles(l ?? [], lineOf('  generate:'));
      return titles.includes('$(check) Up to date') ? titles : undefined;
    });
    assert.ok(lenses.some((t) => /^\$\(history\) ran (just now|\d+ min ago)/.test(t)), `when it last ran: ${lenses.join(' | ')}`);
  });

  test('a hover on a dependency shows its hash, size and status', async () => {
    await api();
    const line = lineOf('      - data/raw/iris.csv', '  prepare:');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dvcYaml(), new vscode.Position(line, 12));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /dependency of `prepare`/);
    assert.match(text, /Written by `generate`/);
    assert.match(text, /8e1aa22e8a32a73a040199c8d5cb65e4/);
    assert.match(text, /4\.96 KB/);
  });

  test('go to definition from a param key opens its line in params.yaml', async () => {
    await api();
    const line = lineOf('      - data.seed');
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', dvcYaml(), new vscode.Position(line, 10));
    assert.equal(defs.length, 1);
    const d = defs[0];
    const uri = 'targetUri' in d ? d.targetUri : d.uri;
    const range = 'targetRange' in d ? d.targetRange : d.range;
    assert.equal(uri.fsPath, path.join(root(), 'params.yaml'));
    const paramsLines = fs.readFileSync(uri.fsPath, 'utf8').split('\n');
    assert.equal(paramsLines[range.start.line], '  seed: 42');
    assert.equal(paramsLines[range.start.line - 1], 'data:');
  });

  test('problems in an unsaved dvc.yaml show in the Problems panel at their line and column', async () => {
    const a = await api();
    const editor = await vscode.window.showTextDocument(dvcYaml());
    const line = lineOf('    cmd: python3 pipeline/fit.py');
    await editor.edit((e) => e.insert(new vscode.Position(line + 1, 0), '    colour: blue\n'));
    try {
      const diag = await until('a problem about the unknown key', () => a.pipelines.diagnostics(dvcYaml().fsPath).find((d) => /colour/.test(d.message)));
      assert.equal(diag.range.start.line, line + 1);
      assert.equal(diag.range.start.character, 4);
      assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diag.source, 'DVC');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await until('the problem goes away with the edit', () => !a.pipelines.diagnostics(dvcYaml().fsPath).some((d) => /colour/.test(d.message)));
  });

  test('a failing stage stops the run and names the stage, its command and its exit code; cancelling ends a stage\'s process tree', async function () {
    this.timeout(120000);
    const a = await api();
    const file = dvcYaml().fsPath;
    const original = fs.readFileSync(file, 'utf8');
    const scripts = ['broken.py', 'sleepy.py', 'sleepy.pids'].map((f) => path.join(root(), f));
    try {
      fs.writeFileSync(scripts[0], BROKEN_PY);
      fs.writeFileSync(scripts[1], SLEEPY_PY);
      fs.writeFileSync(file, original + EXTRA_STAGES);
      await vscode.commands.executeCommand('mlops.refreshPipelines');
      await until('the added stages are read', () => a.pipelines.stages().some((s) => s.name === 'sleepy'));

      const failed = (await vscode.commands.executeCommand('mlops.runStage', 'broken')) as { ok: boolean; cancelled: boolean; failed?: { stage: string; command?: string; exitCode?: number } };
      assert.equal(failed.ok, false);
      assert.equal(failed.cancelled, false);
      assert.equal(failed.failed?.stage, 'broken');
      assert.equal(failed.failed?.exitCode, 3);
      assert.equal(failed.failed?.command, 'python3 broken.py');
      assert.match(a.pipelines.lastRun().transcript, /about to fail/);
      assert.match(a.pipelines.lastRun().transcript, /Stage 'broken' failed: `python3 broken\.py` exited with code 3\./);
      const broken = await until('broken shows the failure', () => a.pipelines.stages().find((s) => s.name === 'broken' && s.state === 'failed'));
      assert.equal(broken.summary, 'Failed (exit code 3)');

      const started = Date.now();
      const running = vscode.commands.executeCommand('mlops.runStage', 'sleepy') as Thenable<{ ok: boolean; cancelled: boolean } | undefined>;
      const pids = await until('the stage and its child started', () => fs.existsSync(scripts[2]) && fs.readFileSync(scripts[2], 'utf8').split(' ').map(Number), 30000);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive), 'both processes run');
      assert.equal(a.pipelines.stages().find((s) => s.name === 'sleepy')?.state, 'running');
      await vscode.commands.executeCommand('mlops.cancelPipelineRun');
      const cancelled = await running;
      assert.ok(cancelled, 'the run started');
      assert.equal(cancelled.cancelled, true);
      assert.ok(Date.now() - started < 60000, 'cancelled well before the stage would have ended');
      await until('the stage and its child are gone', () => pids.every((p) => !alive(p)), 10000);
      assert.match(a.pipelines.lastRun().transcript, /Cancelled/);
    } finally {
      fs.writeFileSync(file, original);
      for (const f of scripts) fs.rmSync(f, { force: true });
      await vscode.commands.executeCommand('mlops.refreshPipelines');
    }
    await until('the added stages are gone', () => !a.pipelines.stages().some((s) => s.name === 'sleepy' || s.name === 'broken'));
  });

  test('the DAG panel draws a node per stage and an edge per dependency, with no CSP violation', async () => {
    const a = await api();
    await vscode.commands.executeCommand('mlops.showDag');
    const drawn = await until('the webview reports the graph drawn', () => a.pipelines.dag()?.rendered, 30000);
    assert.deepEqual(drawn, { nodes: 5, edges: 6 });
    const problems = (a.pipelines.dag()?.messages ?? []).filter((m) => m.direction === 'fromWebview' && (m.type === 'cspViolation' || m.type === 'error'));
    assert.deepEqual(problems, []);
  });
});
