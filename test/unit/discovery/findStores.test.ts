import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findStores } from '../../../src/core/discovery/findStores';
import type { StoreDetector } from '../../../src/core/discovery/storeDetectors';

const FIXTURE = path.join(process.cwd(), 'test', 'fixtures', 'handmade', 'mlruns');
const SQLITE_HEADER = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]);

describe('findStores', () => {
  let ws: string;
  beforeEach(async () => {
    ws = await mkdtemp(path.join(tmpdir(), 'mlops-ws-'));
  });
  afterEach(() => rm(ws, { recursive: true, force: true }));

  const put = async (rel: string, content: string | Buffer = '') => {
    await mkdir(path.dirname(path.join(ws, rel)), { recursive: true });
    await writeFile(path.join(ws, rel), content);
  };
  const paths = (r: { stores: { path: string }[] }) => r.stores.map((s) => path.relative(ws, s.path));

  it('finds mlruns folders and mlflow.db files at any depth, sorted', async () => {
    await cp(FIXTURE, path.join(ws, 'mlruns'), { recursive: true });
    await put('exp/b/mlruns/0/meta.yaml', "experiment_id: '0'\nname: Default\n");
    await put('exp/a/mlruns/.trash/.keep');
    await put('exp/c/mlruns/5/meta.yaml', "experiment_id: '5'\nname: x\n");
    await put('tracking/mlflow.db', SQLITE_HEADER);
    const r = await findStores(ws);
    assert.deepEqual(paths(r), ['exp/a/mlruns', 'exp/b/mlruns', 'exp/c/mlruns', 'mlruns', 'tracking/mlflow.db']);
    assert.deepEqual(r.stores.map((s) => s.kind), ['mlflow-file', 'mlflow-file', 'mlflow-file', 'mlflow-file', 'mlflow-sqlite']);
    assert.equal(r.stores[4].uri, `sqlite:///${path.join(ws, 'tracking/mlflow.db')}`);
    assert.deepEqual(r.problems, []);
  });

  it('does not descend into a found mlruns folder, and ignores an mlruns that is not a store', async () => {
    await put('mlruns/0/meta.yaml');
    await put('mlruns/0/nested/mlruns/0/meta.yaml');
    await put('docs/mlruns/readme.txt');
    const r = await findStores(ws);
    assert.deepEqual(paths(r), ['mlruns']);
  });

  it('skips node_modules, .venv, site-packages and any virtual environment', async () => {
    await put('node_modules/pkg/mlruns/0/meta.yaml');
    await put('.venv/lib/mlruns/0/meta.yaml');
    await put('lib/python3.12/site-packages/x/mlflow.db', SQLITE_HEADER);
    await put('myenv/pyvenv.cfg', 'home = /usr/bin');
    await put('myenv/share/mlruns/0/meta.yaml');
    await put('src/mlruns/0/meta.yaml');
    const r = await findStores(ws);
    assert.deepEqual(paths(r), ['src/mlruns']);
  });

  it('bounds the depth and the number of entries', async () => {
    await put('a/b/c/d/mlruns/0/meta.yaml');
    assert.deepEqual(paths(await findStores(ws, { maxDepth: 3 })), []);
    assert.deepEqual(paths(await findStores(ws, { maxDepth: 4 })), ['a/b/c/d/mlruns']);
    for (let i = 0; i < 50; i++) await put(`many/f${i}.txt`);
    const bounded = await findStores(ws, { maxEntries: 20 });
    assert.deepEqual(bounded.stores, []);
    assert.match(bounded.problems[0].message, /Stopped looking .* after 20/);
  });

  it('reports an mlflow.db that is not SQLite', async () => {
    await put('mlflow.db', 'hello, not a database');
    const r = await findStores(ws);
    assert.deepEqual(r.stores, []);
    assert.equal(r.problems[0].file, path.join(ws, 'mlflow.db'));
    assert.match(r.problems[0].message, /not a SQLite database/);
  });

  it('takes an mlflow.db that is empty or half-written as a store: MLflow is creating it', async () => {
    await put('a/mlflow.db', '');
    await put('b/mlflow.db', 'SQLite for');
    const r = await findStores(ws);
    assert.deepEqual(r.stores.map((s) => path.relative(ws, s.path)), [path.join('a', 'mlflow.db'), path.join('b', 'mlflow.db')]);
    assert.deepEqual(r.problems, []);
  });

  it('adds the store named by MLFLOW_TRACKING_URI, de-duplicated by real path', async () => {
    await put('runs/0/meta.yaml');
    await put('mlruns/0/meta.yaml');
    await symlink(path.join(ws, 'mlruns'), path.join(ws, 'alias'));
    const viaEnv = await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'file:runs' } });
    assert.deepEqual(paths(viaEnv), ['mlruns', 'runs']);
    const dup = await findStores(ws, { env: { MLFLOW_TRACKING_URI: path.join(ws, 'alias') } });
    assert.equal(dup.stores.length, 1, 'the symlinked alias is the same store');
    const remote = await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'https://MLflow.example.com/team/' } });
    assert.deepEqual(remote.problems, []);
    assert.deepEqual(remote.stores.map((s) => [s.kind, s.uri]), [['mlflow-file', pathToFileURL(path.join(ws, 'mlruns')).href], ['mlflow-rest', 'https://mlflow.example.com/team']]);
    const databricks = await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'databricks://my-profile' } });
    assert.match(databricks.problems[0]?.message ?? '', /only http:\/\/ and https:\/\//);
  });

  it('finds log folders through the detectors, one store per kind and root', async () => {
    await put('exp/dvclive/metrics.json', '{}');
    await put('exp/dvclive/plots/metrics/loss.tsv', 'timestamp\tstep\tloss\n');
    await put('tb/runs/a/events.out.tfevents.1', '');
    await put('tb/runs/b/events.out.tfevents.2', '');
    await put('tb/runs/b/hparams/events.out.tfevents.3', ''); // its parent b/ is inside the store tb/runs
    const detectors: StoreDetector[] = [
      { kind: 'dvclive', detect: async (dir, names) => (path.basename(dir) === 'dvclive' && names.has('metrics.json') ? dir : undefined) },
      { kind: 'tensorboard', detect: async (dir, names) => ([...names].some((n) => n.startsWith('events.out.tfevents.')) ? path.dirname(dir) : undefined) },
      { kind: 'lightning-csv', detect: async () => { throw new Error('a detector that fails is ignored'); } },
    ];
    const found = await findStores(ws, { detectors });
    assert.deepEqual(found.stores.map((s) => [s.kind, path.relative(ws, s.path), s.uri.split('://')[0]]), [
      ['dvclive', 'exp/dvclive', 'dvclive'],
      ['tensorboard', 'tb/runs', 'tensorboard'],
    ]);
    assert.equal(found.stores[1].uri, `tensorboard://${path.join(ws, 'tb/runs')}`);
  });

  it('prefers the setting over the environment over .env', async () => {
    await put('a/0/meta.yaml');
    await put('b/0/meta.yaml');
    await put('c/tracking.db', SQLITE_HEADER);
    await put('.env', '# settings\nexport MLFLOW_TRACKING_URI="sqlite:///c/tracking.db"\n');
    assert.deepEqual(paths(await findStores(ws)), ['c/tracking.db']);
    assert.deepEqual(paths(await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'a' } })), ['a']);
    assert.deepEqual(paths(await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'a' }, trackingUri: 'file:b' })), ['b']);
  });

  it('reports a configured store that is malformed or missing', async () => {
    const bad = await findStores(ws, { trackingUri: 'postgresql://db/x' });
    assert.match(bad.problems[0].message, /mlops\.trackingUri/);
    const missing = await findStores(ws, { env: { MLFLOW_TRACKING_URI: 'sqlite:///nope.db' } });
    assert.match(missing.problems[0].message, /not an mlflow\.db file/);
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(findStores(ws, { signal: ac.signal }), { name: 'AbortError' });
  });
});
