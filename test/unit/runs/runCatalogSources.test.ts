import assert from 'node:assert/strict';
import { RunCatalog } from '../../../src/core/runs/runCatalog';
import { nextRemotePoll, wantsFullListing } from '../../../src/core/runs/remotePolling';
import type { Experiment, MetricPoint, Run, RunStoreReader, StoreRef, StoreSnapshot } from '../../../src/core/runs/types';
import { makeRun } from './makeRun';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A source read whole (as dvclive, Lightning, TensorBoard and tracking servers are), driven by the test. */
class ScriptedReader implements RunStoreReader {
  runs: Run[] = [];
  reads = 0;
  runReads: string[][] = [];
  historyReads = 0;
  failWith?: Error;
  gate?: Promise<void>;
  constructor(readonly ref: StoreRef, private readonly withReadRuns = false) {}
  async readAll(): Promise<StoreSnapshot> {
    this.reads++;
    await this.gate;
    if (this.failWith) throw this.failWith;
    const experiment: Experiment = { experimentId: '0', name: 'logs', lifecycleStage: 'active', artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {}, store: this.ref };
    return { store: this.ref, experiments: [experiment], runs: this.runs.map((r) => ({ ...r, store: this.ref })), problems: [] };
  }
  async metricHistory(): Promise<MetricPoint[]> {
    this.historyReads++;
    return [{ step: 0, timestamp: 1, value: 0.5 }, { step: 1, timestamp: 2, value: 0.25 }];
  }
  async close(): Promise<void> {}
  get readRuns(): ((ids: string[]) => Promise<Run[]>) | undefined {
    if (!this.withReadRuns) return undefined;
    return async (ids: string[]) => {
      this.runReads.push(ids);
      if (this.failWith) throw this.failWith;
      return this.runs.filter((r) => ids.includes(r.runId)).map((r) => ({ ...r, store: this.ref }));
    };
  }
}

const folderRef: StoreRef = { kind: 'dvclive', uri: 'dvclive:///ws/dvclive', path: '/ws/dvclive' };
const serverRef: StoreRef = { kind: 'mlflow-rest', uri: 'http://127.0.0.1:5999', path: 'http://127.0.0.1:5999' };

describe('RunCatalog over sources read whole', () => {
  it('lists a log folder, re-reads it once for a burst of changes inside it, and ignores files elsewhere', async () => {
    const reader = new ScriptedReader(folderRef);
    reader.runs = [makeRun('a'.repeat(32), { experimentId: '0' })];
    const catalog = new RunCatalog({ log, openReader: () => reader });
    try {
      await catalog.setStores([folderRef]);
      assert.deepEqual(catalog.runs(folderRef.uri).map((r) => r.runId), ['a'.repeat(32)]);
      assert.equal(catalog.experiments(folderRef.uri)[0]?.name, 'logs');
      reader.runs.push(makeRun('b'.repeat(32), { experimentId: '0', status: 'RUNNING' }));
      let release!: () => void;
      reader.gate = new Promise((r) => (release = r));
      const before = reader.reads;
      const burst = [catalog.filesChanged(['/ws/dvclive/metrics.json']), catalog.filesChanged(['/ws/dvclive/plots/metrics/loss.tsv']), catalog.filesChanged(['/ws/dvclive/params.yaml'])];
      await catalog.filesChanged(['/ws/other/file.txt']);
      release();
      await Promise.all(burst);
      assert.ok(reader.reads - before <= 2, `a burst of 3 changes caused ${reader.reads - before} reads`);
      assert.equal(catalog.findRun('b'.repeat(32))?.status, 'RUNNING');
      assert.equal(catalog.allRuns().length, 2);
    } finally {
      await catalog.dispose();
    }
  });

  it('keeps a finished run\'s history after reading it once', async () => {
    const reader = new ScriptedReader(folderRef);
    reader.runs = [makeRun('c'.repeat(32), { experimentId: '0' })];
    const catalog = new RunCatalog({ log, openReader: () => reader });
    try {
      await catalog.setStores([folderRef]);
      const first = await catalog.metricHistory(folderRef.uri, 'c'.repeat(32), 'loss');
      const second = await catalog.metricHistory(folderRef.uri, 'c'.repeat(32), 'loss');
      assert.deepEqual(second, first);
      assert.equal(reader.historyReads, 1);
    } finally {
      await catalog.dispose();
    }
  });
});

