import assert from 'node:assert/strict';
import { remoteStoreRef } from '../../../src/core/discovery/trackingUri';
import { MlflowRestReader } from '../../../src/core/mlflow/rest/mlflowRestReader';
import type { RestExperiment, RestRun } from '../../../src/core/mlflow/rest/restJson';
import { openStore } from '../../../src/core/runs/openStore';
import { startStub, type Stub, type StubAnswer, type StubRequest } from './stubServer';

const T0 = 1_767_225_600_000;
const id = (c: string) => c.repeat(32);

const EXPERIMENTS: RestExperiment[] = [
  { experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0', lifecycle_stage: 'active', creation_time: T0, last_update_time: T0 },
  { experiment_id: '1', name: 'vision', lifecycle_stage: 'active', creation_time: String(T0 + 1), tags: [{ key: 'team', value: 'cv' }, { key: 'empty' }] },
  { experiment_id: '2', name: 'old', lifecycle_stage: 'deleted' },
];

/** Runs as MLflow's server writes them, with the odd cases a server or proxy may send. */
const RUNS: RestRun[] = [
  {
    info: { run_id: id('a'), run_uuid: id('a'), run_name: 'resnet', experiment_id: '1', user_id: 'ana', status: 'FINISHED', start_time: T0 + 100, end_time: T0 + 200, artifact_uri: 'mlflow-artifacts:/1/a/artifacts', lifecycle_stage: 'active' },
    data: {
      metrics: [
        { key: 'loss', value: 0.25, timestamp: T0 + 150, step: 9 },
        { key: 'nan', value: 'NaN', timestamp: T0 + 151, step: 1 },
        { key: 'inf', value: 'Infinity', timestamp: String(T0 + 152), step: '2' },
        { key: 'ninf', value: '-Infinity', timestamp: T0 + 153 },
      ],
      params: [{ key: 'lr', value: '0.1' }, { key: 'model/depth', value: '3' }, { key: 'blank' }, { key: '__proto__', value: 'p' }],
      tags: [{ key: 'mlflow.runName', value: 'resnet' }, { key: 'team', value: 'cv' }],
    },
  },
  {
    // A child run without run_name (old servers): named from the tag; still running, so no end_time.
    info: { run_uuid: id('b'), experiment_id: '1', status: 'RUNNING', start_time: String(T0 + 300), lifecycle_stage: 'active' },
    data: { tags: [{ key: 'mlflow.runName', value: 'child' }, { key: 'mlflow.parentRunId', value: id('a') }] },
  },
  // end_time 0 is "no end time", as MLflow's RunInfo.from_proto reads it; an unknown status is SCHEDULED.
  { info: { run_id: id('c'), run_name: 'odd', experiment_id: '0', status: 'PAUSED', start_time: T0 + 50, end_time: 0, lifecycle_stage: 'deleted' } },
  { info: { run_id: id('d'), run_name: 'ancient', experiment_id: '2', status: 'KILLED', start_time: T0 + 10, lifecycle_stage: 'active' } },
  { info: { run_name: 'no id', experiment_id: '0', status: 'FINISHED' } },
];

function page<T>(items: T[], token: string | null, size: number): { items: T[]; next?: string } {
  const offset = token ? Number(token) : 0;
  const next = offset + size < items.length ? String(offset + size) : undefined;
  return { items: items.slice(offset, offset + size), next };
}

/** A fake MLflow API over EXPERIMENTS and RUNS, paging by small pages to exercise the tokens. */
function fakeMlflow(req: StubRequest): StubAnswer {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (req.path === '/api/2.0/mlflow/experiments/search' && req.method === 'POST') {
    const p = page(EXPERIMENTS, (body.page_token as string) ?? null, 2);
    return { json: { experiments: p.items, next_page_token: p.next } };
  }
  if (req.path === '/api/2.0/mlflow/runs/search' && req.method === 'POST') {
    const ids = new Set(body.experiment_ids as string[]);
    const runs = RUNS.filter((r) => ids.has(r.info?.experiment_id ?? ''));
    const p = page(runs, (body.page_token as string) ?? null, 2);
    return { json: { runs: p.items, next_page_token: p.next } };
  }
  if (req.path === '/api/2.0/mlflow/runs/get' && req.method === 'GET') {
    const run = RUNS.find((r) => (r.info?.run_id ?? r.info?.run_uuid) === req.query.get('run_id'));
    if (!run) return { status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${req.query.get('run_id')} not found` } };
    return { json: { run }, delayMs: 20 };
  }
  if (req.path === '/api/2.0/mlflow/metrics/get-history' && req.method === 'GET') {
    // Three points per page; the server's order (timestamp, step) is kept as is.
    const all = Array.from({ length: 7 }, (_, i) => ({ key: req.query.get('metric_key'), value: i === 3 ? 'NaN' : i / 10, timestamp: T0 + i, step: 6 - i }));
    const p = page(all, req.query.get('page_token'), 3);
    return { json: { metrics: p.items, next_page_token: p.next } };
  }
  return { status: 404, text: '<!doctype html><title>404 Not Found</title>' };
}

describe('MlflowRestReader', function () {
  let stub: Stub;
  let reader: MlflowRestReader;

  beforeEach(async () => {
    stub = await startStub(fakeMlflow);
    reader = new MlflowRestReader(remoteStoreRef(stub.url + '/'), { credentials: { kind: 'token', token: 't0k' } });
  });
  afterEach(async () => {
    await reader.close();
    await stub.close();
  });

  it('lists every experiment and run over all pages, with ViewType ALL, as our other readers map them', async () => {
    const snap = await reader.readAll();
    assert.equal(snap.store.uri, stub.url);
    assert.equal(snap.store.kind, 'mlflow-rest');
    assert.deepEqual(snap.experiments.map((e) => e.experimentId), ['0', '1', '2']);
    const vision = snap.experiments[1];
    assert.equal(vision.creationTime, T0 + 1);
    assert.equal(vision.lastUpdateTime, null);
    assert.equal(vision.artifactLocation, null);
    assert.deepEqual(vision.tags, { team: 'cv', empty: '' });
    assert.equal(snap.experiments[2].lifecycleStage, 'deleted');

    // Newest first, as MLflow orders runs; the run without an id is left out and reported.
    assert.deepEqual(snap.runs.map((r) => r.runId), [id('b'), id('a'), id('c'), id('d')]);
    const a = snap.runs[1];
    assert.equal(a.runName, 'resnet');
    assert.equal(a.status, 'FINISHED');
    assert.equal(a.startTime, T0 + 100);
    assert.equal(a.endTime, T0 + 200);
    assert.equal(a.userId, 'ana');
    assert.equal(a.artifactUri, 'mlflow-artifacts:/1/a/artifacts');
    assert.equal(a.params.lr, '0.1');
    assert.equal(a.params.blank, '');
    assert.ok(Object.prototype.hasOwnProperty.call(a.params, '__proto__'), 'a __proto__ key is data, not a prototype');
    assert.equal(Object.getPrototypeOf(a.params), Object.prototype);
    assert.deepEqual(a.metrics.loss, { value: 0.25, step: 9, timestamp: T0 + 150 });
    assert.ok(Number.isNaN(a.metrics.nan.value));
    assert.deepEqual(a.metrics.inf, { value: Infinity, step: 2, timestamp: T0 + 152 });
    assert.deepEqual(a.metrics.ninf, { value: -Infinity, step: 0, timestamp: T0 + 153 });
    assert.equal(a.parentRunId, null);

    const b = snap.runs[0];
    assert.equal(b.runName, 'child');
    assert.equal(b.parentRunId, id('a'));
    assert.equal(b.endTime, null);
    assert.equal(b.startTime, T0 + 300);
    assert.equal(b.userId, null);

    const c = snap.runs[2];
    assert.equal(c.status, 'SCHEDULED');
    assert.equal(c.endTime, null);
    assert.equal(c.lifecycleStage, 'deleted');
    assert.equal(snap.runs[3].experimentId, '2', 'runs of deleted experiments are listed too');

    const messages = snap.problems.map((p) => p.message).join('\n');
    assert.match(messages, /1 run\(s\) .* have status "PAUSED"/);
    assert.match(messages, /1 run\(s\) without a run id/);
    assert.ok(snap.problems.every((p) => p.file === stub.url));

    const searches = stub.requests.filter((r) => r.path.endsWith('/runs/search'));
    assert.ok(searches.length >= 3, 'runs/search was paged');
    for (const s of searches) {
      const body = s.body as Record<string, unknown>;
      assert.equal(body.run_view_type, 'ALL');
      assert.equal(body.max_results, 1000);
      assert.deepEqual(body.experiment_ids, ['0', '1', '2']);
    }
    const expSearch = stub.requests.filter((r) => r.path.endsWith('/experiments/search'));
    assert.equal(expSearch.length, 2);
    assert.equal((expSearch[0].body as Record<string, unknown>).view_type, 'ALL');
    assert.equal((expSearch[1].body as Record<string, unknown>).page_token, '2');
    assert.ok(stub.requests.every((r) => r.headers.authorization === 'Bearer t0k'));
  });

  it('reads a metric history over every page, in the server order', async () => {
    const points = await reader.metricHistory(id('a'), 'loss');
    assert.equal(points.length, 7);
    assert.deepEqual(points.map((p) => p.step), [6, 5, 4, 3, 2, 1, 0]);
    assert.ok(Number.isNaN(points[3].value));
    assert.equal(points[6].value, 0.6);
    const asks = stub.requests.filter((r) => r.path.endsWith('/metrics/get-history'));
    assert.deepEqual(asks.map((r) => r.query.get('page_token')), [null, '3', '6']);
    assert.ok(asks.every((r) => r.query.get('max_results') === '25000' && r.query.get('run_id') === id('a') && r.query.get('metric_key') === 'loss'));
  });

  it('reads chosen runs with runs/get, a few at a time, leaving out runs the server does not have', async () => {
    const ids = [id('a'), id('b'), id('c'), id('d'), id('e'), id('a'), id('b'), id('c')];
    const limited = new MlflowRestReader(remoteStoreRef(stub.url), { concurrency: 3 });
    try {
      const runs = await limited.readRuns(ids);
      assert.deepEqual(runs.map((r) => r.runId), [id('a'), id('b'), id('c'), id('d'), id('a'), id('b'), id('c')]);
      assert.equal(runs[1].parentRunId, id('a'));
      assert.equal(stub.maxInFlight, 3);
    } finally {
      await limited.close();
    }
  });

  it('splits a search over many experiments into bounded requests', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ experiment_id: String(i), name: `e${i}`, lifecycle_stage: 'active' }));
    const seen: string[][] = [];
    await stub.close();
    stub = await startStub((req) => {
      if (req.path.endsWith('/experiments/search')) return { json: { experiments: many } };
      seen.push((req.body as { experiment_ids: string[] }).experiment_ids);
      return { json: {} };
    });
    const r = new MlflowRestReader(remoteStoreRef(stub.url));
    try {
      const snap = await r.readAll();
      assert.equal(snap.experiments.length, 450);
      assert.deepEqual(seen.map((s) => s.length).sort((x, y) => x - y), [50, 200, 200]);
      assert.equal(new Set(seen.flat()).size, 450);
    } finally {
      await r.close();
    }
  });

  it('stops paging when a server repeats the page token it was given', async () => {
    await stub.close();
    let asks = 0;
    stub = await startStub(() => {
      asks++;
      return { json: { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }], next_page_token: 'same' } };
    });
    const r = new MlflowRestReader(remoteStoreRef(stub.url));
    try {
      const points = await r.metricHistory(id('a'), 'm');
      assert.equal(asks, 2);
      assert.equal(points.length, 2);
    } finally {
      await r.close();
    }
  });

  it('is what openStore returns for an mlflow-rest store', async () => {
    const r = openStore(remoteStoreRef(stub.url), { rest: { credentials: { kind: 'basic', username: 'u', password: 'p' } } });
    try {
      assert.ok(r instanceof MlflowRestReader);
      await r.readAll();
      assert.equal(stub.requests[0].headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await r.close();
    }
  });
});
