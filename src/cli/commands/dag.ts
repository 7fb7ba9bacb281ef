import { loadPipelines } from '../../core/dvc/pipeline/loadPipelines';
import { stringOption, type ParsedArgs } from '../args';
import { CliError, EXIT_FAILURE, EXIT_OK, type CliIo } from '../cliIo';
import type { Command } from '../command';
import { dagDot, dagJson, dagMermaid } from '../dagText';
import { pipelineRepo, problemLine } from '../pipelineRepo';
import { toJsonText } from '../runJson';

const FORMATS = ['mermaid', 'dot', 'json'] as const;

export const dagCommand: Command = {
  name: 'dag',
  summary: 'Print the pipeline graph as Mermaid, Graphviz DOT or JSON (as `dvc dag`)',
  usage: 'mlops-workbench dag [--format mermaid|dot|json] [--workspace DIR]',
  help: `Prints the stages of every dvc.yaml in the DVC repository and which feeds which: a stage depends on the
stage that writes one of its dependencies (or params files).

  --format mermaid     A Mermaid flowchart, as \`dvc dag --mermaid\` prints it (default; paste it in Markdown).
  --format dot         Graphviz DOT, as \`dvc dag --dot\` prints it (\`| dot -Tsvg > dag.svg\`).
  --format json        {stages: [{address, name, dvcfile, cmd, frozen, deps, outs}], edges: [{from, to}]}.
  --workspace DIR      The repository (default: the one the current folder is in).
  -h, --help           Show this help.

Exit codes: 0 done; 1 a dvc.yaml has errors (printed on stderr; the graph of what could be read is printed).`,
  options: { format: { type: 'string' }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  positionals: [],
  run: runDag,
};

async function runDag(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = stringOption(args, 'format') ?? 'mermaid';
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`, true);
  const { repoRoot, cwd } = pipelineRepo(args, io);
  const loaded = await loadPipelines(repoRoot);
  for (const p of loaded.problems) io.stderr.write(`mlops-workbench dag: ${problemLine(p, cwd)}\n`);
  const text = format === 'dot' ? dagDot(loaded.dag) : format === 'json' ? toJsonText(dagJson(loaded.dag, repoRoot)) : dagMermaid(loaded.dag);
  io.stdout.write(text);
  return loaded.problems.some((p) => p.severity === 'error') ? EXIT_FAILURE : EXIT_OK;
}
