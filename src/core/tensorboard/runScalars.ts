import { isLaterPoint } from '../runs/latestMetric';
import type { LatestMetric, MetricPoint, MetricSeries } from '../runs/types';
import type { EventSink } from './eventDecoder';

// What one run's event files add up to: per tag the latest point (MLflow's rule) and, when asked to keep them, every
// point in columnar growable arrays (24 bytes a point, no object per point), plus the run's time span and params.

export class TagSeries {
  count = 0;
  latest: LatestMetric | undefined;
  private steps: Float64Array;
  private timestamps: Float64Array;
  private values: Float64Array;

  constructor(readonly keepPoints: boolean) {
    const capacity = keepPoints ? 64 : 0;
    this.steps = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  add(step: number, timestamp: number, value: number): void {
    if (this.keepPoints) {
      if (this.count === this.steps.length) this.grow();
      this.steps[this.count] = step;
      this.timestamps[this.count] = timestamp;
      this.values[this.count] = value;
    }
    this.count++;
    scratch.step = step;
    scratch.timestamp = timestamp;
    scratch.value = value;
    if (!this.latest) this.latest = { step, timestamp, value };
    else if (isLaterPoint(scratch, this.latest)) {
      // In place: one object per tag, not one per point (callers copy it).
      this.latest.step = step;
      this.latest.timestamp = timestamp;
      this.latest.value = value;
    }
  }

  /** The kept points, sorted by step then timestamp (stable: file order among equals). */
  series(): MetricSeries {
    const n = this.keepPoints ? this.count : 0;
    const order = Array.from({ length: n }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = !comesBefore(this, i, i - 1);
    if (!sorted) order.sort((a, b) => this.steps[a] - this.steps[b] || this.timestamps[a] - this.timestamps[b] || a - b);
    const out: MetricSeries = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const j = order[i];
      out.steps[i] = this.steps[j];
      out.timestamps[i] = this.timestamps[j];
      out.values[i] = this.values[j];
    }
    return out;
  }

  stepAt(i: number): number {
    return this.steps[i];
  }

  timestampAt(i: number): number {
    return this.timestamps[i];
  }

  private grow(): void {
    const capacity = this.steps.length * 2;
    const grown = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.steps = grown(this.steps);
    this.timestamps = grown(this.timestamps);
    this.values = grown(this.values);
  }
}

const scratch: MetricPoint = { step: 0, timestamp: 0, value: 0 };

function comesBefore(s: TagSeries, i: number, j: number): boolean {
  const ds = s.stepAt(i) - s.stepAt(j);
  return ds < 0 || (ds === 0 && s.timestampAt(i) < s.timestampAt(j));
}

/** Accumulates one run's events; it is the decoder's sink. */
export class RunScalars implements EventSink {
  readonly plugins = new Map<string, string>();
  readonly tags = new Map<string, TagSeries>();
  /** Hyperparameters from hparams summaries; a later summary's value wins. */
  readonly hparams = new Map<string, string>();
  /** Earliest and latest event wall times seen, epoch ms (Infinity / -Infinity when none). */
  firstTime = Infinity;
  lastTime = -Infinity;

  constructor(readonly keepPoints: boolean) {}

  scalar(tag: string, step: number, wallTime: number, value: number): void {
    let series = this.tags.get(tag);
    if (!series) this.tags.set(tag, (series = new TagSeries(this.keepPoints)));
    series.add(step, Math.round(wallTime * 1000), value);
  }

  params(params: Map<string, string>): void {
    for (const [k, v] of params) this.hparams.set(k, v);
  }

  /** Called for every event (scalar or not) with its wall time in seconds; wall time 0 means unset. */
  sawEvent(wallTime: number): void {
    if (!(wallTime > 0)) return;
    const ms = Math.round(wallTime * 1000);
    if (ms < this.firstTime) this.firstTime = ms;
    if (ms > this.lastTime) this.lastTime = ms;
  }
}
