// Messages between the extension host and the Compare panel (webview/compare). Imports only the shared message checks: both sides import it.
// The host is the source of truth (runs, table, decimated series); the webview keeps view state only.
// Everything the webview sends is untrusted: the host accepts it only through `parseFromWebview`.
import { isBool, isFiniteNumber, isObject, isText, listOf as listOfAtMost, nullable, oneOf, parseMessage, type Check, type ParseResult as ParseResultOf } from './messageChecks';

/** The panel's view type (also the `onWebviewPanel:` activation event and the serializer's key). */
export const COMPARE_VIEW_TYPE = 'mlops.compare';
/** Colours in the webview's run palette; the host gives each run an index with `assignRunColors(runIds, RUN_PALETTE_SIZE)`: colour = index mod size, line pattern = index div size. */
export const RUN_PALETTE_SIZE = 12;
/** The host never sends more points than this per series (the webview never sees a full 100k-point history). */
export const MAX_POINTS_PER_SERIES = 2000;

export type XAxisKind = 'step' | 'wallTime' | 'relativeTime';
export type BandKind = 'minmax' | 'std';
export type RowSection = 'attribute' | 'param' | 'metric' | 'tag';
export type CompareTab = 'charts' | 'table' | 'plots';
export type TableExportFormat = 'csv' | 'markdown';

export const X_AXIS_KINDS: readonly XAxisKind[] = ['step', 'wallTime', 'relativeTime'];
export const BAND_KINDS: readonly BandKind[] = ['minmax', 'std'];
export const ROW_SECTIONS: readonly RowSection[] = ['attribute', 'param', 'metric', 'tag'];
export const COMPARE_TABS: readonly CompareTab[] = ['charts', 'table', 'plots'];

export interface RowRef {
  section: RowSection;
  key: string;
}

export interface GroupByRef {
  section: 'param' | 'tag';
  key: string;
}

export interface RunSort {
  row: RowRef;
  desc: boolean;
}

/** A run as the panel is asked to show it: what the serializer saves to reopen the panel after a reload. */
export interface CompareRunRef {
  storeUri: string;
  runId: string;
}

/** What the webview keeps (getState/setState) and the host restores the panel with. */
export interface CompareViewState {
  tab: CompareTab;
  xAxis: XAxisKind;
  /** EMA weight in [0, 1): 0 draws the raw line only. */
  smoothing: number;
  /** Metrics drawn on a log y axis. */
  logScaleMetrics: string[];
  hiddenRunIds: string[];
  baselineRunId: string | null;
  sort: RunSort | null;
  onlyDifferences: boolean;
  groupBy: GroupByRef | null;
  band: BandKind;
  /** Metrics with a chart, in order; null: every metric the runs have. */
  metrics: string[] | null;
  /** Zoomed x range per metric, in the current x axis. */
  zoom: Record<string, [number, number]>;
  scatter: { param: string; metric: string } | null;
  /** Keys as MLflow's search syntax spells them: `params.lr`, `metrics.loss`. */
  parallelAxes: string[];
}

/** What the serializer persists: the runs and the view. */
export interface ComparePersistedState {
  version: 1;
  runs: CompareRunRef[];
  view: CompareViewState;
}

export type RunStatusName = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface CompareRunInfo {
  runId: string;
  storeUri: string;
  /** From the log: shown with textContent only. */
  name: string;
  experimentName: string;
  status: RunStatusName;
  /** Colour (index mod RUN_PALETTE_SIZE) and line pattern (index div RUN_PALETTE_SIZE), stable across charts and sessions. */
  colorIndex: number;
}

export interface MetricInfo {
  key: string;
  /** How many of the compared runs logged it. */
  runCount: number;
}

export type CellValue = string | number | null;

export interface DeltaWire {
  /** As a person reads it: "+0.0123 (+1.4%)", "-2m 05s". */
  text: string;
  sign: -1 | 0 | 1;
}

export interface TableRowWire {
  section: RowSection;
  key: string;
  /** How the row reads: "start time", "params.lr". */
  label: string;
  /** Raw values (numbers stay numbers), one per column. */
  values: CellValue[];
  /** The values as shown (durations, ISO times, 6 significant digits). */
  display: string[];
  differs: boolean;
  /** Against the baseline run (numeric rows only); null without a baseline or where a value is missing. */
  deltas: (DeltaWire | null)[] | null;
}

