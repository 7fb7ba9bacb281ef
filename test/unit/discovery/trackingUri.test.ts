import assert from 'node:assert/strict';
import { parseTrackingUri, storeRefFor } from '../../../src/core/discovery/trackingUri';
import { parseDotEnv } from '../../../src/core/discovery/dotEnv';

describe('parseTrackingUri', () => {
  const cwd = '/work/proj';

  it('reads plain paths to an mlruns folder or a .db file', () => {
    assert.deepEqual(parseTrackingUri('mlruns', cwd), { kind: 'mlflow-file', path: '/work/proj/mlruns', uri: 'file:///work/proj/mlruns' });
    assert.deepEqual(parseTrackingUri('/data/runs', cwd), { kind: 'mlflow-file', path: '/data/runs', uri: 'file:///data/runs' });
    assert.deepEqual(parseTrackingUri('./db/mlflow.db', cwd), { kind: 'mlflow-sqlite', path: '/work/proj/db/mlflow.db', uri: 'sqlite:////work/proj/db/mlflow.db' });
  });

  it('reads file: URIs, absolute and relative', () => {
    assert.equal(parseTrackingUri('file:///abs/mlruns', cwd).path, '/abs/mlruns');
    assert.equal(parseTrackingUri('file:///abs/my%20runs', cwd).path, '/abs/my runs');
    assert.equal(parseTrackingUri('file:///abs/my%20runs', cwd).uri, 'file:///abs/my%20runs');
    assert.equal(parseTrackingUri('file:mlruns', cwd).path, '/work/proj/mlruns');
    assert.equal(parseTrackingUri('file://localhost/abs/mlruns', cwd).path, '/abs/mlruns');
  });

  it('reads sqlite: three slashes relative to cwd, four absolute', () => {
    assert.deepEqual(parseTrackingUri('sqlite:///mlflow.db', cwd), { kind: 'mlflow-sqlite', path: '/work/proj/mlflow.db', uri: 'sqlite:////work/proj/mlflow.db' });
    assert.deepEqual(parseTrackingUri('sqlite:////abs/x/mlflow.db', cwd), { kind: 'mlflow-sqlite', path: '/abs/x/mlflow.db', uri: 'sqlite:////abs/x/mlflow.db' });
    assert.equal(parseTrackingUri('sqlite:///sub/m.db', cwd).path, '/work/proj/sub/m.db');
  });

  it('throws a StoreError with a clear message for unsupported or malformed URIs', () => {
    for (const [uri, why] of [
      ['http://localhost:5000', /remote tracking servers/],
      ['postgresql://u@h/db', /"postgresql" scheme is not a local store/],
      ['sqlite://mlflow.db', /three slashes/],
      ['sqlite:///:memory:', /in-memory/],
      ['file://otherhost/x', /Use file:\/\/\/absolute/],
      ['   ', /empty/],
    ] as const) {
      assert.throws(() => parseTrackingUri(uri, cwd), (err: Error) => err.name === 'StoreError' && why.test(err.message), uri);
    }
  });

  it('makes canonical refs', () => {
    assert.deepEqual(storeRefFor('mlflow-sqlite', '/a/b.db'), { kind: 'mlflow-sqlite', path: '/a/b.db', uri: 'sqlite:////a/b.db' });
    assert.equal(storeRefFor('mlflow-file', '/a/mlruns/').uri, 'file:///a/mlruns');
  });
});

describe('parseDotEnv', () => {
  it('reads KEY=VALUE lines with export, quotes and comments', () => {
    const env = parseDotEnv([
      '# a comment',
      'export MLFLOW_TRACKING_URI="sqlite:///db/mlflow.db"',
      "SINGLE='a # not a comment'",
      'PLAIN=value # comment',
      'SPACED = x y ',
      'ESC="a\\"b\\nc"',
      'not a pair',
      '',
    ].join('\r\n'));
    assert.deepEqual(env, { MLFLOW_TRACKING_URI: 'sqlite:///db/mlflow.db', SINGLE: 'a # not a comment', PLAIN: 'value', SPACED: 'x y', ESC: 'a"b\nc' });
  });
});
