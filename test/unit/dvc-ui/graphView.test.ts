import assert from 'node:assert/strict';
import type { DagGraphWire, DagNodeWire } from '../../../src/protocol/dag';
import { fitText, fitZoom, graphSummary, legendEntries, nodeTooltip, stepZoom, structureKey } from '../../../webview/dag/graphView';

const node = (id: string, state: DagNodeWire['state'], extra: Partial<DagNodeWire> = {}): DagNodeWire => ({ id, name: id, file: 'dvc.yaml', state, summary: '', reasons: [], cmd: [`run ${id}`], ...extra });

describe('DAG webview helpers', () => {
  const graph: DagGraphWire = { nodes: [node('a', 'upToDate'), node('b', 'changed'), node('c', 'changed'), node('d', 'neverRun')], edges: [[0, 1]], cyclic: [] };

  it('counts the states for the legend, in a fixed order', () => {
    assert.deepEqual(legendEntries(graph).map((e) => `${e.label}:${e.count}`), ['Up to date:1', 'Changed:2', 'Never run:1']);
  });

  it('summarises the graph', () => {
    assert.equal(graphSummary(graph), '4 stages · 3 to run');
    assert.equal(graphSummary({ nodes: [node('a', 'upToDate')], edges: [], cyclic: [] }), '1 stage · all up to date');
    assert.equal(graphSummary({ nodes: [node('a', 'running'), node('b', 'queued')], edges: [], cyclic: [] }), '2 stages · running');
  });

  it('relayouts only when nodes or edges change, not when a state does', () => {
    const recoloured = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, state: 'upToDate' as const })) };
    assert.equal(structureKey(recoloured), structureKey(graph));
    assert.notEqual(structureKey({ ...graph, edges: [[1, 0]] }), structureKey(graph));
  });

  it('fits text to a width with an ellipsis', () => {
    const width = (s: string) => s.length * 10;
    assert.equal(fitText('short', 100, width), 'short');
    assert.equal(fitText('a-rather-long-stage-name', 100, width), 'a-rather-…');
    assert.ok(width(fitText('a-rather-long-stage-name', 100, width)) <= 100);
    assert.equal(fitText('abc', 5, width), '…');
  });

  it('writes a tooltip with the reasons and the command, as text', () => {
    const tip = nodeTooltip(node('train', 'changed', { reasons: ['Dependency data modified.'], file: 'sub/dvc.yaml' }));
    assert.equal(tip, 'train — Changed\n• Dependency data modified.\n$ run train\nin sub/dvc.yaml');
  });

  it('zooms in steps and fits large drawings, never enlarging small ones', () => {
    assert.equal(stepZoom(1, 1), 1.1);
    assert.equal(stepZoom(1, -1), 0.9);
    assert.equal(stepZoom(2, 1), 2);
    assert.equal(stepZoom(0.25, -1), 0.25);
    assert.equal(fitZoom(100, 100, 800, 600), 1);
    assert.equal(fitZoom(1600, 300, 800, 600), 0.5);
    assert.equal(fitZoom(100000, 300, 800, 600), 0.25);
  });
});
