// A layered (Sugiyama-style) layout of the stage graph, left to right, small enough to read in one sitting:
// 1. cycles broken by reversing DFS back edges; 2. longest-path layering, sources pulled right next to their first
// consumer; 3. a chain of dummy nodes on every edge spanning several layers; 4. barycentric ordering sweeps with
// adjacent swaps, keeping the order with the fewest crossings; 5. vertical positions pulled toward the neighbours'
// mean, with the minimum spacing kept by isotonic regression (pool adjacent violators); 6. edge polylines through the
// dummies. Pure: no DOM, so it is unit-tested in Node.

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal space between layers. */
  layerGap: number;
  /** Vertical space between two nodes of a layer. */
  nodeGap: number;
  /** Space around the drawing. */
  margin: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 200, nodeHeight: 52, layerGap: 72, nodeGap: 24, margin: 24 };

export interface Point {
  x: number;
  y: number;
}

export interface NodeBox extends Point {
  layer: number;
  /** Position in its layer, top to bottom. */
  order: number;
}

export interface EdgeRoute {
  from: number;
  to: number;
  /** From the producer's right side to the consumer's left side (through the dummies of a long edge). */
  points: Point[];
  /** The edge goes against the flow (it closes a cycle). */
  reversed: boolean;
}

export interface GraphLayout {
  /** Top-left corner of each node's box. */
  nodes: NodeBox[];
  edges: EdgeRoute[];
  width: number;
  height: number;
  layers: number;
  crossings: number;
}

interface Item {
  /** Index of the real node, or -1 for a dummy. */
  node: number;
  layer: number;
  up: number[];
  down: number[];
  y: number;
}

const SWEEPS = 24;
const POSITION_ROUNDS = 6;
const DUMMY_HALF = 3;

/** Lays out `nodeCount` nodes joined by `[from, to]` edges (from = producer). Self-loops and duplicate edges are ignored. */
export function layoutGraph(nodeCount: number, rawEdges: readonly (readonly [number, number])[], options: Partial<LayoutOptions> = {}): GraphLayout {
  const o = { ...DEFAULT_LAYOUT, ...options };
  const edges = uniqueEdges(nodeCount, rawEdges);
  const reversed = backEdges(nodeCount, edges);
  const flow = edges.map(([a, b], i) => (reversed.has(i) ? ([b, a] as const) : ([a, b] as const)));
  const layer = assignLayers(nodeCount, flow);

  // Items: the real nodes, then one dummy per layer crossed by a long edge.
  const items: Item[] = layer.map((l, node) => ({ node, layer: l, up: [], down: [], y: 0 }));
  const chains: number[][] = flow.map(([a, b]) => {
    const chain = [a];
    for (let l = layer[a] + 1; l < layer[b]; l++) chain.push(items.push({ node: -1, layer: l, up: [], down: [], y: 0 }) - 1);
    chain.push(b);
    for (let k = 0; k + 1 < chain.length; k++) {
      items[chain[k]].down.push(chain[k + 1]);
      items[chain[k + 1]].up.push(chain[k]);
    }
    return chain;
  });

  const layerCount = nodeCount === 0 ? 0 : Math.max(...layer) + 1;
  const order = orderLayers(items, layerCount);
  const crossings = totalCrossings(order, items);
  placeVertically(order, items, o);

  let top = Infinity;
  for (const it of items) top = Math.min(top, it.y - half(it, o));
  if (!Number.isFinite(top)) top = 0;
  let bottom = 0;
  for (const it of items) {
    it.y += o.margin - top;
    bottom = Math.max(bottom, it.y + half(it, o));
  }
  const column = (l: number) => o.margin + l * (o.nodeWidth + o.layerGap);
  const positionIn = new Map<number, number>();
  order.forEach((row) => row.forEach((item, k) => positionIn.set(item, k)));

  const nodes: NodeBox[] = layer.map((l, n) => ({ x: column(l), y: items[n].y - o.nodeHeight / 2, layer: l, order: positionIn.get(n) ?? 0 }));
  const routes: EdgeRoute[] = edges.map(([from, to], i) => {
    const chain = chains[i];
    const points: Point[] = [{ x: column(items[chain[0]].layer) + o.nodeWidth, y: items[chain[0]].y }];
    for (const d of chain.slice(1, -1)) {
      const x = column(items[d].layer);
      points.push({ x, y: items[d].y }, { x: x + o.nodeWidth, y: items[d].y });
    }
    const last = chain[chain.length - 1];
    points.push({ x: column(items[last].layer), y: items[last].y });
    // A reversed edge was routed consumer -> producer: turn it around so it still starts at the producer.
    return { from, to, points: reversed.has(i) ? points.reverse() : points, reversed: reversed.has(i) };
  });

  return {
    nodes,
    edges: routes,
    width: nodeCount === 0 ? 0 : column(layerCount - 1) + o.nodeWidth + o.margin,
    height: nodeCount === 0 ? 0 : bottom + o.margin,
    layers: layerCount,
    crossings,
  };
}

