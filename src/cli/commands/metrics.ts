import type { Run } from '../../core/runs/types';
import { flag, STORE_OPTIONS, type ParsedArgs } from '../args';
import { CliError, EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { metricPointToJson, toJsonText } from '../runJson';
import { STORE_OPTIONS_HELP } from '../storeHelp';
import { readSelectedStores, type OpenStore } from '../stores';
import { metricHistoryTable } from '../tableViews';

/** A shorter prefix than this is too likely to be a typo to look up. */
const MIN_PREFIX = 4;

export const metricsCommand: Command = {
  name: 'metrics',
  summary: "Print one metric's full history for a run",
  usage: 'mlops-workbench metrics RUN_ID KEY [--tracking-uri URI | --workspace DIR] [--json]',
  help: `Prints every logged point (step, timestamp, value) of metric KEY in run RUN_ID, in logging order.
RUN_ID may be a unique prefix of at least ${MIN_PREFIX} characters (the table of 'runs' shows 8).
Deleted runs are found too.

${STORE_OPTIONS_HELP}`,
  options: { ...STORE_OPTIONS },
  positionals: ['RUN_ID', 'KEY'],
  run: runMetrics,
};

async function runMetrics(args: ParsedArgs, io: CliIo): Promise<number> {
  const [runId, key] = args.positionals;
  return readSelectedStores(args, io, async ({ stores }, selection) => {
    const { store, run } = findRun(stores, runId, selection.source);
    if (!Object.prototype.hasOwnProperty.call(run.metrics, key)) {
      const known = Object.keys(run.metrics).sort();
      throw new CliError(`run ${run.runId} has no metric '${key}'. ` +
        (known.length ? `Its metrics: ${known.join(', ')}` : 'It has no metrics.'));
    }
    const points = await store.reader.metricHistory(run.runId, key);
    io.stdout.write(flag(args, 'json') ? toJsonText(points.map(metricPointToJson)) : metricHistoryTable(points));
    return EXIT_OK;
  });
}

/** The run with this id, else the one run whose id starts with it; errors name what was searched. */
export function findRun(stores: readonly OpenStore[], id: string, source: string): { store: OpenStore; run: Run } {
  const all = stores.flatMap((store) => store.snapshot.runs.map((run) => ({ store, run })));
  const exact = all.filter((c) => c.run.runId === id);
  if (exact.length > 0) return exact[0];
  const prefixed = id.length >= MIN_PREFIX ? all.filter((c) => c.run.runId.startsWith(id)) : [];
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) {
    const ids = prefixed.slice(0, 5).map((c) => c.run.runId).join(', ');
    throw new CliError(`run id prefix '${id}' matches ${prefixed.length} runs (${ids}${prefixed.length > 5 ? ', …' : ''}). Give more characters.`);
  }
  const where = stores.length === 0 ? `no MLflow store found in ${source}` : `searched ${stores.map((s) => s.reader.ref.uri).join(', ')}`;
  throw new CliError(`no run with id '${id}' (${where})`);
}
