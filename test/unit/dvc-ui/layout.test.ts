import assert from 'node:assert/strict';
import { DEFAULT_LAYOUT, edgePath, layoutGraph, spacedFit, totalCrossings, type GraphLayout } from '../../../webview/dag/layout';

const o = DEFAULT_LAYOUT;

/** No two nodes of a layer overlap (with the gap kept). */
function assertNoOverlap(l: GraphLayout): void {
  const byLayer = new Map<number, number[]>();
  l.nodes.forEach((n) => byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), n.y]));
  for (const [layer, ys] of byLayer) {
    ys.sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= o.nodeHeight + o.nodeGap - 1e-6, `layer ${layer}: nodes at ${ys[i - 1]} and ${ys[i]} overlap`);
  }
}

function assertInside(l: GraphLayout): void {
  for (const n of l.nodes) {
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + o.nodeWidth <= l.width + 1e-6 && n.y + o.nodeHeight <= l.height + 1e-6, `node at ${n.x},${n.y} outside ${l.width}x${l.height}`);
  }
}

describe('DAG layout', () => {
  it('lays the demo pipeline out left to right in four layers, without crossings', () => {
    // generate -> prepare -> train -> evaluate@train, evaluate@test; prepare -> both evaluates (long edges).
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3], [1, 3], [2, 4], [1, 4]];
    const l = layoutGraph(5, edges);
    assert.deepEqual(l.nodes.map((n) => n.layer), [0, 1, 2, 3, 3]);
    assert.equal(l.layers, 4);
    assert.equal(l.crossings, 0);
    assert.ok(l.nodes[0].x < l.nodes[1].x && l.nodes[1].x < l.nodes[2].x && l.nodes[2].x < l.nodes[3].x);
    assert.equal(l.nodes[3].x, l.nodes[4].x);
    assertNoOverlap(l);
    assertInside(l);
    // The chain generate -> prepare -> train is straight (each centred on its neighbours).
    assert.ok(Math.abs(l.nodes[0].y - l.nodes[1].y) < 1, `generate ${l.nodes[0].y} vs prepare ${l.nodes[1].y}`);
  });

  it('routes every edge from the producer\'s right side to the consumer\'s left side, through dummies on long edges', () => {
    const l = layoutGraph(3, [[0, 1], [1, 2], [0, 2]]);
    for (const e of l.edges) {
      const from = l.nodes[e.from];
      const to = l.nodes[e.to];
      const first = e.points[0];
      const last = e.points[e.points.length - 1];
      assert.equal(first.x, from.x + o.nodeWidth);
      assert.equal(first.y, from.y + o.nodeHeight / 2);
      assert.equal(last.x, to.x);
      assert.equal(last.y, to.y + o.nodeHeight / 2);
      for (let i = 1; i < e.points.length; i++) assert.ok(e.points[i].x >= e.points[i - 1].x, 'edges flow left to right');
    }
    const long = l.edges.find((e) => e.from === 0 && e.to === 2)!;
    assert.equal(long.points.length, 4, 'one dummy: enters and leaves the middle column');
    // The dummy sits beside node 1, not on it.
    const dummyY = long.points[1].y;
    assert.ok(Math.abs(dummyY - (l.nodes[1].y + o.nodeHeight / 2)) >= o.nodeHeight / 2, `dummy at ${dummyY} crosses node 1`);
  });

  it('orders layers to remove crossings a naive order would have', () => {
    // Two chains whose second layer is listed crosswise: a0->b1, a1->b0.
    const edges: [number, number][] = [[0, 3], [1, 2]];
    const l = layoutGraph(4, edges);
    assert.equal(l.crossings, 0);
    const naive = totalCrossings([[0, 1], [2, 3]], [{ layer: 0, down: [3] }, { layer: 0, down: [2] }, { layer: 1, down: [] }, { layer: 1, down: [] }]);
    assert.equal(naive, 1);
    assert.ok((l.nodes[0].y < l.nodes[1].y) === (l.nodes[3].y < l.nodes[2].y), 'each chain stays on its own level');
  });

  it('finds a crossing-free order for a wider graph (K2,2 chains and fan-in)', () => {
    const edges: [number, number][] = [[0, 4], [1, 3], [2, 5], [3, 6], [4, 6], [5, 7], [6, 8], [7, 8]];
    const l = layoutGraph(9, edges);
    assert.equal(l.crossings, 0);
    assertNoOverlap(l);
    assertInside(l);
  });

  it('pulls a source right, next to its only consumer', () => {
    // 0 -> 1 -> 2 -> 3, and a params-like source 4 feeding only 3.
    const l = layoutGraph(5, [[0, 1], [1, 2], [2, 3], [4, 3]]);
    assert.equal(l.nodes[4].layer, 2);
  });

  it('draws a cycle instead of failing: the back edge is marked reversed and runs right to left, producer to consumer', () => {
    const l = layoutGraph(3, [[0, 1], [1, 2], [2, 0]]);
    const back = l.edges.filter((e) => e.reversed);
    assert.equal(back.length, 1);
    assert.deepEqual([back[0].from, back[0].to], [2, 0]);
    assert.equal(back[0].points[0].x, l.nodes[2].x, 'leaves the producer on its left side');
    assert.equal(back[0].points[back[0].points.length - 1].x, l.nodes[0].x + o.nodeWidth, 'enters the consumer on its right side');
    assertNoOverlap(l);
  });

  it('ignores self-loops, duplicate and out-of-range edges; lays out isolated nodes and an empty graph', () => {
    const l = layoutGraph(3, [[0, 0], [0, 1], [0, 1], [5, 1], [-1, 2]]);
    assert.equal(l.edges.length, 1);
    assert.equal(l.nodes.length, 3);
    assertNoOverlap(l);
    const empty = layoutGraph(0, []);
    assert.deepEqual([empty.nodes.length, empty.width, empty.height], [0, 0, 0]);
  });

  it('handles a long chain and a wide fan-out quickly', () => {
    const chain: [number, number][] = Array.from({ length: 299 }, (_, i) => [i, i + 1]);
    const t0 = performance.now();
    const l = layoutGraph(300, chain);
    assert.equal(l.layers, 300);
    assert.equal(l.crossings, 0);
    const fan: [number, number][] = Array.from({ length: 150 }, (_, i) => [0, i + 1]);
    const f = layoutGraph(151, fan);
    assertNoOverlap(f);
    assert.ok(performance.now() - t0 < 5000);
  });
});

describe('spacedFit (isotonic regression with gaps)', () => {
  it('keeps wanted positions that already respect the gaps', () => {
    assert.deepEqual(spacedFit([0, 100, 300], [0, 50, 50]), [0, 100, 300]);
  });

  it('spreads positions that collide around their mean, keeping order and gaps', () => {
    const out = spacedFit([100, 100, 100], [0, 50, 50]);
    assert.deepEqual(out, [50, 100, 150]);
    const swapped = spacedFit([200, 0], [0, 40]);
    assert.equal(swapped[1] - swapped[0], 40);
    assert.equal((swapped[0] + swapped[1]) / 2, 100, 'least squares: centred on the mean');
  });
});

describe('edgePath', () => {
  it('draws straight runs as lines and bends as horizontal-tangent curves', () => {
    assert.equal(edgePath([{ x: 0, y: 10 }, { x: 50, y: 10 }]), 'M0,10 L50,10');
    assert.equal(edgePath([{ x: 0, y: 0 }, { x: 100, y: 40 }]), 'M0,0 C50,0 50,40 100,40');
    assert.equal(edgePath([]), '');
  });
});
