import assert from 'node:assert/strict';
import { authorizationHeader, credentialsFromEnv, envFlag, timeoutFromEnv } from '../../../src/core/mlflow/rest/trackingAuth';

describe('tracking server credentials', function () {
  it('username and password win over a token, as in MLflow\'s client', () => {
    const env = { MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 'tok' };
    assert.deepEqual(credentialsFromEnv(env), { credentials: { kind: 'basic', username: 'ana', password: 'pw' } });
  });

  it('a token alone is a bearer token', () => {
    const { credentials, problem } = credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: 'tok' });
    assert.deepEqual(credentials, { kind: 'token', token: 'tok' });
    assert.equal(problem, undefined);
    assert.equal(authorizationHeader(credentials!), 'Bearer tok');
  });

  it('half of a username/password pair is reported, not silently dropped', () => {
    assert.match(credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: 'ana' }).problem ?? '', /MLFLOW_TRACKING_USERNAME is set without MLFLOW_TRACKING_PASSWORD: no credentials are sent/);
    const withToken = credentialsFromEnv({ MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 't' });
    assert.deepEqual(withToken.credentials, { kind: 'token', token: 't' });
    assert.match(withToken.problem ?? '', /MLFLOW_TRACKING_PASSWORD is set without MLFLOW_TRACKING_USERNAME: the token .* is sent instead/);
    assert.deepEqual(credentialsFromEnv({}), { problem: undefined });
  });

  it('basic auth is UTF-8 user:password in base64', () => {
    assert.equal(authorizationHeader({ kind: 'basic', username: 'jörg', password: 'a:b' }), `Basic ${Buffer.from('jörg:a:b', 'utf8').toString('base64')}`);
  });

  it('MLFLOW_HTTP_REQUEST_TIMEOUT is seconds; MLflow\'s booleans are true/1', () => {
    assert.equal(timeoutFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: '2.5' }), 2500);
    assert.equal(timeoutFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon' }), undefined);
    assert.equal(timeoutFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: '0' }), undefined);
    assert.equal(envFlag('TRUE'), true);
    assert.equal(envFlag('1'), true);
    assert.equal(envFlag('false'), false);
    assert.equal(envFlag(undefined), false);
  });
});
