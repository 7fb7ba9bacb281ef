// Data shapes of the Compare feature, shared by the core (which builds them), the CLI and the panel host.
// Plain data only: they are sent to the webview as is (the webview may `import type` them).

/** One series as parallel typed arrays, sorted by x. */
export interface XYSeries {
  xs: Float64Array;
  ys: Float64Array;
}

/** Which x a chart plots: MLflow step, wall-clock time (epoch ms), or ms since the run's first point. */
export type XAxisKind = 'step' | 'wallTime' | 'relativeTime';

/** A row of the comparison table: one value per compared run, in the order the runs were given. */
export interface CompareRow {
  section: 'attribute' | 'param' | 'metric' | 'tag';
  /** `status`, `duration`, `startTime`, `gitCommit`, `source`... for attributes; the key otherwise. */
  key: string;
  /** Numbers stay numbers (metrics, durations, times, numeric params) so the panel can sort and compute deltas. */
  values: (string | number | null)[];
  /** Not every run has the same value (missing counts as a value). */
  differs: boolean;
}

export interface CompareTable {
  runIds: string[];
  runNames: string[];
  rows: CompareRow[];
}

/** Mean of a group of runs' series with a band (min-max or mean +- one standard deviation), on shared x values. */
export interface GroupBand {
  group: string;
  runIds: string[];
  xs: Float64Array;
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}
