import assert from 'node:assert/strict';
import { remoteStoreRef } from '../../../src/core/discovery/trackingUri';
import { MlflowRestReader } from '../../../src/core/mlflow/rest/mlflowRestReader';
import { MlflowRestClient } from '../../../src/core/mlflow/rest/restClient';
import { MlflowRestError, type RestFailureKind } from '../../../src/core/mlflow/rest/restErrors';
import { StoreError } from '../../../src/core/runs/types';
import { closedPort, startStub, type Stub, type StubAnswer } from './stubServer';

const EXPERIMENTS = { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] };

/** Runs readAll against a server answering every request with `answer`; returns the error it rejects with. */
async function failure(answer: StubAnswer | ((n: number) => StubAnswer), opts: ConstructorParameters<typeof MlflowRestReader>[1] = {}): Promise<{ error: MlflowRestError; stub: Stub }> {
  let n = 0;
  const stub = await startStub(() => (typeof answer === 'function' ? answer(n++) : answer));
  const reader = new MlflowRestReader(remoteStoreRef(stub.url), { retries: 0, ...opts });
  try {
    await reader.readAll();
  } catch (e) {
    assert.ok(e instanceof MlflowRestError, `expected an MlflowRestError, got ${String(e)}`);
    assert.ok(e instanceof StoreError, 'the CLI and the catalog treat it as an unusable store');
    return { error: e, stub };
  } finally {
    await reader.close();
    await stub.close();
  }
  throw new Error('readAll did not fail');
}

function expectKind(error: MlflowRestError, kind: RestFailureKind, message: RegExp): void {
  assert.equal(error.kind, kind, error.message);
  assert.match(error.message, message);
}