export interface TableWire {
  /** Columns in display order (sorted when a sort is set). */
  runIds: string[];
  runNames: string[];
  rows: TableRowWire[];
  baselineRunId: string | null;
  sort: RunSort | null;
}

export interface GroupTableWire {
  groupBy: GroupByRef;
  /** Group names in order; group i draws in palette colour i. */
  groups: string[];
  runCounts: number[];
  /** The runs of each group. */
  groupRunIds: string[][];
  rows: TableRowWire[];
}

/**
 * One run's series, decimated by the host. x = x0 + xs[i]: float32 offsets from a float64 origin keep epoch-ms
 * precision at half the bytes.
 */
export interface SeriesWire {
  runId: string;
  x0: number;
  xs: Float32Array;
  ys: Float32Array;
  /** Points in the history (or in the zoomed range) before decimation. */
  sourcePoints: number;
}

export interface BandWire {
  group: string;
  colorIndex: number;
  runIds: string[];
  x0: number;
  xs: Float32Array;
  mean: Float32Array;
  lo: Float32Array;
  hi: Float32Array;
}

export interface MetricChartWire {
  metric: string;
  xAxis: XAxisKind;
  /** The x range the data was decimated for; null: the whole history. */
  range: [number, number] | null;
  /** The whole x extent of every run's history (zoom and pan stay inside it); null when no run has points. */
  extent: [number, number] | null;
  series: SeriesWire[];
  bands: BandWire[] | null;
  /** Echoes the request, so the webview drops answers that a later zoom overtook. */
  requestId: number;
}

export interface SeriesAppendWire {
  metric: string;
  runId: string;
  /** true: `series` replaces the run's line (it was decimated, or the file was rewritten); false: append it. */
  replace: boolean;
  series: SeriesWire;
}

export interface ScatterWire {
  param: string;
  metric: string;
  kind: 'numeric' | 'categorical';
  /** Categorical only: the values in order; a point's x is its category's index. */
  categories: string[] | null;
  points: { runId: string; x: number; y: number }[];
}

export interface ParallelAxisWire {
  /** `params.lr`, `metrics.loss`, `tags.model`. */
  key: string;
  kind: 'numeric' | 'categorical';
  min: number;
  max: number;
  categories: string[] | null;
}

export interface ParallelWire {
  axes: ParallelAxisWire[];
  /** One line per run: a value per axis (numbers, or category indexes), null where the run lacks it. */
  lines: { runId: string; values: (number | null)[] }[];
}

export type ExportKind = 'chartPng' | 'chartCsv' | 'tableCsv' | 'tableMarkdown';

