import type { Command } from './command';

/** The top-level help: every command with its one-line summary. */
export function mainUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: mlops-workbench <command> [options]

Reads runs where they lie (MLflow's mlruns/ and mlflow.db, dvclive, Lightning and TensorBoard logs) or from an MLflow
tracking server, and reads and runs DVC pipelines.

Commands:
${list}

Run 'mlops-workbench <command> --help' for a command's options.
Exit codes: 0 done (problems in single files are warnings on stderr), 2 bad arguments, filter or store.
`;
}

export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.help}\n`;
}
