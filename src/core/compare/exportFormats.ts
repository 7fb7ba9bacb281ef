import { formatDuration } from '../text/formatValue';
import { valuesDiffer, type CompareValue } from './compareTable';
import type { CompareRow, CompareTable, XYSeries } from './types';

export interface TableExportOptions {
  /** Only rows whose values differ among the exported runs. */
  onlyDifferences?: boolean;
  /** The runs to export, in this order (a subset hides runs); ids not in the table are ignored. Default: all. */
  runOrder?: string[];
}

interface Selected {
  names: string[];
  ids: string[];
  rows: { row: CompareRow; values: CompareValue[] }[];
}

/** Columns and rows as exported: runs reordered or picked by runOrder, differences judged among them only. */
function select(table: CompareTable, opts: TableExportOptions): Selected {
  const columns = opts.runOrder
    ? opts.runOrder.map((id) => table.runIds.indexOf(id)).filter((i) => i >= 0)
    : table.runIds.map((_, i) => i);
  const rows = table.rows
    .map((row) => ({ row, values: columns.map((c) => row.values[c]) }))
    .filter((r) => !opts.onlyDifferences || valuesDiffer(r.values));
  return { names: columns.map((c) => table.runNames[c]), ids: columns.map((c) => table.runIds[c]), rows };
}

// ---- CSV -------------------------------------------------------------------------------------------------------

/** Text a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, and tab or CR before them. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: RFC 4180 quoting; text that could start a formula gets a leading apostrophe. Numbers stay as is. */
export function csvField(value: CompareValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function csvLine(fields: readonly (CompareValue | undefined)[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/**
 * The table as CSV (RFC 4180: CRLF line ends, quoted fields where needed): `section,key,<run names>`, then a
 * `run_id` row, then one row per table row. Numbers are exact (duration and startTime in ms); formula-injection
 * safe: strings starting with = + - @ get a leading apostrophe.
 */
export function compareTableToCsv(table: CompareTable, opts: TableExportOptions = {}): string {
  const { names, ids, rows } = select(table, opts);
  let out = csvLine(['section', 'key', ...names]);
  out += csvLine(['attribute', 'run_id', ...ids]);
  for (const { row, values } of rows) out += csvLine([row.section, row.key, ...values]);
  return out;
}

/** The data behind one chart: one row per point: run, run_id, x, value (and smoothed when given). */
export function chartDataToCsv(rows: { runName: string; runId: string; series: XYSeries; smoothed?: Float64Array }[], xLabel: string): string {
  const withSmoothed = rows.some((r) => r.smoothed !== undefined);
  const parts = [csvLine(['run', 'run_id', xLabel, 'value', ...(withSmoothed ? ['smoothed'] : [])])];
  for (const r of rows) {
    const prefix = `${csvField(r.runName)},${csvField(r.runId)},`;
    const { xs, ys } = r.series;
    for (let i = 0; i < xs.length; i++) {
      let line = `${prefix}${numberText(xs[i])},${numberText(ys[i])}`;
      if (withSmoothed) line += `,${r.smoothed && i < r.smoothed.length ? numberText(r.smoothed[i]) : ''}`;
      parts.push(line + '\r\n');
    }
  }
  return parts.join('');
}

// ---- Markdown and human-readable cells -------------------------------------------------------------------------

/** How a row's key reads: attributes by name, the rest as MLflow's search syntax spells them (`params.lr`). */
export function rowLabel(row: Pick<CompareRow, 'section' | 'key'>): string {
  switch (row.section) {
    case 'attribute':
      return ATTRIBUTE_LABELS[row.key] ?? row.key;
    case 'param':
      return `params.${row.key}`;
    case 'metric':
      return `metrics.${row.key}`;
    case 'tag':
      return `tags.${row.key}`;
  }
}

const ATTRIBUTE_LABELS: Record<string, string> = {
  status: 'status', duration: 'duration', startTime: 'start time', user: 'user', gitCommit: 'git commit',
  source: 'source', store: 'store', experiment: 'experiment',
};

/**
 * A value as a person reads it: durations as "3m 05s", start times in ISO 8601 UTC, metrics to 6 significant
 * digits, params exactly as logged, missing as empty.
 */
export function formatCompareCell(row: Pick<CompareRow, 'section' | 'key'>, value: CompareValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return numberText(value);
  if (row.section === 'attribute' && row.key === 'duration') return formatDuration(value);
  if (row.section === 'attribute' && row.key === 'startTime') return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (row.section === 'metric' && !Number.isInteger(value)) return String(Number(value.toPrecision(6)));
  return String(value);
}

/**
 * Escapes one table cell so it renders as the literal text: Markdown punctuation backslash-escaped (CommonMark
 * allows it before any ASCII punctuation, and GFM needs `\|` even inside a table), newlines as <br>.
 */
export function markdownCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&#!]/g, (c) => '\\' + c).replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * The table as a GitHub-flavoured Markdown table: runs as columns (header: "run" and the run names, first row: run ids), one
 * row per table row labelled as in rowLabel, values as formatCompareCell shows them. Pipes and newlines escaped.
 */
export function compareTableToMarkdown(table: CompareTable, opts: TableExportOptions = {}): string {
  const { names, ids, rows } = select(table, opts);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |\n`;
  let out = line(['run', ...names.map(markdownCell)]);
  out += line(['---', ...names.map(() => '---')]);
  out += line(['run id', ...ids.map(markdownCell)]);
  for (const { row, values } of rows) out += line([markdownCell(rowLabel(row)), ...values.map((v) => markdownCell(formatCompareCell(row, v)))]);
  return out;
}
