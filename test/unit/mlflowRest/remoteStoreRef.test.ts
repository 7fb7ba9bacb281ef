import assert from 'node:assert/strict';
import { remoteStoreRef } from '../../../src/core/discovery/trackingUri';
import { StoreError } from '../../../src/core/runs/types';

describe('remoteStoreRef', function () {
  it('normalizes the server URL: lower-case host, no trailing slash, no query or fragment; the path prefix stays', () => {
    assert.deepEqual(remoteStoreRef(' HTTP://MLflow.Example.com:5000/ '), { kind: 'mlflow-rest', uri: 'http://mlflow.example.com:5000', path: 'http://mlflow.example.com:5000' });
    assert.equal(remoteStoreRef('https://host/team/mlflow//?x=1#/experiments').uri, 'https://host/team/mlflow');
    assert.equal(remoteStoreRef('https://host:443/').uri, 'https://host');
  });

  it('refuses a user name or password in the URL, without repeating the password', () => {
    assert.throws(() => remoteStoreRef('https://ana:hunter2@host/'), (e: Error) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, /has a user name or password in it/);
      assert.match(e.message, /MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
      assert.doesNotMatch(e.message + (e as StoreError).file, /hunter2/);
      return true;
    });
  });

  it('refuses schemes it cannot read', () => {
    assert.throws(() => remoteStoreRef('databricks://profile'), /only http:\/\/ and https:\/\//);
  });
});
