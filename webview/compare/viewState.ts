// The panel's view state: pure functions over CompareViewState (tested in plain Node), no DOM.
import { defaultViewState, isCompareViewState, isComparePersistedState, type CompareRunRef, type CompareViewState, type ComparePersistedState } from '../../src/protocol/compare';

/** What getState() returned: ours if it is valid, else nothing (a newer or older panel's state must not break this one). */
export function restoredState(saved: unknown): ComparePersistedState | undefined {
  return isComparePersistedState(saved) ? saved : undefined;
}

export function restoredView(saved: unknown): CompareViewState | null {
  const state = restoredState(saved);
  return state ? state.view : null;
}

export function persistedState(runs: readonly CompareRunRef[], view: CompareViewState): ComparePersistedState {
  return { version: 1, runs: runs.map((r) => ({ storeUri: r.storeUri, runId: r.runId })), view };
}

/** A view the host sent, repaired field by field where it does not validate (it always should). */
export function viewOrDefault(view: unknown): CompareViewState {
  return isCompareViewState(view) ? view : defaultViewState();
}

/** The metrics that get a chart, in the order shown: the chosen ones that exist, or all. */
export function chartedMetrics(view: CompareViewState, available: readonly string[]): string[] {
  if (view.metrics === null) return [...available];
  const have = new Set(available);
  return view.metrics.filter((m) => have.has(m));
}

export function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export function withZoom(view: CompareViewState, metric: string, range: [number, number] | null): CompareViewState {
  const zoom = { ...view.zoom };
  if (range) zoom[metric] = range;
  else delete zoom[metric];
  return { ...view, zoom };
}

/** Changing the x axis invalidates every zoom (ranges are in the old axis' units). */
export function withXAxis(view: CompareViewState, xAxis: CompareViewState['xAxis']): CompareViewState {
  return view.xAxis === xAxis ? view : { ...view, xAxis, zoom: {} };
}

/** The smoothing slider's value as an EMA weight: clamped to [0, 0.99]. */
export function smoothingWeight(sliderValue: number): number {
  if (!Number.isFinite(sliderValue)) return 0;
  return Math.min(0.99, Math.max(0, Math.round(sliderValue * 100) / 100));
}
