import { planPipelineRun } from '../../core/dvc/run/planRun';
import { runPipeline } from '../../core/dvc/run/runPipeline';
import { PipelineRunError, type PlannedStage, type RunnerChoice } from '../../core/dvc/run/runTypes';
import { flag, stringOption, type ParsedArgs } from '../args';
import { CliError, EXIT_FAILURE, EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { pipelineRepo } from '../pipelineRepo';
import { toJsonText } from '../runJson';
import { formatTable } from '../table';
import { openCliHasher } from '../cliHasher';

const RUNNERS: readonly RunnerChoice[] = ['auto', 'dvc', 'builtin'];
/** What a shell reports for a run stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

export const reproCommand: Command = {
  name: 'repro',
  summary: 'Run the pipeline stages that changed, in order (as `dvc repro`), or show the plan',
  usage: 'mlops-workbench repro [STAGE...] [--downstream] [--dry-run [--json]] [--force] [--runner auto|dvc|builtin] [--workspace DIR]',
  help: `Runs what \`dvc repro\` runs: the STAGEs and the stages they depend on (every stage of every dvc.yaml when no
STAGE is given, as \`dvc repro --all-pipelines\`), in DAG order, skipping stages that are up to date. A STAGE is an
address (train, sub/dvc.yaml:train), a foreach/matrix group (evaluate) or a dvc.yaml path.

With the built-in runner each command runs through your shell ($SHELL) in the stage's wdir; outputs are deleted
first only as DVC deletes them (persist outputs are kept, and a cached output only once its current version is in
the DVC cache); on success dvc.lock, the cache and the run cache are written as DVC writes them. The first failure
stops the run; Ctrl-C ends the running command and everything it started.

  --downstream         Run the STAGEs and the stages that depend on them instead of their upstream.
  --force              Run the planned stages even if they are up to date.
  --dry-run            Print the plan (each stage: run, maybe, skip, frozen) with the reasons; run nothing.
  --json               With --dry-run: the plan as JSON [{address, name, dvcfile, action, why}].
  --runner RUNNER      auto (default: DVC when \`dvc --version\` answers, in .venv or on PATH, else built in),
                       dvc (\`dvc repro\`), builtin.
  --workspace DIR      The repository (default: the one the current folder is in).
  -h, --help           Show this help.

Exit codes: 0 done; 1 a stage failed (its command and exit code are printed) or the pipeline has errors;
2 bad arguments; 130 interrupted.`,
  options: {
    downstream: { type: 'boolean' },
    force: { type: 'boolean', short: 'f' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    runner: { type: 'string' },
    workspace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  positionals: ['[STAGE...]'],
  run: runRepro,
};

async function runRepro(args: ParsedArgs, io: CliIo): Promise<number> {
  const runner = (stringOption(args, 'runner') ?? 'auto') as RunnerChoice;
  if (!RUNNERS.includes(runner)) throw new CliError(`--runner must be one of ${RUNNERS.join(', ')}, got '${runner}'`, true);
  if (flag(args, 'json') && !flag(args, 'dry-run')) throw new CliError('--json goes with --dry-run', true);
  const { repoRoot, cwd } = pipelineRepo(args, io);
  const targets = args.positionals.length ? args.positionals : undefined;
  const downstream = flag(args, 'downstream');
  const force = flag(args, 'force');
  try {
    if (flag(args, 'dry-run')) {
      const { hasher, close } = await openCliHasher(repoRoot, io.env);
      try {
        const plan = await planPipelineRun({ repoRoot, targets, downstream, force, hasher });
        io.stdout.write(flag(args, 'json') ? toJsonText(plan.planned) : planTable(plan.planned));
      } finally {
        await close();
      }
      return EXIT_OK;
    }
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    const { hasher, close } = await openCliHasher(repoRoot, io.env);
    try {
      const result = await runPipeline({
        repoRoot,
        hasher,
        targets,
        downstream,
        force,
        runner,
        workspaceRoot: cwd,
        signal: controller.signal,
        env: io.env,
        onOutput: (text, stream) => (stream === 'stderr' ? io.stderr : io.stdout).write(text),
        onEvent: (e) => {
          if (e.kind === 'runner') io.stderr.write(`mlops-workbench repro: ${e.message}\n`);
        },
      });
      if (result.cancelled) return EXIT_INTERRUPTED;
      // Both runners have printed the failure as DVC does (`ERROR: failed to reproduce ...`).
      return result.ok ? EXIT_OK : EXIT_FAILURE;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      await close();
    }
  } catch (error) {
    if (error instanceof PipelineRunError) {
      io.stderr.write(`mlops-workbench repro: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

const ACTION_WORDS: Record<PlannedStage['action'], string> = { run: 'run', maybe: 'maybe', skip: 'skip', frozen: 'frozen', verify: 'verify' };

/** The plan: one row per reason, the stage and its action on the first. */
export function planTable(planned: readonly PlannedStage[]): string {
  const rows: string[][] = [];
  planned.forEach((p, i) => {
    rows.push([String(i + 1), p.address, ACTION_WORDS[p.action], p.why[0] ?? '']);
    for (const why of p.why.slice(1)) rows.push(['', '', '', why]);
  });
  const runs = planned.filter((p) => p.action === 'run').length;
  const maybe = planned.filter((p) => p.action === 'maybe').length;
  const summary = runs + maybe === 0 ? 'Data and pipelines are up to date: nothing would run.' : `${runs} stage(s) would run${maybe ? `, ${maybe} more if their inputs change` : ''}.`;
  return formatTable([{ header: '#', align: 'right' }, { header: 'STAGE' }, { header: 'ACTION' }, { header: 'WHY' }], rows) + summary + '\n';
}
