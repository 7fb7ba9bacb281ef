// Pure helpers of the DAG webview (no DOM): what changed between two graphs, the legend, text that fits a node.
import { STAGE_STATE_LABELS, STAGE_STATES, type DagGraphWire, type StageState } from '../../src/protocol/dag';

/** Node ids and edges: when they are unchanged, a new graph only recolours the drawing (no new layout). */
export function structureKey(graph: DagGraphWire): string {
  return JSON.stringify([graph.nodes.map((n) => n.id), graph.edges]);
}

/** The states present, in the legend's order, with their counts. */
export function legendEntries(graph: DagGraphWire): { state: StageState; label: string; count: number }[] {
  const counts = new Map<StageState, number>();
  for (const n of graph.nodes) counts.set(n.state, (counts.get(n.state) ?? 0) + 1);
  return STAGE_STATES.filter((s) => counts.has(s)).map((state) => ({ state, label: STAGE_STATE_LABELS[state], count: counts.get(state)! }));
}

/** "5 stages · 3 to run" */
export function graphSummary(graph: DagGraphWire): string {
  const n = graph.nodes.length;
  const toRun = graph.nodes.filter((x) => x.state === 'changed' || x.state === 'neverRun' || x.state === 'failed').length;
  const parts = [`${n} stage${n === 1 ? '' : 's'}`];
  if (graph.nodes.some((x) => x.state === 'running' || x.state === 'queued')) parts.push('running');
  else if (graph.nodes.some((x) => x.state === 'checking')) parts.push('checking…');
  else if (n) parts.push(toRun ? `${toRun} to run` : 'all up to date');
  return parts.join(' · ');
}

/** Shortens `text` to fit `maxWidth` as measured by `width`, with an ellipsis; binary search on the length. */
export function fitText(text: string, maxWidth: number, width: (s: string) => number): string {
  if (width(text) <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (width(`${text.slice(0, mid)}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** The node's tooltip: name, state, reasons, command. */
export function nodeTooltip(node: DagGraphWire['nodes'][number]): string {
  const lines = [`${node.name} — ${STAGE_STATE_LABELS[node.state]}`, ...node.reasons.map((r) => `• ${r}`), ...node.cmd.map((c) => `$ ${c}`)];
  if (node.file !== 'dvc.yaml') lines.push(`in ${node.file}`);
  return lines.join('\n');
}

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2];

/** The next zoom step up or down from `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1];
  return [...ZOOM_STEPS].reverse().find((z) => z < zoom - 1e-6) ?? ZOOM_STEPS[0];
}

/** The zoom at which a drawing fits the viewport (never above 1: small graphs stay at their natural size). */
export function fitZoom(width: number, height: number, viewWidth: number, viewHeight: number): number {
  if (width <= 0 || height <= 0 || viewWidth <= 0 || viewHeight <= 0) return 1;
  return Math.max(ZOOM_STEPS[0], Math.min(1, viewWidth / width, viewHeight / height));
}
