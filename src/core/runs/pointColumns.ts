import { isLaterPoint } from './latestMetric';
import type { LatestMetric, MetricPoint } from './types';

// One metric's history from a log file that is appended to, kept as growable typed columns (24 bytes a point).
// Files that carry no time per point (Lightning's metrics.csv, dvclive's .tsv without `timestamp`) store NaN and
// get a time when read (`timeFallback`, the file's mtime): the same for every point, so it cannot order points of
// equal step. For those, the later line of the file is the later point, which is what MLflow's (step, timestamp,
// value) rule means when timestamps differ.

export class PointColumns {
  private steps = new Float64Array(16);
  private times = new Float64Array(16);
  private values = new Float64Array(16);
  private n = 0;
  private latestAt = -1;

  get length(): number {
    return this.n;
  }

  /** `timestamp` NaN: the file gave none. */
  push(step: number, timestamp: number, value: number): void {
    if (this.n === this.steps.length) this.grow();
    const i = this.n++;
    this.steps[i] = step;
    this.times[i] = timestamp;
    this.values[i] = value;
    if (this.latestAt === -1 || this.laterThanLatest(i)) this.latestAt = i;
  }

  clear(): void {
    this.n = 0;
    this.latestAt = -1;
  }

  latest(timeFallback: number): LatestMetric | undefined {
    const i = this.latestAt;
    if (i === -1) return undefined;
    return { step: this.steps[i], timestamp: timeOf(this.times[i], timeFallback), value: this.values[i] };
  }

  /** Every point, sorted by step (then in file order), as the RunStoreReader contract asks. */
  points(timeFallback: number): MetricPoint[] {
    const out: MetricPoint[] = new Array(this.n);
    let sorted = true;
    for (let i = 0; i < this.n; i++) {
      out[i] = { step: this.steps[i], timestamp: timeOf(this.times[i], timeFallback), value: this.values[i] };
      if (i > 0 && this.steps[i] < this.steps[i - 1]) sorted = false;
    }
    // Array.prototype.sort is stable: equal steps keep file order.
    return sorted ? out : out.sort((a, b) => a.step - b.step);
  }

  private laterThanLatest(i: number): boolean {
    const j = this.latestAt;
    if (this.steps[i] !== this.steps[j]) return this.steps[i] > this.steps[j];
    if (Number.isNaN(this.times[i]) || Number.isNaN(this.times[j])) return true;
    return isLaterPoint(
      { step: this.steps[i], timestamp: this.times[i], value: this.values[i] },
      { step: this.steps[j], timestamp: this.times[j], value: this.values[j] },
    );
  }

  private grow(): void {
    const size = this.steps.length * 2;
    const steps = new Float64Array(size);
    const times = new Float64Array(size);
    const values = new Float64Array(size);
    steps.set(this.steps);
    times.set(this.times);
    values.set(this.values);
    this.steps = steps;
    this.times = times;
    this.values = values;
  }
}

function timeOf(t: number, fallback: number): number {
  return Number.isNaN(t) ? fallback : t;
}
