// Interop test: our CLI against a real `mlflow server` (REST API), started here on 127.0.0.1 from the venv.
//
//   node test/interop/mlflowServer.interop.mjs      (needs .venv with mlflow, and dist/cli.js from `node esbuild.mjs`)
//
// 1. `mlflow server` on a fresh SQLite backend; test/interop/logServerRuns.py logs the fixture runs to it with
//    MLflow's own client (test/fixtures/mlflow/generate.py's populate()).
// 2. test/interop/dumpRuns.py asks MLflow's client what the server holds; our CLI answers `experiments --all --json`,
//    `runs --all --json` and `metrics RUN KEY --json` with --tracking-uri http://127.0.0.1:PORT. Field by field.
// 3. A second server with MLflow's basic-auth app: no credentials, a wrong password and the right one (from
//    MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD); and a stopped server (connection refused).
// Every server is stopped at the end, whole process group. Ends with `interop: N passed, M failed`; exit 1 on failure.
// Env: MLFLOW_PYTHON (interpreter with mlflow), MLOPS_CLI (another cli.js); --keep keeps the temp folder;
// `fixtureRuns` or `basicAuth` as an argument runs that part only.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMlflowServer } from './startMlflowServer.mjs';
import { interopChecks, repoRoot as root, run } from './lib/interopKit.mjs';

const python = process.env.MLFLOW_PYTHON ?? path.join(root, '.venv/bin/python');
const mlflowBin = path.join(path.dirname(python), 'mlflow');
const cli = process.env.MLOPS_CLI ?? path.join(root, 'dist/cli.js');
const keepTemp = process.argv.includes('--keep');

const { check, finish } = interopChecks();

const pyEnv = { ...process.env, PYTHONWARNINGS: 'ignore', MLFLOW_ALLOW_FILE_STORE: 'true' };

function py(args, env = pyEnv) {
  return run(python, args, { env });
}

/** Our CLI with only the given environment variables (no MLFLOW_* leaking in from the shell). */
function ourCli(args, env = {}) {
  const res = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 });
  return { code: res.status, stdout: res.stdout ?? '', stderr: (res.stderr ?? '').trim() };
}

function cliJson(args, env) {
  const res = ourCli(args, env);
  if (res.code !== 0) throw new Error(`node cli.js ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
  if (res.stderr) throw new Error(`node cli.js ${args.join(' ')} warned: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

// ------------------------------------------------------------------------------------------------ servers

const servers = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130)); // 'exit' kills the servers

async function startServer(label, { backendUri, artifactRoot, extraArgs = [], env = {} }) {
  const server = await startMlflowServer({ mlflowBin, backendUri, artifactRoot, extraArgs, env: { ...pyEnv, ...env }, cwd: path.dirname(artifactRoot), label });
  servers.add(server);
  return server;
}

async function stopServer(server) {
  servers.delete(server);
  await server.stop();
}

// ------------------------------------------------------------------------------------------------ comparison

function canonicalNumber(v) {
  if (typeof v !== 'number') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

const show = (v) => (v === undefined ? '(missing)' : JSON.stringify(v));

function diffFields(ours, theirs, fields) {
  return fields.filter((f) => canonicalNumber(ours[f]) !== canonicalNumber(theirs[f])).map((f) => `${f}: ours=${show(ours[f])} mlflow=${show(theirs[f])}`);
}

function diffMap(label, ours, theirs) {
  if (ours === null || typeof ours !== 'object') return [`${label}: ours=${show(ours)} is not an object`];
  const out = [];
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    const a = canonicalNumber(ours[key]);
    const b = canonicalNumber(theirs[key]);
    if (a !== b) out.push(`${label}[${JSON.stringify(key)}]: ours=${show(a)} mlflow=${show(b)}`);
  }
  return out;
}

function diffIds(what, ours, theirs) {
  const mine = new Set(ours);
  const want = new Set(theirs);
  const out = [...want].filter((id) => !mine.has(id)).map((id) => `${what} ${id}: in mlflow, missing in ours`);
  out.push(...[...mine].filter((id) => !want.has(id)).map((id) => `${what} ${id}: in ours, not in mlflow`));
  if (ours.length !== mine.size) out.push(`ours lists some ${what} ids more than once`);
  return out;
}

const pointKey = (p) => `${p.step}|${p.timestamp}|${canonicalNumber(p.value)}`;

function diffHistory(ours, theirs) {
  if (!Array.isArray(ours)) return [`ours is not an array: ${show(ours)}`];
  const a = ours.map(pointKey).join(' ');
  const b = theirs.map(pointKey).join(' ');
  return a === b ? [] : [`ours (${ours.length} points): ${a.slice(0, 300)}`, `mlflow (${theirs.length} points): ${b.slice(0, 300)}`];
}

