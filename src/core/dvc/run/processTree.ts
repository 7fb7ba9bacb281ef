// Runs one process in a process group of its own and, when cancelled, ends the whole group: the shell, what it
// started, and what those started (a training script's data-loader workers, a `sleep` in the background).
// Escalates like a person at a terminal would: SIGINT (Python raises KeyboardInterrupt and cleans up), then
// SIGTERM, then SIGKILL, until no process of the group is left. On Windows, `taskkill /T /F` ends the tree.
import { spawn, execFile } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export type ProcessStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: ProcessStream) => void;
  /** Milliseconds between SIGINT, SIGTERM and SIGKILL when cancelling. Default 1500 and 2000. */
  graceMs?: { interrupt?: number; terminate?: number };
  /** Windows: pass the arguments as they are (for `cmd.exe /d /s /c "..."`). */
  windowsVerbatimArguments?: boolean;
}

export interface ProcessOutcome {
  /** The exit code, or undefined when the process was ended by a signal or could not start. */
  exitCode?: number;
  /** The signal that ended it (`SIGKILL`...), if any. */
  signal?: NodeJS.Signals;
  cancelled: boolean;
  /** Why it could not start (ENOENT for the program or the working folder...). */
  spawnError?: string;
  durationMs: number;
}

/** How long to wait for the output pipes to close after the process exited (a background child may hold them). */
const PIPE_DRAIN_MS = 1000;
/** How long to wait for a SIGKILLed group to disappear. */
const KILL_WAIT_MS = 5000;

/**
 * Runs `argv` (no shell involved: pass the shell yourself) and resolves when it has exited, with its output
 * streamed to `onOutput` as text. Never rejects: a process that cannot start resolves with `spawnError`.
 */
export function runProcess(argv: readonly string[], opts: RunProcessOptions): Promise<ProcessOutcome> {
  const started = performance.now();
  const done = (o: Omit<ProcessOutcome, 'durationMs'>): ProcessOutcome => ({ ...o, durationMs: performance.now() - started });
  if (opts.signal?.aborted) return Promise.resolve(done({ cancelled: true }));
  return new Promise((resolve) => {
    const windows = process.platform === 'win32';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        // Its own process group (setsid) so that the group can be signalled as a whole.
        detached: !windows,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        windowsVerbatimArguments: opts.windowsVerbatimArguments,
      });
    } catch (error) {
      resolve(done({ cancelled: false, spawnError: (error as Error).message }));
      return;
    }
    let cancelled = false;
    let settled = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let openPipes = 2;
    const timers: NodeJS.Timeout[] = [];
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

    const finish = (outcome: Omit<ProcessOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = decoders[stream].end();
        if (rest) opts.onOutput?.(rest, stream);
      }
      resolve(done(outcome));
    };
    const settleIfDone = () => {
      if (!exited || settled) return;
      if (cancelled && !windows && groupAlive(child.pid)) return; // the escalation below finishes the group first
      finish({
        exitCode: exited.code ?? undefined,
        signal: exited.signal ?? undefined,
        cancelled,
      });
    };

    for (const stream of ['stdout', 'stderr'] as const) {
      const pipe = child[stream]!;
      pipe.on('data', (chunk: Buffer) => {
        const text = decoders[stream].write(chunk);
        if (text) opts.onOutput?.(text, stream);
      });
      pipe.on('close', () => {
        openPipes--;
        if (openPipes === 0) settleIfDone();
      });
    }
    child.on('error', (error) => {
      // Spawn failures (ENOENT for the program or cwd) come here, with no exit event.
      if (!exited) finish({ cancelled, spawnError: error.message });
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (openPipes === 0) settleIfDone();
      else timers.push(setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settleIfDone();
      }, PIPE_DRAIN_MS));
    });

    const interruptMs = opts.graceMs?.interrupt ?? 1500;
    const terminateMs = opts.graceMs?.terminate ?? 2000;
    function onAbort(): void {
      if (cancelled || settled) return;
      cancelled = true;
      const pid = child.pid;
      if (pid === undefined) return;
      if (windows) {
        killTreeWindows(pid);
        return;
      }
      signalGroup(pid, 'SIGINT');
      timers.push(setTimeout(() => {
        signalGroup(pid, 'SIGTERM');
        timers.push(setTimeout(() => {
          signalGroup(pid, 'SIGKILL');
          // SIGKILL cannot be refused: poll until the group is gone, then report (a process stuck in the kernel
          // may take a while: after KILL_WAIT_MS the run is reported ended anyway).
          const killedAt = performance.now();
          const poll = () => {
            if (!groupAlive(pid) || performance.now() - killedAt > KILL_WAIT_MS) {
              if (exited) finish({ exitCode: exited.code ?? undefined, signal: exited.signal ?? undefined, cancelled: true });
              return;
            }
            timers.push(setTimeout(poll, 20));
          };
          poll();
        }, terminateMs));
      }, interruptMs));
      // A group that ends at the first signal is reported at once.
      const watch = () => {
        if (settled) return;
        if (!groupAlive(pid) && exited) {
          settleIfDone();
          return;
        }
        timers.push(setTimeout(watch, 25));
      };
      watch();
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether any process of the group led by `pid` is still there (signal 0 tests without sending). */
export function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function killTreeWindows(pid: number): void {
  execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => undefined);
}
