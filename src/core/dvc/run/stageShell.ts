// How `dvc repro` runs a stage's commands (dvc/stage/run.py): a string `cmd` is split into lines (Python's
// str.splitlines) and a list taken as it is; each command runs on its own through the user's shell ($SHELL, else
// /bin/sh) with the flags that stop it reading start-up files, in the stage's wdir, with DVC_ROOT and DVC_STAGE set.
import path from 'node:path';

/** Python's str.splitlines separators: \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** The commands DVC runs for a stage's `cmd`, in order. */
export function stageCommands(cmd: string | readonly string[]): string[] {
  if (Array.isArray(cmd)) return [...cmd];
  const text = cmd as string;
  const lines = text.split(LINE_BREAK);
  // splitlines() drops the empty piece after a final line break.
  if (lines.length > 0 && lines[lines.length - 1] === '' && LINE_BREAK.test(text.slice(-1))) lines.pop();
  return lines;
}

/** Options DVC passes to shells it knows so that rc files cannot change the environment (dvc#2506). */
const SHELL_OPTIONS: Record<string, string[]> = {
  zsh: ['--no-rcs'],
  bash: ['--noprofile', '--norc'],
};

/**
 * The argv that runs one command as DVC does: `[$SHELL, flags..., '-c', command]` on POSIX; on Windows DVC uses
 * `shell=True`, which is `cmd.exe /d /s /c "command"`.
 */
export function shellArgv(command: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return [env.ComSpec ?? env.COMSPEC ?? 'cmd.exe', '/d', '/s', '/c', `"${command}"`];
  const shell = env.SHELL || '/bin/sh';
  const name = path.basename(shell).toLowerCase();
  return [shell, ...(SHELL_OPTIONS[name] ?? []), '-c', command];
}

/** The environment of a stage's commands: the caller's, with DVC_ROOT (unless set) and DVC_STAGE. */
export function stageEnv(base: NodeJS.ProcessEnv, repoRoot: string, address: string): NodeJS.ProcessEnv {
  const env = { ...base };
  if (!env.DVC_ROOT) env.DVC_ROOT = repoRoot;
  env.DVC_STAGE = address;
  return env;
}