export type ToWebview =
  | {
      type: 'state';
      runs: CompareRunInfo[];
      /** Runs asked for that no store holds any more (deleted, store gone). */
      missingRunIds: string[];
      metrics: MetricInfo[];
      table: TableWire;
      groupTable: GroupTableWire | null;
      /** Param and tag keys the runs can be grouped by. */
      groupKeys: GroupByRef[];
      view: CompareViewState;
      /** Charts' data that came with the state (none when they follow: see chartsToFollow). */
      charts: MetricChartWire[];
      /**
       * Charts the host sends next as 'charts' messages without being asked (requestId 0): the state leaves at
       * once and the page lays out while the host reads the first chart's histories; no round trip before the paint.
       */
      chartsToFollow: string[];
    }
  | { type: 'charts'; charts: MetricChartWire[] }
  | { type: 'table'; table: TableWire; groupTable: GroupTableWire | null }
  | { type: 'live'; runs: CompareRunInfo[]; metrics: MetricInfo[]; table: TableWire; groupTable: GroupTableWire | null; appends: SeriesAppendWire[] }
  | { type: 'scatter'; scatter: ScatterWire }
  | { type: 'parallel'; parallel: ParallelWire }
  | { type: 'exported'; kind: ExportKind; ok: boolean; message: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

export type FromWebview =
  /**
   * The page loaded: how many charts fit on screen, the view it saved before a reload (null: none), and whether it
   * drew the state the host wrote into the page (then only the charts that follow it are still to come).
   */
  | { type: 'ready'; chartsInView: number; view: CompareViewState | null; startedFromPage: boolean }
  /** Charts that scrolled into view, with their current zoom. */
  | { type: 'requestCharts'; metrics: string[]; ranges: Record<string, [number, number]>; requestId: number }
  | { type: 'zoom'; metric: string; range: [number, number] | null; requestId: number }
  | { type: 'setXAxis'; xAxis: XAxisKind }
  | { type: 'setGroupBy'; groupBy: GroupByRef | null; band: BandKind }
  | { type: 'setHiddenRuns'; runIds: string[] }
  | { type: 'setBaseline'; runId: string | null }
  | { type: 'sortRuns'; sort: RunSort | null }
  | { type: 'selectMetrics'; metrics: string[] | null }
  | { type: 'requestScatter'; param: string; metric: string }
  | { type: 'requestParallel'; axes: string[] }
  | { type: 'exportChartPng'; metric: string; dataUrl: string }
  | { type: 'exportChartCsv'; metric: string; range: [number, number] | null; hiddenRunIds: string[] }
  | { type: 'exportTable'; format: TableExportFormat; onlyDifferences: boolean }
  | { type: 'copyTableMarkdown'; onlyDifferences: boolean }
  /** Instrumentation: the first chart is on screen (Date.now() in the webview, ms since the script started). */
  | { type: 'rendered'; metric: string; paintedAt: number; sinceScriptStartMs: number; points: number }
  | { type: 'cspViolation'; directive: string; blockedUri: string }
  | { type: 'error'; message: string };

export type FromWebviewType = FromWebview['type'];

// ---------------------------------------------------------------------------------------------------------------
// Validation. Limits keep a hostile or buggy webview from making the host allocate without bound.

const MAX_KEY_LENGTH = 1000;
const MAX_LIST = 100_000;
/** A PNG of a chart: even a 4K canvas is a few MB; 64 MB of base64 is far beyond any real chart. */
export const MAX_PNG_DATA_URL_LENGTH = 64 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

const isKey: Check<string> = (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const isRequestId: Check<number> = (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const listOf = <T>(check: Check<T>, max = MAX_LIST): Check<T[]> => listOfAtMost(check, max);

export const isXAxisKind = oneOf(X_AXIS_KINDS);
export const isBandKind = oneOf(BAND_KINDS);
export const isCompareTab = oneOf(COMPARE_TABS);
const isRowSection = oneOf(ROW_SECTIONS);

/** A finite, non-empty x range [lo, hi] with lo < hi. */
export const isRange: Check<[number, number]> = (v): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && isFiniteNumber(v[0]) && isFiniteNumber(v[1]) && v[0] < v[1];

/** `params.x`, `metrics.y` or `tags.z`. */
export const isRunKeyText: Check<string> = (v): v is string => isKey(v) && /^(params|metrics|tags)\../.test(v);

export const isRowRef: Check<RowRef> = (v): v is RowRef => isObject(v) && isRowSection(v.section) && isKey(v.key);
export const isGroupByRef: Check<GroupByRef> = (v): v is GroupByRef =>
  isObject(v) && (v.section === 'param' || v.section === 'tag') && isKey(v.key);
export const isRunSort: Check<RunSort> = (v): v is RunSort => isObject(v) && isRowRef(v.row) && isBool(v.desc);
export const isRunRef: Check<CompareRunRef> = (v): v is CompareRunRef => isObject(v) && isKey(v.storeUri) && isKey(v.runId);

const isRangeRecord: Check<Record<string, [number, number]>> = (v): v is Record<string, [number, number]> => {
  if (!isObject(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= MAX_LIST && entries.every(([k, r]) => isKey(k) && isRange(r));
};

const isScatterChoice: Check<{ param: string; metric: string }> = (v): v is { param: string; metric: string } =>
  isObject(v) && isKey(v.param) && isKey(v.metric);

export function isCompareViewState(v: unknown): v is CompareViewState {
  return isObject(v)
    && isCompareTab(v.tab)
    && isXAxisKind(v.xAxis)
    && isFiniteNumber(v.smoothing) && v.smoothing >= 0 && v.smoothing < 1
    && listOf(isKey)(v.logScaleMetrics)
    && listOf(isKey)(v.hiddenRunIds)
    && nullable(isKey)(v.baselineRunId)
    && nullable(isRunSort)(v.sort)
    && isBool(v.onlyDifferences)
    && nullable(isGroupByRef)(v.groupBy)
    && isBandKind(v.band)
    && nullable(listOf(isKey))(v.metrics)
    && isRangeRecord(v.zoom)
    && nullable(isScatterChoice)(v.scatter)
    && listOf(isRunKeyText, 100)(v.parallelAxes);
}

export function isComparePersistedState(v: unknown): v is ComparePersistedState {
  return isObject(v) && v.version === 1 && listOf(isRunRef)(v.runs) && isCompareViewState(v.view);
}

export function defaultViewState(): CompareViewState {
  return {
    tab: 'charts', xAxis: 'step', smoothing: 0, logScaleMetrics: [], hiddenRunIds: [], baselineRunId: null, sort: null,
    onlyDifferences: false, groupBy: null, band: 'minmax', metrics: null, zoom: {}, scatter: null, parallelAxes: [],
  };
}

/**
 * Field checks per message type. `satisfies` makes the compiler insist on one entry per type, so a new message
 * cannot be added without its validation.
 */
const FROM_WEBVIEW_FIELDS = {
  ready: { chartsInView: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 1000, view: (v: unknown) => v === null || isCompareViewState(v), startedFromPage: isBool },
  requestCharts: { metrics: listOf(isKey, 10_000), ranges: isRangeRecord, requestId: isRequestId },
  zoom: { metric: isKey, range: nullable(isRange), requestId: isRequestId },
  setXAxis: { xAxis: isXAxisKind },
  setGroupBy: { groupBy: nullable(isGroupByRef), band: isBandKind },
  setHiddenRuns: { runIds: listOf(isKey) },
  setBaseline: { runId: nullable(isKey) },
  sortRuns: { sort: nullable(isRunSort) },
  selectMetrics: { metrics: nullable(listOf(isKey, 10_000)) },
  requestScatter: { param: isKey, metric: isKey },
  requestParallel: { axes: listOf(isRunKeyText, 100) },
  exportChartPng: {
    metric: isKey,
    dataUrl: (v: unknown) => typeof v === 'string' && v.length <= MAX_PNG_DATA_URL_LENGTH && v.startsWith(PNG_DATA_URL_PREFIX),
  },
  exportChartCsv: { metric: isKey, range: nullable(isRange), hiddenRunIds: listOf(isKey) },
  exportTable: { format: oneOf<TableExportFormat>(['csv', 'markdown']), onlyDifferences: isBool },
  copyTableMarkdown: { onlyDifferences: isBool },
  rendered: { metric: isKey, paintedAt: isFiniteNumber, sinceScriptStartMs: isFiniteNumber, points: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 },
  cspViolation: { directive: isText(200), blockedUri: isText(2000) },
  error: { message: isText(10_000) },
} satisfies { [K in FromWebviewType]: { [F in Exclude<keyof Extract<FromWebview, { type: K }>, 'type'>]: (v: unknown) => boolean } };

export type ParseResult = ParseResultOf<FromWebview>;

/** Checks a message from the webview field by field; extra fields are dropped. */
export function parseFromWebview(raw: unknown): ParseResult {
  return parseMessage<FromWebview>(raw, FROM_WEBVIEW_FIELDS as Record<string, Record<string, (v: unknown) => boolean>>);
}

export function isFromWebview(raw: unknown): raw is FromWebview {
  return parseFromWebview(raw).ok;
}

const TO_WEBVIEW_TYPES: readonly ToWebview['type'][] = ['state', 'charts', 'table', 'live', 'scatter', 'parallel', 'exported', 'notice'];

/** The webview trusts the host's data but still ignores messages that are not ours (e.g. from other scripts). */
export function isToWebview(raw: unknown): raw is ToWebview {
  return isObject(raw) && (TO_WEBVIEW_TYPES as readonly unknown[]).includes(raw.type);
}

/** Bytes a message costs on the wire: typed arrays as their bytes, everything else as JSON text. */
export function messageBytes(message: unknown): number {
  let binary = 0;
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      binary += value.byteLength;
      return 0;
    }
    return value;
  });
  return binary + (json ? json.length : 0);
}