const RUN_FIELDS = ['runName', 'experimentId', 'experimentName', 'status', 'startTime', 'endTime', 'lifecycleStage', 'parentRunId'];
const EXPERIMENT_FIELDS = ['name', 'lifecycleStage', 'artifactLocation', 'creationTime', 'lastUpdateTime'];

function compareServer(url, mlflow, env) {
  const label = 'tracking server';
  try {
    const exps = cliJson(['experiments', '--tracking-uri', url, '--all', '--json'], env);
    const byId = new Map(exps.map((e) => [e.experimentId, e]));
    check(`${label}: experiment ids`, diffIds('experiment', exps.map((e) => e.experimentId), mlflow.experiments.map((e) => e.experimentId)));
    for (const want of mlflow.experiments) {
      const mine = byId.get(want.experimentId);
      if (!mine) continue;
      const problems = [...diffFields(mine, want, EXPERIMENT_FIELDS), ...diffMap('tags', mine.tags, want.tags)];
      if (mine.store?.kind !== 'mlflow-rest' || mine.store?.uri !== url) problems.push(`store: ours=${show(mine.store)}`);
      check(`${label}: experiment ${want.experimentId} (${want.name})`, problems);
    }
  } catch (e) {
    check(`${label}: experiments --all --json`, [e.message]);
  }

  let runs;
  try {
    runs = cliJson(['runs', '--tracking-uri', url, '--all', '--json'], env);
  } catch (e) {
    check(`${label}: runs --all --json`, [e.message]);
    return;
  }
  const byId = new Map(runs.map((r) => [r.runId, r]));
  check(`${label}: run ids (search_runs, ViewType.ALL)`, diffIds('run', runs.map((r) => r.runId), mlflow.runs.map((r) => r.runId)));
  for (const want of mlflow.runs) {
    const mine = byId.get(want.runId);
    if (!mine) continue;
    const theirMetrics = Object.fromEntries(Object.entries(want.metrics).map(([k, m]) => [k, m.value]));
    const problems = [
      ...diffFields(mine, want, RUN_FIELDS),
      ...diffMap('params', mine.params, want.params),
      ...diffMap('tags', mine.tags, want.tags),
      ...diffMap('metrics', mine.metrics, theirMetrics),
    ];
    if (mine.store?.kind !== 'mlflow-rest') problems.push(`store.kind: ours=${show(mine.store?.kind)}`);
    check(`${label}: run ${want.runId.slice(0, 8)} (${want.runName})`, problems);
  }

  // Every key of the edge-case and unicode runs, one key of the others.
  for (const want of mlflow.runs) {
    const keys = Object.keys(want.metrics).sort();
    const all = want.runName === 'edge-metrics' || /[^\x20-\x7e]/.test(want.runName) || want.status === 'FAILED';
    for (const key of all ? keys : keys.slice(0, 1)) {
      const name = `${label}: metrics ${want.runId.slice(0, 8)} ${JSON.stringify(key)} (${want.runName})`;
      const theirs = mlflow.metricHistories[want.runId]?.[key];
      if (!theirs) {
        check(name, ['dumpRuns.py returned no history']);
        continue;
      }
      try {
        check(name, diffHistory(cliJson(['metrics', want.runId, key, '--tracking-uri', url, '--json'], env), theirs));
      } catch (e) {
        check(name, [e.message]);
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------ the checks

async function fixtureRuns(tmp) {
  const server = await startServer('fixture server', { backendUri: `sqlite:///${path.join(tmp, 'mlflow.db')}`, artifactRoot: path.join(tmp, 'artifacts') });
  try {
    const logged = Number(py(['test/interop/logServerRuns.py', '--tracking-uri', server.url]).trim().split('\n').pop());
    const mlflow = JSON.parse(py(['test/interop/dumpRuns.py', '--tracking-uri', server.url, '--all-histories']));
    console.log(`# ${server.url} (mlflow ${mlflow.mlflowVersion}: ${mlflow.experiments.length} experiments, ${mlflow.runs.length} runs; ${logged} logged)`);
    check('the fixture runs were logged to the server', mlflow.runs.length >= 14 ? [] : [`only ${mlflow.runs.length} runs on the server`]);
    check('dumpRuns.py names the store mlflow-rest', mlflow.store.kind === 'mlflow-rest' ? [] : [`store kind ${mlflow.store.kind}`]);
    // Credentials in the environment are harmless to a server without auth: they must not break anything.
    compareServer(server.url, mlflow, { MLFLOW_TRACKING_TOKEN: 'unused-token' });
    const viaEnv = ourCli(['runs', '--json'], { MLFLOW_TRACKING_URI: `${server.url}/` });
    check('MLFLOW_TRACKING_URI=http://... (trailing slash) lists the same runs', viaEnv.code === 0 && JSON.parse(viaEnv.stdout).length > 0 ? [] : [`exit ${viaEnv.code}: ${viaEnv.stderr}`]);
    const wrongPath = ourCli(['runs', '--tracking-uri', `${server.url}/not-mlflow`]);
    check('a wrong path on a real server: exit 2, "not an MLflow tracking server, or the URL\'s path is wrong"',
      wrongPath.code === 2 && /not an MLflow tracking server, or the URL's path is wrong/.test(wrongPath.stderr) ? [] : [`exit ${wrongPath.code}: ${wrongPath.stderr}`]);
  } finally {
    await stopServer(server);
  }
  const stopped = ourCli(['runs', '--tracking-uri', server.url]);
  const port = new URL(server.url).port;
  check('a stopped server: exit 2, "Nothing is listening ... (connection refused)"',
    stopped.code === 2 && stopped.stderr.includes(`Nothing is listening at 127.0.0.1:${port} (connection refused)`) ? [] : [`exit ${stopped.code}: ${stopped.stderr}`]);
  const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2000) }).then(() => 'answering', () => 'gone');
  check('the server process group is gone after stop', health === 'gone' ? [] : ['the server still answers /health']);
}

async function basicAuth(tmp) {
  const password = randomBytes(12).toString('hex');
  const ini = path.join(tmp, 'basic_auth.ini');
  writeFileSync(ini, [
    '[mlflow]',
    'default_permission = READ',
    `database_uri = sqlite:///${path.join(tmp, 'auth.db')}`,
    'admin_username = admin',
    `admin_password = ${password}`,
    'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
    '',
  ].join('\n'));
  const server = await startServer('basic-auth server', {
    backendUri: `sqlite:///${path.join(tmp, 'auth-backend.db')}`,
    artifactRoot: path.join(tmp, 'auth-artifacts'),
    extraArgs: ['--app-name', 'basic-auth'],
    // The auth app signs its CSRF tokens with this key and refuses to start without one.
    env: { MLFLOW_AUTH_CONFIG_PATH: ini, MLFLOW_FLASK_SERVER_SECRET_KEY: randomBytes(16).toString('hex') },
  });
  try {
    const none = ourCli(['experiments', '--tracking-uri', server.url]);
    check('basic-auth server, no credentials: exit 2, "asks for credentials (HTTP 401", says what to set',
      none.code === 2 && /asks for credentials \(HTTP 401 Unauthorized\) and none are set/.test(none.stderr) && /MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/.test(none.stderr)
        ? [] : [`exit ${none.code}: ${none.stderr}`]);
    const wrong = ourCli(['experiments', '--tracking-uri', server.url], { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: 'not-the-password' });
    check('basic-auth server, wrong password: exit 2, "refused the credentials", password not shown',
      wrong.code === 2 && /refused the credentials \(user "admin" \(basic auth\); HTTP 401/.test(wrong.stderr) && !wrong.stderr.includes('not-the-password')
        ? [] : [`exit ${wrong.code}: ${wrong.stderr}`]);
    const right = ourCli(['experiments', '--tracking-uri', server.url, '--json'], { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: password });
    let names = [];
    try {
      names = JSON.parse(right.stdout).map((e) => e.name);
    } catch {
      // Reported below.
    }
    check('basic-auth server, right credentials: the experiments are listed', right.code === 0 && names.includes('Default') ? [] : [`exit ${right.code}: ${right.stderr} ${right.stdout.slice(0, 200)}`]);
    // MLflow's client would send them, but the URI is shown and stored: we refuse it and say where they go instead.
    const userInUrl = ourCli(['experiments', '--json', '--tracking-uri', server.url.replace('http://', `http://admin:${password}@`)]);
    check('user:password in the URL: exit 2, "has a user name or password in it", password not repeated',
      userInUrl.code === 2 && /has a user name or password in it/.test(userInUrl.stderr) && !userInUrl.stderr.includes(password) && userInUrl.stdout === ''
        ? [] : [`exit ${userInUrl.code}: ${userInUrl.stderr}`]);
  } finally {
    await stopServer(server);
  }
}

async function main() {
  if (!existsSync(python) || !existsSync(mlflowBin)) {
    check('python with mlflow', [`${python} or ${mlflowBin} not found: python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt`]);
    return;
  }
  if (!existsSync(cli)) {
    check('dist/cli.js', ['not built: run `node esbuild.mjs` first']);
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlops-server-interop-'));
  try {
    const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
    for (const part of [fixtureRuns, basicAuth].filter((p) => only.length === 0 || only.includes(p.name))) {
      try {
        await part(tmp);
      } catch (e) {
        check(`${part.name}: setup`, [e.stderr ? String(e.stderr).trim().split('\n').slice(-5).join('\n    ') : e.message]);
      }
    }
  } finally {
    for (const s of [...servers]) await stopServer(s);
    if (keepTemp) console.log(`# kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
finish();
