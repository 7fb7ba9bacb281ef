import type { Command } from './command';

/** The top-level help: every command with its one-line summary. */
export function mainUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: mlops-workbench <command> [options]

Reads MLflow tracking stores (mlruns/ folders and mlflow.db files) straight from disk; no server needed.

Commands:
${list}

Run 'mlops-workbench <command> --help' for a command's options.
Exit codes: 0 done (problems in single files are warnings on stderr), 2 bad arguments, filter or store.
`;
}

export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.help}\n`;
}
