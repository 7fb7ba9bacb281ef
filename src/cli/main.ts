import { FilterSyntaxError } from '../core/runs/filter/filterSyntaxError';
import { StoreError } from '../core/runs/types';
import { parseCommandArgs } from './args';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo } from './cliIo';
import type { Command } from './command';
import { compareCommand } from './commands/compare';
import { dagCommand } from './commands/dag';
import { dataCommand } from './commands/data';
import { experimentsCommand } from './commands/experiments';
import { metricsCommand } from './commands/metrics';
import { reproCommand } from './commands/repro';
import { runsCommand } from './commands/runs';
import { statusCommand } from './commands/status';
import { commandHelp, mainUsage } from './usage';

const COMMANDS: readonly Command[] = [experimentsCommand, runsCommand, metricsCommand, compareCommand, dataCommand, statusCommand, reproCommand, dagCommand];

/** The whole CLI as a function: arguments in, exit code out. Tests call it in-process. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(mainUsage(COMMANDS));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(mainUsage(COMMANDS));
    return EXIT_OK;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  const command = COMMANDS.find((c) => c.name === (helpFor ?? name));
  if (!command) {
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${helpFor ?? name}'`;
    io.stderr.write(`mlops-workbench: ${what}\n\n${mainUsage(COMMANDS)}`);
    return EXIT_USAGE;
  }
  if (helpFor !== undefined) {
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  try {
    const args = parseCommandArgs(rest, command.options, command.positionals);
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (e) {
    return reportError(e, command, io);
  }
}

function reportError(e: unknown, command: Command, io: CliIo): number {
  if (e instanceof CliError) {
    io.stderr.write(`mlops-workbench ${command.name}: ${e.message}\n`);
    if (e.showUsage) io.stderr.write(`Usage: ${command.usage}\nRun 'mlops-workbench ${command.name} --help' for details.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof FilterSyntaxError) {
    io.stderr.write(`mlops-workbench ${command.name}: ${e.message}\n${e.formatWithCaret()}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof StoreError) {
    io.stderr.write(`mlops-workbench ${command.name}: ${e.message}${e.file && !e.message.includes(e.file) ? ` (${e.file})` : ''}\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(`mlops-workbench ${command.name}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT_FAILURE;
}

// Run when executed (dist/cli.js), not when a test imports main().
if (require.main === module) {
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
    .then((code) => {
      process.exitCode = code;
    });
}