/** An SVG path through the route: horizontal tangents at every point, so edges leave and enter nodes level. */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const r = (v: number) => Math.round(v * 10) / 10;
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1];
    const q = points[i];
    if (p.y === q.y) {
      d += ` L${r(q.x)},${r(q.y)}`;
      continue;
    }
    const bend = Math.max(Math.abs(q.x - p.x) / 2, 24) * Math.sign(q.x - p.x || 1);
    d += ` C${r(p.x + bend)},${r(p.y)} ${r(q.x - bend)},${r(q.y)} ${r(q.x)},${r(q.y)}`;
  }
  return d;
}

function uniqueEdges(n: number, raw: readonly (readonly [number, number])[]): [number, number][] {
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (const [a, b] of raw) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n || !Number.isInteger(a) || !Number.isInteger(b)) continue;
    const key = `${a}>${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}

/** Edges that close a cycle in a depth-first search from the nodes in order (iterative: long chains are fine). */
function backEdges(n: number, edges: readonly [number, number][]): Set<number> {
  const out: number[][] = Array.from({ length: n }, () => []);
  edges.forEach(([a], i) => out[a].push(i));
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const back = new Set<number>();
  for (let start = 0; start < n; start++) {
    if (state[start]) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, k] = top;
      if (k < out[v].length) {
        top[1]++;
        const e = out[v][k];
        const w = edges[e][1];
        if (state[w] === 1) back.add(e);
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
        continue;
      }
      state[v] = 2;
      stack.pop();
    }
  }
  return back;
}

/** Longest path from the sources; then each source moves right to just before its nearest consumer. */
function assignLayers(n: number, flow: readonly (readonly [number, number])[]): number[] {
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of flow) {
    preds[b].push(a);
    succs[a].push(b);
  }
  const indegree = preds.map((p) => p.length);
  const layer = new Array<number>(n).fill(0);
  const queue = [...Array(n).keys()].filter((v) => indegree[v] === 0);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of succs[v]) {
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indegree[w] === 0) queue.push(w);
    }
  }
  for (let v = 0; v < n; v++) {
    if (preds[v].length === 0 && succs[v].length > 0) layer[v] = Math.min(...succs[v].map((w) => layer[w])) - 1;
  }
  return layer;
}

/** Items per layer, ordered to cross as few edges as the sweeps find. */
function orderLayers(items: Item[], layerCount: number): number[][] {
  const order: number[][] = Array.from({ length: layerCount }, () => []);
  // Start from a depth-first order, so chains start out next to each other.
  const seen = new Set<number>();
  const visit = (start: number) => {
    const stack = [start];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      order[items[i].layer].push(i);
      for (let k = items[i].down.length - 1; k >= 0; k--) stack.push(items[i].down[k]);
    }
  };
  items.forEach((it, i) => {
    if (it.up.length === 0) visit(i);
  });
  items.forEach((_, i) => visit(i));

  let best = order.map((row) => [...row]);
  let bestCrossings = totalCrossings(best, items);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? [...Array(layerCount).keys()].slice(1) : [...Array(layerCount).keys()].slice(0, -1).reverse();
    for (const l of range) {
      const ref = order[down ? l - 1 : l + 1];
      const pos = new Map(ref.map((item, k) => [item, k]));
      const key = new Map<number, number>();
      order[l].forEach((item, k) => {
        const nbrs = down ? items[item].up : items[item].down;
        key.set(item, nbrs.length ? nbrs.reduce((s, m) => s + (pos.get(m) ?? 0), 0) / nbrs.length : k);
      });
      order[l] = [...order[l]].sort((a, b) => key.get(a)! - key.get(b)!);
    }
    transpose(order, items);
    const c = totalCrossings(order, items);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = order.map((row) => [...row]);
    }
  }
  return best;
}

/** Swaps neighbours in a layer while that removes crossings with the layers on both sides. */
function transpose(order: number[][], items: Item[]): void {
  for (let improved = true, rounds = 0; improved && rounds < 4; rounds++) {
    improved = false;
    for (let l = 0; l < order.length; l++) {
      for (let k = 0; k + 1 < order[l].length; k++) {
        const a = order[l][k];
        const b = order[l][k + 1];
        const before = pairCrossings(a, b, order, items);
        const after = pairCrossings(b, a, order, items);
        if (after < before) {
          order[l][k] = b;
          order[l][k + 1] = a;
          improved = true;
        }
      }
    }
  }
}

/** Crossings between the edges of `a` (above) and `b` (below) with the layers on each side. */
function pairCrossings(a: number, b: number, order: number[][], items: Item[]): number {
  let c = 0;
  for (const side of ['up', 'down'] as const) {
    const l = items[a].layer + (side === 'up' ? -1 : 1);
    if (l < 0 || l >= order.length) continue;
    const pos = new Map(order[l].map((item, k) => [item, k]));
    for (const u of items[a][side]) for (const v of items[b][side]) if (pos.get(u)! > pos.get(v)!) c++;
  }
  return c;
}

export function totalCrossings(order: number[][], items: readonly { layer: number; down: number[] }[]): number {
  let c = 0;
  for (let l = 0; l + 1 < order.length; l++) {
    const pos = new Map(order[l + 1].map((item, k) => [item, k]));
    const segs: [number, number][] = [];
    order[l].forEach((item, k) => {
      for (const d of items[item].down) if (pos.has(d)) segs.push([k, pos.get(d)!]);
    });
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        if ((segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < 0) c++;
      }
    }
  }
  return c;
}

function half(it: Item, o: LayoutOptions): number {
  return it.node >= 0 ? o.nodeHeight / 2 : DUMMY_HALF;
}

function gapBetween(a: Item, b: Item, o: LayoutOptions): number {
  return half(a, o) + half(b, o) + (a.node >= 0 && b.node >= 0 ? o.nodeGap : o.nodeGap / 2);
}

/** Centres each item near its neighbours' mean height, keeping the order and the spacing of its layer. */
function placeVertically(order: number[][], items: Item[], o: LayoutOptions): void {
  for (const row of order) {
    let y = 0;
    row.forEach((item, k) => {
      if (k > 0) y += gapBetween(items[row[k - 1]], items[item], o);
      items[item].y = y;
    });
  }
  // Centre the layers on the tallest one before pulling, so short layers start in the middle.
  const extent = (row: number[]) => (row.length ? items[row[row.length - 1]].y - items[row[0]].y : 0);
  const tallest = Math.max(0, ...order.map(extent));
  for (const row of order) for (const item of row) items[item].y += (tallest - extent(row)) / 2;

  for (let round = 0; round < POSITION_ROUNDS; round++) {
    const down = round % 2 === 0;
    const layers = down ? order.slice(1) : order.slice(0, -1).reverse();
    for (const row of layers) {
      const wanted = row.map((item) => {
        const it = items[item];
        const nbrs = down ? it.up : it.down;
        const all = round >= POSITION_ROUNDS - 2 ? [...it.up, ...it.down] : nbrs;
        return all.length ? all.reduce((s, m) => s + items[m].y, 0) / all.length : it.y;
      });
      const placed = spacedFit(wanted, row.map((item, k) => (k === 0 ? 0 : gapBetween(items[row[k - 1]], items[item], o))));
      row.forEach((item, k) => (items[item].y = placed[k]));
    }
  }
}

/**
 * Positions as close as possible (least squares) to `wanted`, in the same order, each at least `gaps[k]` below the
 * previous one. With offsets removed this is isotonic regression, solved by pooling adjacent violators.
 */
export function spacedFit(wanted: readonly number[], gaps: readonly number[]): number[] {
  const offset: number[] = [];
  let acc = 0;
  wanted.forEach((_, k) => {
    acc += k === 0 ? 0 : gaps[k];
    offset.push(acc);
  });
  const blocks: { sum: number; count: number }[] = [];
  wanted.forEach((w, k) => {
    blocks.push({ sum: w - offset[k], count: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sum / a.count <= b.sum / b.count) break;
      blocks.pop();
      a.sum += b.sum;
      a.count += b.count;
    }
  });
  const out: number[] = [];
  for (const b of blocks) for (let i = 0; i < b.count; i++) out.push(b.sum / b.count + offset[out.length]);
  return out;
}
