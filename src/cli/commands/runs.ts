import { FilterSyntaxError } from '../../core/runs/filter/filterSyntaxError';
import { matchesFilter } from '../../core/runs/filter/matchesFilter';
import { parseOrderBy } from '../../core/runs/filter/parseOrderBy';
import { parseRunFilter } from '../../core/runs/filter/parseRunFilter';
import { sortRuns } from '../../core/runs/filter/sortRuns';
import { flag, positiveInteger, STORE_OPTIONS, stringOption, type ParsedArgs } from '../args';
import { CliError, EXIT_OK, EXIT_USAGE, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { runToJson, toJsonText } from '../runJson';
import { STORE_OPTIONS_HELP } from '../storeHelp';
import { readSelectedStores } from '../stores';
import { pickMetricColumns, runsTable } from '../tableViews';
import { experimentLookup, isListedRun } from '../visibility';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List runs, filtered and sorted with MLflow search syntax',
  usage: 'mlops-workbench runs [--tracking-uri URI | --workspace DIR] [--filter EXPR] [--order-by ORDER] [--max N] [--all] [--json]',
  help: `Lists runs of every store found, newest first (MLflow's default order: start_time DESC, run_id ASC).

Selection:
  --filter EXPR        MLflow search filter, conditions joined by AND:
                         metrics.accuracy > 0.9 AND params.optimizer = 'adam'
                         tags."mlflow.runName" LIKE 'resnet%'   (LIKE is case-sensitive, ILIKE not)
                         attributes.status = 'FINISHED'   run_id IN ('a1b2...', 'c3d4...')
                         metrics.\`f1 score\` >= 0.5   attributes.start_time > 1714000000000
  --order-by ORDER     Comma-separated keys, each ASC (default) or DESC:
                         'metrics.accuracy DESC, params.lr'
                       Runs without the key come last in either direction.
  --max N              Print at most N runs (after sorting).
  --all                Include deleted runs and runs of deleted experiments.

${STORE_OPTIONS_HELP}

The table shows the first 8 characters of each run id; 'mlops-workbench metrics' accepts them.`,
  options: {
    ...STORE_OPTIONS,
    filter: { type: 'string' },
    'order-by': { type: 'string' },
    max: { type: 'string' },
    all: { type: 'boolean' },
  },
  positionals: [],
  run: runRuns,
};

async function runRuns(args: ParsedArgs, io: CliIo): Promise<number> {
  // Parse everything the user typed before touching the disk: a typo fails fast.
  const filter = parseSyntax('--filter', stringOption(args, 'filter') ?? '', parseRunFilter);
  const orders = parseSyntax('--order-by', stringOption(args, 'order-by') ?? '', parseOrderBy);
  const max = positiveInteger(args, 'max');
  const all = flag(args, 'all');

  return readSelectedStores(args, io, async ({ stores, errors }, selection) => {
    const snapshots = stores.map((s) => s.snapshot);
    const experimentOf = experimentLookup(snapshots);
    const listed = snapshots
      .flatMap((s) => s.runs)
      .filter((r) => isListedRun(r, experimentOf(r), all) && matchesFilter(r, filter));
    const runs = sortRuns(listed, orders).slice(0, max);
    const nameOf = (r: (typeof runs)[number]) => experimentOf(r)?.name ?? null;
    if (flag(args, 'json')) {
      io.stdout.write(toJsonText(runs.map((r) => runToJson(r, nameOf(r)))));
    } else if (runs.length === 0) {
      if (stores.length === 0 && errors.length > 0) return EXIT_USAGE;
      io.stdout.write(selection.refs.length === 0 ? `No MLflow stores found in ${selection.source}.\n` : 'No runs.\n');
    } else {
      io.stdout.write(runsTable(runs, nameOf, pickMetricColumns(runs, orders)));
    }
    return errors.length > 0 ? EXIT_USAGE : EXIT_OK;
  });
}

function parseSyntax<T>(option: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof FilterSyntaxError)) throw e;
    const caret = e.formatWithCaret().split('\n').map((l) => `  ${l}`).join('\n');
    throw new CliError(`invalid ${option}: ${e.message}\n${caret}`);
  }
}
