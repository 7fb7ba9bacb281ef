import type { Experiment } from '../../core/runs/types';
import { flag, STORE_OPTIONS, type ParsedArgs } from '../args';
import { EXIT_OK, EXIT_USAGE, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { experimentToJson, toJsonText } from '../runJson';
import { STORE_OPTIONS_HELP } from '../storeHelp';
import { readSelectedStores } from '../stores';
import { experimentsTable } from '../tableViews';
import { experimentLookup, isListedRun } from '../visibility';

export const experimentsCommand: Command = {
  name: 'experiments',
  summary: 'List experiments and how many runs each has',
  usage: 'mlops-workbench experiments [--tracking-uri URI | --workspace DIR] [--all] [--json]',
  help: `Lists the experiments of every store found, by store and experiment id.

  --all                Include deleted experiments (and count deleted runs).

${STORE_OPTIONS_HELP}`,
  options: { ...STORE_OPTIONS, all: { type: 'boolean' } },
  positionals: [],
  run: runExperiments,
};

async function runExperiments(args: ParsedArgs, io: CliIo): Promise<number> {
  const all = flag(args, 'all');
  return readSelectedStores(args, io, async ({ stores, errors }, selection) => {
    const snapshots = stores.map((s) => s.snapshot);
    const experiments = snapshots.flatMap((s) => [...s.experiments].sort(byId)).filter((e) => all || e.lifecycleStage === 'active');
    if (flag(args, 'json')) {
      io.stdout.write(toJsonText(experiments.map(experimentToJson)));
    } else if (experiments.length === 0) {
      if (stores.length === 0 && errors.length > 0) return EXIT_USAGE;
      io.stdout.write(selection.refs.length === 0 ? `No MLflow stores found in ${selection.source}.\n` : 'No experiments.\n');
    } else {
      const experimentOf = experimentLookup(snapshots);
      const counts = new Map<Experiment, number>();
      for (const r of snapshots.flatMap((s) => s.runs)) {
        const e = experimentOf(r);
        if (e && isListedRun(r, e, all)) counts.set(e, (counts.get(e) ?? 0) + 1);
      }
      io.stdout.write(experimentsTable(experiments, (e) => counts.get(e) ?? 0));
    }
    return errors.length > 0 ? EXIT_USAGE : EXIT_OK;
  });
}

// Numeric ids ("0", "2", "10") in number order, others (SQL stores may use any string) after, by text.
function byId(a: Experiment, b: Experiment): number {
  const na = /^\d+$/.test(a.experimentId) ? Number(a.experimentId) : Infinity;
  const nb = /^\d+$/.test(b.experimentId) ? Number(b.experimentId) : Infinity;
  if (na !== nb) return na - nb;
  return a.experimentId < b.experimentId ? -1 : a.experimentId > b.experimentId ? 1 : 0;
}
