import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import type { ExperimentJson, MetricPointJson, RunJson } from '../../../src/cli/runJson';
import { startStub, type Stub, type StubRequest } from './stubServer';

const RUN_ID = 'f'.repeat(32);

function answer(req: StubRequest) {
  if (req.headers.authorization !== 'Bearer sesame') return { status: 401, text: 'Unauthorized' };
  if (req.path.endsWith('/experiments/search')) return { json: { experiments: [{ experiment_id: '3', name: 'remote', lifecycle_stage: 'active', creation_time: 5 }] } };
  if (req.path.endsWith('/runs/search')) {
    return {
      json: {
        runs: [{
          info: { run_id: RUN_ID, run_name: 'far-away', experiment_id: '3', status: 'FINISHED', start_time: 10, end_time: 20, lifecycle_stage: 'active', user_id: 'u' },
          data: { metrics: [{ key: 'loss', value: 0.5, timestamp: 11, step: 1 }], params: [{ key: 'lr', value: '0.1' }], tags: [] },
        }],
      },
    };
  }
  if (req.path.endsWith('/metrics/get-history')) {
    return { json: { metrics: [{ key: 'loss', value: 'NaN', timestamp: 10, step: 0 }, { key: 'loss', value: 0.5, timestamp: 11, step: 1 }] } };
  }
  return { status: 404, text: 'no' };
}

describe('CLI with --tracking-uri http://... (in-process, against a stub server)', function () {
  let stub: Stub;
  before(async () => (stub = await startStub(answer)));
  after(() => stub.close());

  async function cli(args: string[], env: Record<string, string>) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd: '/' });
    return { code, stdout, stderr };
  }

  it('lists runs and experiments with the token from MLFLOW_TRACKING_TOKEN', async () => {
    const runs = await cli(['runs', '--tracking-uri', `${stub.url}/`, '--json'], { MLFLOW_TRACKING_TOKEN: 'sesame' });
    assert.equal(runs.code, 0, runs.stderr);
    const parsed = JSON.parse(runs.stdout) as RunJson[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].runName, 'far-away');
    assert.equal(parsed[0].experimentName, 'remote');
    assert.deepEqual(parsed[0].store, { kind: 'mlflow-rest', uri: stub.url });
    assert.deepEqual(parsed[0].metrics, { loss: 0.5 });

    const exps = await cli(['experiments', '--json'], { MLFLOW_TRACKING_URI: stub.url, MLFLOW_TRACKING_TOKEN: 'sesame' });
    assert.equal(exps.code, 0, exps.stderr);
    assert.deepEqual((JSON.parse(exps.stdout) as ExperimentJson[]).map((e) => e.name), ['remote']);
  });

  it('prints a metric history from the server', async () => {
    const res = await cli(['metrics', RUN_ID.slice(0, 8), 'loss', '--tracking-uri', stub.url, '--json'], { MLFLOW_TRACKING_TOKEN: 'sesame' });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout) as MetricPointJson[], [{ step: 0, timestamp: 10, value: 'NaN' }, { step: 1, timestamp: 11, value: 0.5 }]);
  });

  it('a refused token: exit code 2 and a message saying what to set', async () => {
    const res = await cli(['runs', '--tracking-uri', stub.url], { MLFLOW_TRACKING_TOKEN: 'wrong' });
    assert.equal(res.code, 2);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, new RegExp(`error: ${stub.url.replace(/[.]/g, '\\.')}: The tracking server refused the credentials \\(a bearer token; HTTP 401 Unauthorized\\)`));
    assert.match(res.stderr, /MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
  });

  it('half-set credentials are warned about', async () => {
    const res = await cli(['runs', '--tracking-uri', stub.url], { MLFLOW_TRACKING_USERNAME: 'ana' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /warning: .*MLFLOW_TRACKING_USERNAME is set without MLFLOW_TRACKING_PASSWORD/);
    assert.match(res.stderr, /asks for credentials \(HTTP 401 Unauthorized\) and none are set/);
  });
});
