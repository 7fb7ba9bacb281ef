import assert from 'node:assert/strict';
import { isToWebview, parseFromWebview } from '../../../src/protocol/dag';

describe('DAG panel protocol', () => {
  it('accepts the webview\'s messages and keeps only known fields', () => {
    const r = parseFromWebview({ type: 'runStage', id: '/r/dvc.yaml::train', downstream: true, extra: 'dropped' });
    assert.deepEqual(r, { ok: true, message: { type: 'runStage', id: '/r/dvc.yaml::train', downstream: true } });
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseFromWebview({ type: 'rendered', nodes: 5, edges: 6 }), { ok: true, message: { type: 'rendered', nodes: 5, edges: 6 } });
  });

  it('refuses unknown types and bad fields, saying which', () => {
    assert.deepEqual(parseFromWebview({ type: 'runShell', cmd: 'rm -rf /' }), { ok: false, reason: 'unknown message type "runShell"' });
    assert.deepEqual(parseFromWebview({ type: 'runStage', id: 7, downstream: false }), { ok: false, reason: 'runStage: bad or missing field "id"' });
    assert.deepEqual(parseFromWebview({ type: 'runStage', id: 'x' }), { ok: false, reason: 'runStage: bad or missing field "downstream"' });
    assert.deepEqual(parseFromWebview({ type: 'rendered', nodes: -1, edges: 0 }), { ok: false, reason: 'rendered: bad or missing field "nodes"' });
    assert.deepEqual(parseFromWebview({ type: 'openStage', id: 'x'.repeat(5000) }), { ok: false, reason: 'openStage: bad or missing field "id"' });
    assert.equal(parseFromWebview(null).ok, false);
    assert.equal(parseFromWebview({ type: 'toString' }).ok, false);
  });

  it('recognises the host\'s graph messages only', () => {
    assert.ok(isToWebview({ type: 'graph', graph: { nodes: [], edges: [], cyclic: [] }, canRun: true, running: false }));
    assert.ok(!isToWebview({ type: 'graph' }));
    assert.ok(!isToWebview({ type: 'other', graph: { nodes: [], edges: [] } }));
  });
});