describe('RunCatalog over a tracking server', () => {
  it('keeps the last good runs when the server stops answering, and says so with the retry time', async () => {
    const reader = new ScriptedReader(serverRef, true);
    reader.runs = [makeRun('d'.repeat(32), { experimentId: '0', status: 'RUNNING' })];
    const catalog = new RunCatalog({ log, openReader: () => reader, sqlitePollMs: 20 });
    try {
      await catalog.setStores([serverRef]);
      assert.equal(catalog.runs(serverRef.uri).length, 1);
      reader.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5999');
      await catalog.refresh();
      assert.equal(catalog.runs(serverRef.uri).length, 1, 'the last good runs stay');
      const problem = catalog.problems().find((p) => p.file === serverRef.path);
      assert.match(problem?.message ?? '', /ECONNREFUSED.*Showing the runs read at .*Trying again in \d+ s\./);
      reader.failWith = undefined;
      reader.runs[0] = { ...reader.runs[0], status: 'FINISHED' };
      await catalog.refresh();
      assert.equal(catalog.findRun('d'.repeat(32))?.status, 'FINISHED');
      assert.equal(catalog.problems().length, 0, 'the problem clears once the server answers');
    } finally {
      await catalog.dispose();
    }
  });

  it('stops asking a server that refused the credentials until told to retry', async () => {
    const reader = new ScriptedReader(serverRef, true);
    reader.runs = [makeRun('9'.repeat(32), { experimentId: '0' })];
    const catalog = new RunCatalog({ log, openReader: () => reader, sqlitePollMs: 20 });
    try {
      reader.failWith = Object.assign(new Error('HTTP 401: the server refused the credentials.'), { retryable: false });
      await catalog.setStores([serverRef]);
      assert.match(catalog.problems()[0]?.message ?? '', /401.*Not retrying until the credentials or the URI change/);
      const reads = reader.reads;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(reader.reads, reads, 'no polling after a permanent error');
      reader.failWith = undefined;
      await catalog.retry(serverRef.uri);
      assert.equal(catalog.runs(serverRef.uri).length, 1);
      assert.equal(catalog.problems().length, 0);
    } finally {
      await catalog.dispose();
    }
  });

  it('asks only about running runs between whole listings', async () => {
    const reader = new ScriptedReader(serverRef, true);
    reader.runs = [makeRun('e'.repeat(32), { experimentId: '0', status: 'RUNNING' }), makeRun('f'.repeat(32), { experimentId: '0' })];
    const catalog = new RunCatalog({ log, openReader: () => reader, sqlitePollMs: 50 });
    try {
      await catalog.setStores([serverRef]);
      const listings = reader.reads;
      reader.runs[0] = { ...reader.runs[0], metrics: { loss: { value: 0.1, step: 3, timestamp: 9 } } };
      const deadline = Date.now() + 5000;
      while (reader.runReads.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(reader.reads, listings, 'no whole listing within the idle interval');
      assert.deepEqual(reader.runReads.at(-1), ['e'.repeat(32)]);
      assert.equal(catalog.findRun('e'.repeat(32))?.metrics.loss?.value, 0.1);
      assert.ok(catalog.findRun('f'.repeat(32)), 'the runs not asked about stay');
      await catalog.refresh();
      assert.equal(reader.reads, listings + 1, '"Refresh" lists everything');
    } finally {
      await catalog.dispose();
    }
  });
});

describe('nextRemotePoll', () => {
  const start = { nextAt: 0, failures: 0, retryInMs: 0 };
  it('backs off on failures up to a ceiling and resets on success', () => {
    let s = start;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      s = nextRemotePoll(s, { ok: false, running: true, now: 1000 });
      waits.push(s.retryInMs);
    }
    assert.deepEqual(waits, [2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000]);
    s = nextRemotePoll(s, { ok: true, running: true, changed: true, now: 5000 });
    assert.equal(s.failures, 0);
    assert.equal(s.nextAt, 7000);
  });

  it('polls running runs less while nothing changes, and idles when nothing runs', () => {
    let s = nextRemotePoll(start, { ok: true, running: true, changed: true, now: 0 });
    assert.equal(s.retryInMs, 2000);
    s = nextRemotePoll(s, { ok: true, running: true, changed: false, full: false, now: 0 });
    assert.equal(s.retryInMs, 4000);
    s = nextRemotePoll(s, { ok: true, running: true, changed: true, full: false, now: 0 });
    assert.equal(s.retryInMs, 2000);
    s = nextRemotePoll(s, { ok: true, running: false, now: 0 });
    assert.equal(s.retryInMs, 30000);
    assert.equal(wantsFullListing(s), false);
    assert.equal(wantsFullListing({ ...s, lastFullAt: Date.now() - 31_000 }), true);
  });
});
