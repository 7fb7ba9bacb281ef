import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../../src/cli/main';
import type { RunJson } from '../../../src/cli/runJson';
import { writeExperiment, writeRun } from './makeFileStore';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const id = (c: string) => c.repeat(32);
const R1 = id('a'); // vision, acc 0.8 after two steps
const R2 = id('b'); // vision, FAILED, acc 0.9
const R3 = id('c'); // Default, no acc, NaN metric
const R4 = id('d'); // deleted run
const R5 = id('e'); // run of a deleted experiment
const R6 = id('f'); // broken meta.yaml

describe('mlops-workbench CLI (end to end, in-process)', function () {
  let root: string;
  let mlruns: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-'));
    mlruns = path.join(root, 'project', 'mlruns');
    writeExperiment(mlruns, { id: '0', name: 'Default' });
    writeExperiment(mlruns, { id: '1', name: 'vision' });
    writeExperiment(mlruns, { id: '2', name: 'old', deleted: true });
    writeRun(mlruns, {
      id: R1, experimentId: '1', name: 'resnet-small', status: 3, start: 1000, end: 61000,
      params: { lr: '0.01', opt: 'adam', 'model/depth': '3' }, tags: { team: 'vision' },
      metrics: { acc: ['1000 0.5 0', '2000 0.8 1'], loss: ['1000 1.5 0'] },
    });
    writeRun(mlruns, {
      id: R2, experimentId: '1', name: 'resnet-large', status: 4, start: 2000, end: 3000,
      params: { lr: '0.001', opt: 'sgd' }, metrics: { acc: ['2500 0.9 0'] },
    });
    writeRun(mlruns, { id: R3, experimentId: '0', name: 'baseline', status: 1, start: 3000, params: { lr: '0.1' }, metrics: { odd: ['3000 nan 0'] } });
    writeRun(mlruns, { id: R4, experimentId: '1', name: 'gone', start: 4000, deleted: true, metrics: { acc: ['4000 0.95 0'] } });
    writeRun(mlruns, { id: R5, experimentId: '2', name: 'ancient', start: 5000, metrics: { acc: ['5000 0.99 0'] } });
    const broken = writeRun(mlruns, { id: R6, experimentId: '1', name: 'broken', start: 6000 });
    writeFileSync(path.join(broken, 'meta.yaml'), 'run_id: [unclosed\n  : :\n');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  async function cli(args: string[], env: Record<string, string> = {}, cwd = root): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env,
      cwd,
    });
    return { code, stdout, stderr };
  }

  async function runsJson(...args: string[]): Promise<RunJson[]> {
    const r = await cli(['runs', '--tracking-uri', mlruns, '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as RunJson[];
  }

  it('lists active runs of active experiments, newest first, and warns about the broken run naming its file', async () => {
    const r = await cli(['runs', '--tracking-uri', mlruns, '--json']);
    assert.equal(r.code, 0);
    const runs = JSON.parse(r.stdout) as RunJson[];
    assert.deepEqual(runs.map((x) => x.runId), [R3, R2, R1]);
    const warning = r.stderr.split('\n').find((l) => l.includes(R6));
    assert.ok(warning?.startsWith(`mlops-workbench: warning: ${path.join(mlruns, '1', R6, 'meta.yaml')}`), r.stderr);
    assert.match(warning ?? '', /YAML/);
  });

  it('prints each run in the documented JSON shape', async () => {
    const runs = await runsJson();
    const r1 = runs.find((x) => x.runId === R1);
    assert.deepEqual(r1, {
      runId: R1, runName: 'resnet-small', experimentId: '1', experimentName: 'vision', status: 'FINISHED',
      startTime: 1000, endTime: 61000, lifecycleStage: 'active',
      params: { lr: '0.01', 'model/depth': '3', opt: 'adam' },
      metrics: { acc: 0.8, loss: 1.5 },
      tags: { 'mlflow.runName': 'resnet-small', team: 'vision' },
      parentRunId: null,
      store: { kind: 'mlflow-file', uri: pathToFileURL(mlruns).href },
    });
    const r3 = runs.find((x) => x.runId === R3);
    assert.deepEqual(r3?.metrics, { odd: 'NaN' });
    assert.equal(r3?.status, 'RUNNING');
    assert.equal(r3?.endTime, null);
  });

  it('filters with MLflow syntax', async () => {
    assert.deepEqual((await runsJson('--filter', 'metrics.acc > 0.6')).map((x) => x.runId), [R2, R1]);
    assert.deepEqual((await runsJson('--filter', "params.opt LIKE 'ad%' and attributes.status = 'FINISHED'")).map((x) => x.runId), [R1]);
    assert.deepEqual((await runsJson('--filter', "params.`model/depth` = '3'")).map((x) => x.runId), [R1]);
    assert.deepEqual((await runsJson('--filter', "tags.team = 'nobody'")), []);
  });

  it('orders by a metric with missing values last, and cuts with --max after sorting', async () => {
    assert.deepEqual((await runsJson('--order-by', 'metrics.acc DESC')).map((x) => x.runId), [R2, R1, R3]);
    assert.deepEqual((await runsJson('--order-by', 'metrics.acc ASC')).map((x) => x.runId), [R1, R2, R3]);
    assert.deepEqual((await runsJson('--order-by', 'params.lr')).map((x) => x.runId), [R2, R1, R3]);
    assert.deepEqual((await runsJson('--order-by', 'metrics.acc DESC', '--max', '1')).map((x) => x.runId), [R2]);
  });

  it('includes deleted runs and runs of deleted experiments with --all', async () => {
    const runs = await runsJson('--all');
    assert.deepEqual(runs.map((x) => x.runId), [R5, R4, R3, R2, R1]);
    assert.equal(runs[1].lifecycleStage, 'deleted');
    assert.equal(runs[0].experimentName, 'old');
  });

  it('prints a readable table by default', async () => {
    const r = await cli(['runs', '--tracking-uri', mlruns, '--order-by', 'metrics.acc DESC']);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^RUN ID\s+NAME\s+EXPERIMENT\s+STATUS\s+START\s+DURATION\s+acc/);
    assert.equal(lines.length, 5);
    assert.match(lines[2], /^bbbbbbbb\s+resnet-large\s+vision\s+FAILED\s+1970-01-01T00:00:02Z\s+1s\s+0\.9/);
  });

  it('exits 2 with a caret under the bad token for a bad filter or order-by', async () => {
    const r = await cli(['runs', '--tracking-uri', mlruns, '--filter', 'metrics.acc is 1']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /invalid --filter: Expected a comparison operator after 'metrics\.acc' at column 13, found 'is'/);
    assert.ok(r.stderr.includes('  metrics.acc is 1\n  ' + ' '.repeat(12) + '^^'), r.stderr);
    const o = await cli(['runs', '--tracking-uri', mlruns, '--order-by', 'metrics.acc DOWN']);
    assert.equal(o.code, 2);
    assert.match(o.stderr, /invalid --order-by: .*column 13/);
  });

  it('exits 2 with usage for an unknown command, flag or bad --max', async () => {
    const cmd = await cli(['frobnicate']);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /unknown command 'frobnicate'[\s\S]*Usage: mlops-workbench <command>/);
    const flagged = await cli(['runs', '--colour']);
    assert.equal(flagged.code, 2);
    assert.match(flagged.stderr, /--colour[\s\S]*Usage: mlops-workbench runs/);
    const max = await cli(['runs', '--tracking-uri', mlruns, '--max', '0']);
    assert.equal(max.code, 2);
    assert.match(max.stderr, /--max expects a whole number/);
    assert.equal((await cli([])).code, 2);
  });

  it('exits 2 for an unusable store', async () => {
    const missing = await cli(['runs', '--tracking-uri', path.join(root, 'nowhere', 'mlruns')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /nowhere/);
    const remote = await cli(['runs', '--tracking-uri', 'databricks://profile']);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /only http:\/\/ and https:\/\/ tracking servers can be read/);
    const both = await cli(['runs', '--tracking-uri', mlruns, '--workspace', root]);
    assert.equal(both.code, 2);
  });

  it('prints help with exit 0', async () => {
    const top = await cli(['--help']);
    assert.equal(top.code, 0);
    for (const c of ['experiments', 'runs', 'metrics']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
    const runs = await cli(['runs', '--help']);
    assert.equal(runs.code, 0);
    assert.match(runs.stdout, /--order-by ORDER/);
    assert.equal((await cli(['help', 'metrics'])).code, 0);
  });

  it('finds stores from MLFLOW_TRACKING_URI, then from --workspace or the working directory', async () => {
    const fromEnv = await cli(['runs', '--json'], { MLFLOW_TRACKING_URI: pathToFileURL(mlruns).href }, os.tmpdir());
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal((JSON.parse(fromEnv.stdout) as RunJson[]).length, 3);
    const fromWorkspace = await cli(['runs', '--json', '--workspace', 'project'], { MLFLOW_TRACKING_URI: 'http://ignored' });
    assert.equal(fromWorkspace.code, 0, fromWorkspace.stderr);
    assert.equal((JSON.parse(fromWorkspace.stdout) as RunJson[]).length, 3);
    const fromCwd = await cli(['runs', '--json'], {}, path.join(root, 'project'));
    assert.equal((JSON.parse(fromCwd.stdout) as RunJson[]).length, 3);
    const empty = path.join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const none = await cli(['runs'], {}, empty);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No MLflow stores found/);
  });

  it('lists experiments, deleted ones only with --all', async () => {
    const r = await cli(['experiments', '--tracking-uri', mlruns, '--json']);
    assert.equal(r.code, 0);
    const exps = JSON.parse(r.stdout) as Array<{ experimentId: string; name: string }>;
    assert.deepEqual(exps.map((e) => [e.experimentId, e.name]), [['0', 'Default'], ['1', 'vision']]);
    assert.deepEqual(Object.keys(exps[0]), ['experimentId', 'name', 'lifecycleStage', 'artifactLocation', 'creationTime', 'lastUpdateTime', 'tags', 'store']);
    const all = JSON.parse((await cli(['experiments', '--tracking-uri', mlruns, '--json', '--all'])).stdout) as Array<{ name: string }>;
    assert.deepEqual(all.map((e) => e.name), ['Default', 'vision', 'old']);
    const table = await cli(['experiments', '--tracking-uri', mlruns]);
    assert.match(table.stdout, /^1\s+vision\s+2\s+active/m);
  });

  it("prints a metric's full history, finding the run by id or a unique prefix", async () => {
    const r = await cli(['metrics', R1, 'acc', '--tracking-uri', mlruns, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ step: 0, timestamp: 1000, value: 0.5 }, { step: 1, timestamp: 2000, value: 0.8 }]);
    const short = await cli(['metrics', R1.slice(0, 8), 'acc', '--tracking-uri', mlruns]);
    assert.equal(short.code, 0);
    assert.match(short.stdout, /^\s+1\s+1970-01-01T00:00:02Z\s+0\.8$/m);
    const nan = await cli(['metrics', R3, 'odd', '--tracking-uri', mlruns, '--json']);
    assert.deepEqual(JSON.parse(nan.stdout), [{ step: 0, timestamp: 3000, value: 'NaN' }]);
  });

  it('exits 2 when the run or the metric is not there', async () => {
    const noRun = await cli(['metrics', '0123456789', 'acc', '--tracking-uri', mlruns]);
    assert.equal(noRun.code, 2);
    assert.match(noRun.stderr, /no run with id '0123456789'/);
    const noKey = await cli(['metrics', R1, 'f1', '--tracking-uri', mlruns]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /has no metric 'f1'\. Its metrics: acc, loss/);
    const missingArg = await cli(['metrics', R1, '--tracking-uri', mlruns]);
    assert.equal(missingArg.code, 2);
    assert.match(missingArg.stderr, /missing KEY/);
  });
});
