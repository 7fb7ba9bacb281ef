import { toXYSeries } from '../../core/compare/metricSeries';
import type { XAxisKind, XYSeries } from '../../core/compare/types';
import type { MetricPoint, MetricSeries } from '../../core/runs/types';

export type HistoryLoader = (storeUri: string, runId: string, key: string) => Promise<MetricSeries | readonly MetricPoint[]>;

interface Entry {
  series: XYSeries;
  bytes: number;
}

/**
 * Full metric histories of compared runs as sorted x/y arrays for one x axis, kept so a zoom re-decimates at once
 * and a reopened panel does not read the store again. Shared by all Compare panels; bounded by bytes (least
 * recently used out first): 20 runs x 100,000 points of one metric are 32 MB. Loads of the same series are
 * shared, so a chart and a prefetch never read a history twice.
 */
export class HistoryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<XYSeries>>();
  private bytes = 0;

  constructor(private readonly load: HistoryLoader, private readonly budgetBytes = 256 * 1024 * 1024) {}

  async get(storeUri: string, runId: string, key: string, axis: XAxisKind): Promise<XYSeries> {
    const id = cacheKey(storeUri, runId, key, axis);
    const hit = this.entries.get(id);
    if (hit) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.series;
    }
    let loading = this.pending.get(id);
    if (!loading) {
      const promise: Promise<XYSeries> = this.load(storeUri, runId, key).then((loaded) => {
        const series = toXYSeries(Array.isArray(loaded) ? (loaded as readonly MetricPoint[]) : (loaded as MetricSeries), axis);
        // Invalidated while loading (a live run moved on): hand it out, but do not keep it.
        if (this.pending.get(id) === promise) this.put(id, series);
        return series;
      }).finally(() => {
        if (this.pending.get(id) === promise) this.pending.delete(id);
      });
      loading = promise;
      this.pending.set(id, loading);
    }
    return loading;
  }

  /** Drops a run's histories (one key, or all; every axis), e.g. when a running run logged more points. */
  invalidate(storeUri: string, runId: string, key?: string): void {
    const prefix = key === undefined ? `${storeUri}\u0000${runId}\u0000` : `${storeUri}\u0000${runId}\u0000${key}\u0000`;
    for (const id of [...this.entries.keys()]) if (id.startsWith(prefix)) this.drop(id);
    for (const id of [...this.pending.keys()]) if (id.startsWith(prefix)) this.pending.delete(id);
  }

  has(storeUri: string, runId: string, key: string, axis: XAxisKind): boolean {
    return this.entries.has(cacheKey(storeUri, runId, key, axis));
  }

  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.bytes = 0;
  }

  private put(id: string, series: XYSeries): void {
    this.drop(id);
    const bytes = series.xs.byteLength + series.ys.byteLength;
    this.entries.set(id, { series, bytes });
    this.bytes += bytes;
    // Evict the oldest, but always keep the one just loaded: it is about to be drawn.
    for (const old of this.entries.keys()) {
      if (this.bytes <= this.budgetBytes || old === id) break;
      this.drop(old);
    }
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}

function cacheKey(storeUri: string, runId: string, key: string, axis: XAxisKind): string {
  // NUL cannot occur in a store URI, a run id or a metric key, so one run's prefix never matches another's.
  return `${storeUri}\u0000${runId}\u0000${key}\u0000${axis}`;
}