describe('MlflowRestReader against bad servers', function () {
  it('401 without credentials: says credentials are needed and how to set them', async () => {
    const { error } = await failure({ status: 401, text: 'You are not authenticated.', headers: { 'www-authenticate': 'Basic realm="mlflow"' } });
    expectKind(error, 'auth', /asks for credentials \(HTTP 401 Unauthorized\) and none are set/);
    assert.match(error.message, /MLOps: Set Tracking Server Credentials/);
    assert.match(error.message, /MLFLOW_TRACKING_TOKEN/);
    assert.match(error.message, /MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
    assert.equal(error.status, 401);
    assert.equal(error.retryable, false);
  });

  it('401 with credentials: says they were refused, naming the user but never the password', async () => {
    const { error } = await failure({ status: 401, text: 'bad' }, { credentials: { kind: 'basic', username: 'ana', password: 's3cret-pw' } });
    expectKind(error, 'auth', /refused the credentials \(user "ana" \(basic auth\); HTTP 401/);
    assert.doesNotMatch(error.message, /s3cret-pw/);
  });

  it('403: says the user may lack permission', async () => {
    const { error } = await failure({ status: 403, json: { error_code: 'PERMISSION_DENIED', message: 'Permission denied' } }, { credentials: { kind: 'token', token: 'tok-123' } });
    expectKind(error, 'auth', /denied access to a bearer token \(HTTP 403 Forbidden\)/);
    assert.doesNotMatch(error.message, /tok-123/);
    assert.equal(error.errorCode, 'PERMISSION_DENIED');
  });

  it('a 404 page: not an MLflow server or a wrong path', async () => {
    const { error } = await failure({ status: 404, text: '<!doctype html><html><title>404 Not Found</title><h1>Not Found</h1></html>', headers: { 'content-type': 'text/html' } });
    expectKind(error, 'not-mlflow', /has no MLflow API \(POST \/api\/2\.0\/mlflow\/experiments\/search answered HTTP 404 Not Found\): it is not an MLflow tracking server, or the URL's path is wrong/);
  });

  it('500 with MLflow JSON: passes on the server message', async () => {
    const { error } = await failure({ status: 500, json: { error_code: 'INTERNAL_ERROR', message: 'database is locked' } });
    expectKind(error, 'server', /failed on POST \/api\/2\.0\/mlflow\/experiments\/search \(HTTP 500 Internal Server Error\): database is locked/);
    assert.equal(error.retryable, true);
  });

  it('503 twice then 200: retried, and the read succeeds', async () => {
    let n = 0;
    const stub = await startStub(() => (n++ < 2 ? { status: 503, text: 'busy', headers: { 'retry-after': '0' } } : { json: EXPERIMENTS }));
    const reader = new MlflowRestReader(remoteStoreRef(stub.url));
    try {
      const snap = await reader.readAll();
      assert.equal(snap.experiments.length, 1);
      assert.equal(stub.requests.filter((r) => r.path.endsWith('/experiments/search')).length, 3);
    } finally {
      await reader.close();
      await stub.close();
    }
  });

  it('502 every time: gives up after the retries and says a proxy could not reach MLflow', async () => {
    const { error, stub } = await failure({ status: 502, text: '<html><body>Bad Gateway</body></html>', headers: { 'retry-after': '0' } }, { retries: 2 });
    expectKind(error, 'server', /HTTP 502 Bad Gateway\) \(a proxy in front of MLflow could not reach it/);
    assert.equal(stub.requests.length, 3);
  });

  it('HTML with status 200 (a sign-in page): says it is not MLflow JSON', async () => {
    const { error } = await failure({ status: 200, text: '<html><head><title>Sign in</title></head><body>Please sign in</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } });
    expectKind(error, 'not-mlflow', /answered POST \/api\/2\.0\/mlflow\/experiments\/search with an HTML page, not MLflow's JSON \("Sign in Please sign in"\)/);
  });

  it('broken JSON: says so, with the start of the body', async () => {
    const { error } = await failure({ status: 200, text: '{"experiments": [', headers: { 'content-type': 'application/json' } });
    expectKind(error, 'not-mlflow', /not MLflow's JSON \(.*JSON.*\): \{"experiments": \[/);
  });

  it('a redirect: not followed, and the target is named', async () => {
    const { error, stub } = await failure({ status: 302, headers: { location: 'https://sso.example.com/login' } });
    expectKind(error, 'not-mlflow', /redirects POST \/api\/2\.0\/mlflow\/experiments\/search to https:\/\/sso\.example\.com\/login \(HTTP 302 Found\)/);
    assert.equal(stub.requests.length, 1);
  });

  it('a 400 from MLflow: the request was refused, with MLflow\'s message', async () => {
    const { error } = await failure((n) => (n === 0 ? { json: EXPERIMENTS } : { status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid page token' } }));
    expectKind(error, 'bad-request', /refused POST \/api\/2\.0\/mlflow\/runs\/search \(HTTP 400 Bad Request\): Invalid page token/);
  });

  it('connection refused: nothing is listening there', async () => {
    const port = await closedPort();
    const reader = new MlflowRestReader(remoteStoreRef(`http://127.0.0.1:${port}`));
    await assert.rejects(reader.readAll(), (e: MlflowRestError) => {
      expectKind(e, 'unreachable', new RegExp(`Nothing is listening at 127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
      return true;
    });
  });

  it('a server that cuts the connection: said plainly, after a retry', async () => {
    const { error, stub } = await failure('destroy', { retries: 1 });
    expectKind(error, 'unreachable', /closed the connection/);
    assert.equal(stub.requests.length, 2);
  });

  it('a server that never answers: times out per request, quickly, and says so', async () => {
    const t0 = performance.now();
    const { error } = await failure('hang', { timeoutMs: 300 });
    const ms = performance.now() - t0;
    expectKind(error, 'timeout', /did not answer POST \/api\/2\.0\/mlflow\/experiments\/search within 0\.3 s/);
    assert.ok(ms < 3000, `took ${ms} ms`);
  });

  it('a caller abort stops a hanging request with an AbortError, not a server error', async () => {
    const stub = await startStub(() => 'hang');
    const reader = new MlflowRestReader(remoteStoreRef(stub.url), { timeoutMs: 60_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    try {
      await assert.rejects(reader.readAll(ac.signal), (e: Error) => e.name === 'AbortError' && !(e instanceof MlflowRestError));
    } finally {
      await reader.close();
      await stub.close();
    }
  });

  it('close() stops the requests in flight', async () => {
    const stub = await startStub(() => 'hang');
    const reader = new MlflowRestReader(remoteStoreRef(stub.url), { timeoutMs: 60_000 });
    try {
      const pending = reader.metricHistory('a'.repeat(32), 'loss');
      setTimeout(() => void reader.close(), 50);
      await assert.rejects(pending, (e: Error) => e.name === 'AbortError' && /was closed/.test(e.message));
      await assert.rejects(reader.readAll(), /was closed/);
    } finally {
      await stub.close();
    }
  });

  it('a run that is gone: metricHistory rejects with not-found, MLflow\'s message kept', async () => {
    const stub = await startStub(() => ({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=zz not found' } }));
    const reader = new MlflowRestReader(remoteStoreRef(stub.url));
    try {
      await assert.rejects(reader.metricHistory('zz', 'loss'), (e: MlflowRestError) => {
        expectKind(e, 'not-found', /found nothing for GET \/api\/2\.0\/mlflow\/metrics\/get-history \(HTTP 404 Not Found\): Run with id=zz not found/);
        assert.equal(e.errorCode, 'RESOURCE_DOES_NOT_EXIST');
        return true;
      });
    } finally {
      await reader.close();
      await stub.close();
    }
  });

  it('readRuns rejects on a server error (a missing run alone is left out)', async () => {
    const stub = await startStub(() => ({ status: 500, json: { error_code: 'INTERNAL_ERROR', message: 'boom' } }));
    const reader = new MlflowRestReader(remoteStoreRef(stub.url), { retries: 0 });
    try {
      await assert.rejects(reader.readRuns(['a'.repeat(32)]), (e: MlflowRestError) => e.kind === 'server' && /boom/.test(e.message));
    } finally {
      await reader.close();
      await stub.close();
    }
  });
});

describe('MlflowRestClient', function () {
  it('keeps a path prefix, drops a trailing slash, and sends query values that are set', async () => {
    const stub = await startStub(() => ({ json: { ok: true } }));
    try {
      const client = new MlflowRestClient(`${stub.url}/prefix/`);
      assert.equal(client.server, `${stub.url}/prefix`);
      assert.deepEqual(await client.get('x/y', { a: 1, b: undefined }), { ok: true });
      assert.equal(stub.requests[0].path, '/prefix/api/2.0/mlflow/x/y');
      assert.equal(stub.requests[0].query.toString(), 'a=1');
      assert.equal(stub.requests[0].headers.authorization, undefined);
    } finally {
      await stub.close();
    }
  });

  it('refuses a URL with a password in it (it would be shown in messages)', () => {
    assert.throws(() => new MlflowRestClient('http://u:p@127.0.0.1:1'), /user name or password/);
    assert.throws(() => new MlflowRestReader({ kind: 'mlflow-rest', uri: 'http://u:p@127.0.0.1:1', path: 'http://u:p@127.0.0.1:1' }), (e: Error) => e instanceof StoreError);
  });

  it('asks a credentials provider at each request, so new credentials apply at once', async () => {
    const stub = await startStub(() => ({ json: {} }));
    try {
      let token = 'first';
      const client = new MlflowRestClient(stub.url, { credentials: async () => ({ kind: 'token', token }) });
      await client.get('a', {});
      token = 'second';
      await client.get('a', {});
      assert.deepEqual(stub.requests.map((r) => r.headers.authorization), ['Bearer first', 'Bearer second']);
    } finally {
      await stub.close();
    }
  });

  it('sends the credentials, the JSON body and extra headers', async () => {
    const stub = await startStub(() => ({ json: {} }));
    try {
      const client = new MlflowRestClient(stub.url, { credentials: { kind: 'token', token: 'abc' }, headers: { 'X-MLFLOW-WORKSPACE': 'team-a' } });
      await client.post('runs/search', { max_results: 1 });
      assert.equal(stub.requests[0].headers.authorization, 'Bearer abc');
      assert.equal(stub.requests[0].headers['x-mlflow-workspace'], 'team-a');
      assert.equal(stub.requests[0].headers['content-type'], 'application/json');
      assert.deepEqual(stub.requests[0].body, { max_results: 1 });
    } finally {
      await stub.close();
    }
  });
});
