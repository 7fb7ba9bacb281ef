import type { OptionSpec, ParsedArgs } from './args';
import type { CliIo } from './cliIo';

/** One sub-command: its help, its options and what it does. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `mlops-workbench runs [options]` */
  usage: string;
  /** Full help: options, examples. */
  help: string;
  options: OptionSpec;
  positionals: readonly string[];
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
