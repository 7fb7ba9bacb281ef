import type { LatestMetric, MetricSeries } from '../../runs/types';

export interface MetricSeriesBuilderOptions {
  /** False: only fold the latest point (listing runs needs no history). Default true. */
  keepPoints?: boolean;
  /** Above this many kept points the series is thinned to every other point, so a huge file stays bounded in memory. */
  maxPoints?: number;
  /** The latest point known so far, when appending to a history read before. */
  latest?: LatestMetric;
}

export const DEFAULT_MAX_POINTS = 1_000_000;

/**
 * Collects metric points columnar and folds MLflow's latest point (max of step, timestamp, value; NaN lowest)
 * without allocating an object per point: this runs once per line of every metric file.
 */
export class MetricSeriesBuilder {
  private steps: Float64Array;
  private timestamps: Float64Array;
  private values: Float64Array;
  private kept = 0;
  /** Keep one point in `stride` (doubles each time the series is thinned). */
  private stride = 1;
  private readonly keepPoints: boolean;
  private readonly maxPoints: number;
  private hasLatest = false;
  private latestStep = 0;
  private latestTimestamp = 0;
  private latestValue = 0;
  /** Every point pushed, kept or not. */
  count = 0;

  constructor(opts: MetricSeriesBuilderOptions = {}) {
    this.keepPoints = opts.keepPoints ?? true;
    this.maxPoints = Math.max(2, opts.maxPoints ?? DEFAULT_MAX_POINTS);
    const initial = this.keepPoints ? 64 : 0;
    this.steps = new Float64Array(initial);
    this.timestamps = new Float64Array(initial);
    this.values = new Float64Array(initial);
    if (opts.latest) {
      this.hasLatest = true;
      this.latestStep = opts.latest.step;
      this.latestTimestamp = opts.latest.timestamp;
      this.latestValue = opts.latest.value;
    }
  }

  /** True once the kept series dropped points to stay under maxPoints. */
  get thinned(): boolean {
    return this.stride > 1;
  }

  push(timestamp: number, value: number, step: number): void {
    const index = this.count++;
    this.foldLatest(timestamp, value, step);
    if (!this.keepPoints || index % this.stride !== 0) return;
    if (this.kept === this.maxPoints) this.thin();
    if (this.kept === this.steps.length) this.grow();
    const k = this.kept++;
    this.steps[k] = step;
    this.timestamps[k] = timestamp;
    this.values[k] = value;
  }

  latest(): LatestMetric | undefined {
    return this.hasLatest ? { value: this.latestValue, step: this.latestStep, timestamp: this.latestTimestamp } : undefined;
  }

  /** Compact copies, so a large growth buffer is not retained. */
  toSeries(): MetricSeries {
    return {
      steps: this.steps.slice(0, this.kept),
      timestamps: this.timestamps.slice(0, this.kept),
      values: this.values.slice(0, this.kept),
    };
  }

  // Same order as isLaterPoint in runs/latestMetric.ts, inlined for speed.
  private foldLatest(timestamp: number, value: number, step: number): void {
    if (this.hasLatest) {
      if (step !== this.latestStep) {
        if (step < this.latestStep) return;
      } else if (timestamp !== this.latestTimestamp) {
        if (timestamp < this.latestTimestamp) return;
      } else if (Number.isNaN(this.latestValue)) {
        if (Number.isNaN(value)) return;
      } else if (!(value > this.latestValue)) {
        return;
      }
    }
    this.hasLatest = true;
    this.latestStep = step;
    this.latestTimestamp = timestamp;
    this.latestValue = value;
  }

  private grow(): void {
    const size = Math.min(this.maxPoints, Math.max(64, this.steps.length * 2));
    const copy = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, this.kept));
      return b;
    };
    this.steps = copy(this.steps);
    this.timestamps = copy(this.timestamps);
    this.values = copy(this.values);
  }

  /** Keeps every other kept point: the series stays an even sample of the whole file. */
  private thin(): void {
    let w = 0;
    for (let r = 0; r < this.kept; r += 2, w++) {
      this.steps[w] = this.steps[r];
      this.timestamps[w] = this.timestamps[r];
      this.values[w] = this.values[r];
    }
    this.kept = w;
    this.stride *= 2;
  }
}
