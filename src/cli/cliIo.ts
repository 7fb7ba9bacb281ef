/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Exit codes: 0 done (per-file problems are warnings), 1 unexpected failure, 2 bad usage, filter or store. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A problem the user can fix: printed as `mlops-workbench: <message>` and exit code 2. */
export class CliError extends Error {
  constructor(message: string, readonly showUsage = false) {
    super(message);
    this.name = 'CliError';
  }
}
