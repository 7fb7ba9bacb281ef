// The Compare panel inside a real VS Code extension host, on a copy of demo/ (see test/vscode/runExtensionHostTests.js).
// The webview really loads in the workbench page: its ready handshake, requests and the host's answers are
// read from the panel's message log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';
import type { Run } from '../../../src/core/runs/types';
import type { LoggedMessage } from '../../../src/features/compare/comparePanel';
import { activateExtension, until as untilKit } from './testKit';


const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20000) => untilKit(what, probe, ms);

async function api(): Promise<MlopsTestApi> {
  const exports = await activateExtension();
  await exports.whenReady();
  return exports;
}


function demoRun(all: Run[], name: string): Run {
  const run = all.find((r) => r.runName === name);
  assert.ok(run, `the demo has a run named ${name}`);
  return run;
}

/** The newest panel whose runs are exactly `runIds`. */
function panelOf(a: MlopsTestApi, runIds: string[]) {
  return a.compare.panels().filter((p) => p.runIds.length === runIds.length && runIds.every((id) => p.runIds.includes(id))).pop();
}

const sent = (messages: readonly LoggedMessage[], type: string) => messages.filter((m) => m.direction === 'toWebview' && m.type === type);
const received = (messages: readonly LoggedMessage[], type: string) => messages.filter((m) => m.direction === 'fromWebview' && m.type === type);

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('Compare panel', () => {
  teardown(closeAllEditors);

  test('opens on three demo runs through the command and shows the params that differ', async () => {
    const a = await api();
    const all = a.catalog.allRuns();
    const runs = ['baseline', 'strong-l2', 'slow-and-long'].map((n) => demoRun(all, n));
    const ids = runs.map((r) => r.runId);
    await vscode.commands.executeCommand('mlops.compareRuns', ids);
    const panel = await until('a Compare panel for the three runs', () => panelOf(a, ids));
    assert.match(panel.title, /^Compare: baseline, strong-l2, slow-and-long$/);

    // The host wrote the state with the table into the page; the webview drew it and said ready.
    const state = await until('the host gives the state', () => sent(panel.messages, 'state')[0]);
    assert.equal(state.detail, 'written into the page', 'the catalog was read: the first state goes in the HTML');
    const ready = await until('the webview says ready', () => received(panel.messages, 'ready')[0]);
    assert.equal(ready.detail, 'started from the state in the page');
    const table = state.table;
    assert.ok(table, 'the state carries the table');
    assert.deepEqual([...table.runIds].sort(), [...ids].sort());
    const differing = table.rows.filter((r) => r.section === 'param' && r.differs).map((r) => r.key).sort();
    assert.deepEqual(differing, ['epochs', 'l2', 'lr'], `differing params: ${differing.join(', ')}`);
    const lr = table.rows.find((r) => r.section === 'param' && r.key === 'lr');
    assert.ok(lr);
    assert.deepEqual(ids.map((id) => lr.display[table.runIds.indexOf(id)]), ['0.1', '0.1', '0.05']);
    const same = table.rows.find((r) => r.section === 'param' && r.key === 'batch_size');
    assert.equal(same?.differs, false, 'a param all three share is not marked');
    assert.ok((state.bytes ?? Infinity) < 1_000_000, `first message ${state.bytes} bytes`);
    // The first chart follows the state unasked (the page lays out while the host reads it).
    const first = await until('the first chart follows the state', () => sent(panel.messages, 'charts')[0]);
    assert.ok(first.metrics && first.metrics.length === 1, 'one chart follows the state');
    assert.ok(panel.messages.indexOf(first) > panel.messages.indexOf(state), 'after the state');

    // The webview drew its first chart and asked for the other visible ones; the host answered each.
    await until('the webview reports the first chart painted', () => received(panel.messages, 'rendered').length > 0);
    await until('more charts are requested', () => received(panel.messages, 'requestCharts').length > 0);
    assert.ok(!received(panel.messages, 'requestCharts').some((m) => m.detail?.split(', ').includes(first.metrics?.[0] ?? '')), 'the chart that followed the state is not asked for again');
    await until('more charts are sent', () => sent(panel.messages, 'charts').length > 1);
    const problems = panel.messages.filter((m) => m.direction === 'fromWebview' && (m.type === 'error' || m.type === 'cspViolation'));
    assert.deepEqual(problems, [], 'no script errors or CSP violations in the webview');
  });

  test('a tree multi-selection compares the selected runs; an experiment stands for its runs', async () => {
    const a = await api();
    const all = a.catalog.allRuns();
    const chosen = ['lr=0.01', 'lr=0.05'].map((n) => demoRun(all, n));
    const elements = chosen.map((run) => ({ kind: 'run' as const, node: { run, children: [] } }));
    await vscode.commands.executeCommand('mlops.compareRuns', elements[0], elements);
    const ids = chosen.map((r) => r.runId);
    await until('a panel for the selected runs', () => panelOf(a, ids));

    const experiment = a.catalog.experiments(chosen[0].store.uri).find((e) => e.name === 'iris-lr-sweep');
    assert.ok(experiment);
    const expRuns = a.catalog.runs(chosen[0].store.uri, experiment.experimentId).filter((r) => r.lifecycleStage !== 'deleted');
    await vscode.commands.executeCommand('mlops.compareRuns', { kind: 'experiment', ref: chosen[0].store, experiment, runCount: expRuns.length }, undefined);
    const panel = await until('a panel for the whole experiment', () => panelOf(a, expRuns.map((r) => r.runId)));
    assert.equal(panel.runIds.length, 5, 'the sweep parent and its four children');
  });

  test('an unknown run id is refused with a message naming it', async () => {
    await api();
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mlops.compareRuns', ['0123456789abcdef0123456789abcdef'])), /no run with id 0123456789abcdef/);
  });

  test('a running run extends its line live when its metric file grows', async () => {
    const a = await api();
    const all = a.catalog.allRuns();
    const running = demoRun(all, 'long-run');
    assert.equal(running.status, 'RUNNING');
    assert.ok(running.metaPath);
    const other = demoRun(all, 'baseline');
    const ids = [running.runId, other.runId];
    await vscode.commands.executeCommand('mlops.compareRuns', ids);
    const panel = await until('a panel for long-run and baseline', () => panelOf(a, ids));
    const first = await until('the first chart, after the state', () => sent(panel.messages, 'charts')[0]);
    const metric = first.metrics?.[0];
    assert.ok(metric, 'a chart followed the state');
    const file = path.join(path.dirname(running.metaPath), 'metrics', metric);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const [ts, , step] = lines[lines.length - 1].split(' ').map(Number);
    fs.appendFileSync(file, `${ts + 1000} 0.4242 ${step + 1}\n`);
    const live = await until('a live update appends the new point', () => sent(panel.messages, 'live').find((m) => m.detail?.includes(`${metric} ${running.runId} append 1`)), 20000);
    assert.ok(live.table, 'the live update carries the table with the new latest value');
  });
});
