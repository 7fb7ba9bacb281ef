// Runs a benchmark step in its own process (fresh heap, fresh module cache) and returns the JSON it prints.
import { spawn } from 'node:child_process';

/** Runs a command to completion; rejects with its stderr if it fails. Returns stdout, stderr and wall seconds. */
export function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(String(d));
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) resolve({ stdout, stderr, seconds });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

/** The last line of stdout that parses as a JSON object. */
export function lastJson(stdout) {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (line.startsWith('{')) return JSON.parse(line);
  }
  throw new Error(`no JSON result in output: ${stdout.slice(-300)}`);
}

export async function runJson(command, args, opts) {
  const { stdout, seconds } = await run(command, args, opts);
  return { ...lastJson(stdout), wallSeconds: seconds };
}
