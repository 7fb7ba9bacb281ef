import { buildCompareTable, experimentNameKey, valuesDiffer } from '../../core/compare/compareTable';
import { compareTableToCsv, compareTableToMarkdown, formatCompareCell, rowLabel } from '../../core/compare/exportFormats';
import type { CompareRow, CompareTable } from '../../core/compare/types';
import type { Run } from '../../core/runs/types';
import { flag, STORE_OPTIONS, stringOption, type ParsedArgs } from '../args';
import { CliError, EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { jsonNumber, toJsonText } from '../runJson';
import { STORE_OPTIONS_HELP } from '../storeHelp';
import { readSelectedStores, type OpenStore } from '../stores';
import { formatTable } from '../table';
import { findRun } from './metrics';

const FORMATS = ['table', 'csv', 'json', 'md'] as const;
type Format = (typeof FORMATS)[number];

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare runs side by side: attributes, params, latest metrics and tags',
  usage: 'mlops-workbench compare RUN_ID... [--metrics a,b] [--format table|csv|json|md] [--only-differences] [--tracking-uri URI | --workspace DIR]',
  help: `Prints the runs as columns and, as rows: status, duration, start time, user, git commit, source file,
store and experiment; then params, latest metric values and tags (mlflow.* system tags last).
Rows marked * differ between the runs. Each RUN_ID may be a unique prefix of at least 4 characters;
deleted runs are found too.

Selection and output:
  --metrics a,b        Show only these metrics, in this order (every other row stays).
  --only-differences   Show only rows whose values differ.
  --format FORMAT      table (default), csv (RFC 4180, numbers exact, durations and times in ms),
                       json (the comparison table: {runIds, runNames, rows: [{section, key, values,
                       differs}]}, NaN as "NaN") or md (a Markdown table, ready to paste in a PR).

${STORE_OPTIONS_HELP.replace('Print a JSON array instead of a table.', 'Same as --format json.')}`,
  options: {
    ...STORE_OPTIONS,
    metrics: { type: 'string' },
    format: { type: 'string' },
    'only-differences': { type: 'boolean' },
  },
  positionals: ['RUN_ID...'],
  run: runCompare,
};

async function runCompare(args: ParsedArgs, io: CliIo): Promise<number> {
  // Parse everything the user typed before touching the disk: a typo fails fast.
  const format = parseFormat(args);
  const metricKeys = parseMetricList(stringOption(args, 'metrics'));
  const onlyDifferences = flag(args, 'only-differences');

  return readSelectedStores(args, io, async ({ stores }, selection) => {
    const runs = findRuns(stores, args.positionals, selection.source);
    let table = buildCompareTable(runs, { experimentNames: experimentNames(stores) });
    if (metricKeys) table = keepMetrics(table, metricKeys);
    if (onlyDifferences) table = { ...table, rows: table.rows.filter((r) => r.differs) };
    io.stdout.write(render(table, format));
    return EXIT_OK;
  });
}

function parseFormat(args: ParsedArgs): Format {
  const given = stringOption(args, 'format');
  if (given !== undefined && !(FORMATS as readonly string[]).includes(given)) {
    throw new CliError(`--format expects one of ${FORMATS.join(', ')}, got '${given}'`, true);
  }
  if (flag(args, 'json')) {
    if (given !== undefined && given !== 'json') throw new CliError(`--json conflicts with --format ${given}`, true);
    return 'json';
  }
  return (given as Format | undefined) ?? 'table';
}

function parseMetricList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const keys = [...new Set(text.split(',').map((k) => k.trim()).filter((k) => k.length > 0))];
  if (keys.length === 0) throw new CliError(`--metrics expects metric keys separated by commas, got '${text}'`, true);
  return keys;
}

/** Every run asked for, in the order given (repeats dropped); all unknown ids are named in one error. */
function findRuns(stores: readonly OpenStore[], ids: readonly string[], source: string): Run[] {
  const found: Run[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    try {
      const { run } = findRun(stores, id, source);
      if (!found.some((r) => r.runId === run.runId && r.store.uri === run.store.uri)) found.push(run);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      missing.push(e.message);
    }
  }
  if (missing.length > 0) throw new CliError(missing.join('\n'));
  return found;
}

function experimentNames(stores: readonly OpenStore[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { snapshot } of stores) {
    for (const e of snapshot.experiments) names[experimentNameKey(e.store.uri, e.experimentId)] = e.name;
  }
  return names;
}

/** Metric rows limited to `keys`, in that order; a key no run has is an error naming the ones there are. */
function keepMetrics(table: CompareTable, keys: readonly string[]): CompareTable {
  const metricRows = new Map(table.rows.filter((r) => r.section === 'metric').map((r) => [r.key, r]));
  const unknown = keys.filter((k) => !metricRows.has(k));
  if (unknown.length > 0) {
    const known = [...metricRows.keys()];
    throw new CliError(`no compared run has metric${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}. ` +
      (known.length ? `Their metrics: ${known.join(', ')}` : 'They have no metrics.'));
  }
  const section = (name: CompareRow['section']) => table.rows.filter((r) => r.section === name);
  const chosen = keys.map((k) => metricRows.get(k) as CompareRow);
  const rows = [...section('attribute'), ...section('param'), ...chosen, ...section('tag')];
  return { ...table, rows };
}

function render(table: CompareTable, format: Format): string {
  switch (format) {
    case 'csv':
      return compareTableToCsv(table);
    case 'md':
      return compareTableToMarkdown(table);
    case 'json':
      return toJsonText({
        ...table,
        rows: table.rows.map((r) => ({ ...r, values: r.values.map((v) => (typeof v === 'number' ? jsonNumber(v) : v)) })),
      });
    case 'table':
      return terminalTable(table);
  }
}

/** Runs as columns, a `*` before each row whose values differ. */
function terminalTable(table: CompareTable): string {
  const columns = [
    { header: '' }, { header: 'KEY', maxWidth: 40 },
    ...table.runNames.map((name) => ({ header: name, maxWidth: 24 })),
  ];
  const rows = [
    ['', 'run id', ...table.runIds.map((id) => id.slice(0, 8))],
    ...table.rows.map((row) => [
      valuesDiffer(row.values) ? '*' : '', rowLabel(row), ...row.values.map((v) => formatCompareCell(row, v)),
    ]),
  ];
  return formatTable(columns, rows);
}
