// Starts a real `mlflow server` on 127.0.0.1 for the interop tests and the benchmarks, and stops it (whole process
// group: mlflow runs uvicorn as a child). Not a test itself (runInterop.mjs runs *.interop.mjs only).
import { spawn } from 'node:child_process';
import net from 'node:net';

/** A port the OS just gave out and took back: free unless someone takes it in the next instant. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set();

function killGroup(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    // Already gone.
  }
}

// process.kill is synchronous, so servers die with this process whatever way it ends.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Starts `mlflow server` in its own process group and resolves once /health answers.
 * `mlflowBin`: the venv's mlflow script. Returns { url, log(), stop() }; stop() resolves when the group is gone.
 */
export async function startMlflowServer({ mlflowBin, backendUri, artifactRoot, extraArgs = [], env = process.env, cwd, label = 'mlflow server', timeoutMs = 120_000 }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One worker: the machine is shared, and a single process is easier to stop. MLflow's default security
  // middleware accepts localhost Host headers, which is all we send.
  const args = ['server', '--backend-store-uri', backendUri, '--default-artifact-root', artifactRoot, '--host', '127.0.0.1', '--port', String(port), '--workers', '1', ...extraArgs];
  // MLflow 3 also starts a job runner with about seven huey worker processes (GenAI jobs): the tracking API needs
  // none of them, and on a shared 2-core machine they slow the start down.
  const childEnv = { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', ...env };
  const child = spawn(mlflowBin, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  running.add(child);
  let output = '';
  const keep = (d) => (output = (output + d).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = code ?? signal))));
  const tail = () => output.trim().split('\n').slice(-8).join('\n');
  const server = {
    url,
    log: () => output,
    async stop() {
      if (!running.delete(child)) return;
      if (exited === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exitedPromise;
        clearTimeout(timer);
      }
      killGroup(child, 'SIGKILL'); // a worker left in the group
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      running.delete(child);
      killGroup(child, 'SIGKILL');
      const hint = /Flask-WTF/.test(output) ? " (MLflow's basic-auth app needs Flask-WTF: .venv/bin/pip install -r requirements-dev.txt)" : '';
      throw new Error(`${label} exited (${exited}) before answering /health${hint}:\n${tail()}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await server.stop();
  throw new Error(`${label} did not answer /health within ${timeoutMs / 1000} s:\n${tail()}`);
}
