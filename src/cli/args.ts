import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cliIo';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const STORE_OPTIONS = {
  'tracking-uri': { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs in strict mode; its errors become usage errors (exit 2). */
export function parseCommandArgs(argv: readonly string[], options: OptionSpec, positionals: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: positionals.length > 0, strict: true });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message.replace(/\s+To specify a positional.*$/s, '') : String(e), true);
  }
  const values = parsed.values as ParsedArgs['values'];
  // A last positional named `NAME...` takes one or more values; `[NAME]` / `[NAME...]` are optional.
  const variadic = /\.\.\.\]?$/.test(positionals.at(-1) ?? '');
  const required = positionals.filter((p) => !p.startsWith('[')).length;
  const tooMany = !variadic && parsed.positionals.length > positionals.length;
  if (!values.help && (parsed.positionals.length < required || tooMany)) {
    const names = positionals.join(' ');
    throw new CliError(parsed.positionals.length < required
      ? `missing ${positionals.slice(parsed.positionals.length, required).join(' ')} (expected ${names})`
      : `unexpected argument '${parsed.positionals[positionals.length]}'`, true);
  }
  return { values, positionals: parsed.positionals };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** `--max N`: a whole number of at least 1. */
export function positiveInteger(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new CliError(`--${name} expects a whole number of at least 1, got '${raw}'`, true);
  return Number(raw);
}
