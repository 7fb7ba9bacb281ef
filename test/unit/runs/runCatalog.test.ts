import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RunCatalog } from '../../../src/core/runs/runCatalog';
import { splitDelta } from '../../../src/core/runs/splitDelta';
import type { StoreDelta } from '../../../src/core/runs/types';
import { copyFixture, RUN_A, runMeta } from '../fileStore/helpers';
import { makeRun, TEST_STORE } from './makeRun';

const quietLog = () => {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) } };
};

async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('RunCatalog over a file store', () => {
  it('reads a store, follows appended metric lines and new runs, and keeps problems by file', async () => {
    const { tmp, ref } = await copyFixture();
    const { log } = quietLog();
    const catalog = new RunCatalog({ log });
    let changes = 0;
    catalog.onDidChange(() => changes++);
    try {
      await catalog.setStores([ref]);
      const runs = catalog.runs(ref.uri);
      assert.ok(runs.length >= 3, `read ${runs.length} runs`);
      assert.ok(changes >= 1);
      const runA = catalog.findRun(RUN_A);
      assert.ok(runA?.metaPath);
      const key = Object.keys(runA.metrics)[0];
      assert.ok(key, 'run A has a metric');
      const metricFile = path.join(path.dirname(runA.metaPath), 'metrics', key);
      fs.appendFileSync(metricFile, `${runA.metrics[key].timestamp + 1} 42.5 ${runA.metrics[key].step + 1}\n`);
      await catalog.filesChanged([metricFile]);
      assert.equal(catalog.findRun(RUN_A)?.metrics[key].value, 42.5);
      const history = await catalog.metricHistory(ref.uri, RUN_A, key);
      assert.equal(history.at(-1)?.value, 42.5, 'the index history grew');

      const expDir = path.dirname(path.dirname(runA.metaPath));
      const newId = 'e'.repeat(32);
      fs.mkdirSync(path.join(expDir, newId, 'metrics'), { recursive: true });
      fs.writeFileSync(path.join(expDir, newId, 'meta.yaml'), runMeta(newId, runA.experimentId, 'fresh'));
      await catalog.filesChanged([path.join(expDir, newId, 'meta.yaml')]);
      assert.equal(catalog.findRun(newId)?.runName, 'fresh');

      const badId = 'b'.repeat(31) + 'c';
      fs.mkdirSync(path.join(expDir, badId), { recursive: true });
      fs.writeFileSync(path.join(expDir, badId, 'meta.yaml'), 'run_id: [oops\n');
      await catalog.refresh();
      assert.ok(catalog.problems().some((p) => p.file === path.join(expDir, badId, 'meta.yaml')), 'the bad meta.yaml is a problem');
      assert.equal(catalog.findRun(newId)?.runName, 'fresh', 'everything else still loads');
      fs.rmSync(path.join(expDir, badId), { recursive: true });
      await catalog.refresh();
      assert.ok(!catalog.problems().some((p) => p.file.includes(badId)), 'a removed file has no problem left');
    } finally {
      await catalog.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('persists its index: a reopen shows the runs before reading the store again', async () => {
    const { tmp, ref } = await copyFixture();
    const indexFile = path.join(tmp, 'storage', 'run-index.sqlite');
    const first = new RunCatalog({ log: quietLog().log, indexFile });
    await first.setStores([ref]);
    const count = first.runs(ref.uri).length;
    await first.dispose();
    assert.ok(fs.existsSync(indexFile), 'the index was saved on dispose');

    const second = new RunCatalog({ log: quietLog().log, indexFile });
    let sawRunsEarly = false;
    second.onDidChange(() => {
      if (!sawRunsEarly) sawRunsEarly = second.runs(ref.uri).length === count;
    });
    try {
      await second.setStores([ref]);
      assert.ok(sawRunsEarly, 'the first change already had every run, from the index');
      assert.equal(second.runs(ref.uri).length, count);
    } finally {
      await second.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('drops a store that is no longer wanted, and reports an unusable one', async () => {
    const { tmp, ref } = await copyFixture();
    const { log, lines } = quietLog();
    const catalog = new RunCatalog({ log });
    try {
      await catalog.setStores([ref]);
      assert.ok(catalog.runs(ref.uri).length > 0);
      const missing = { kind: 'mlflow-sqlite' as const, uri: `sqlite:///${tmp}/nope.db`, path: path.join(tmp, 'nope.db') };
      await catalog.setStores([missing]);
      assert.equal(catalog.runs(ref.uri).length, 0);
      await until('the missing db is reported', () => catalog.problems().find((p) => p.severity === 'error' && p.file === missing.path));
      assert.ok(lines.some((l) => l.startsWith('error') && l.includes('nope.db')));
    } finally {
      await catalog.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('splitDelta', () => {
  it('keeps appends with their run and experiments in the first piece', () => {
    const series = { steps: new Float64Array([1]), timestamps: new Float64Array([1]), values: new Float64Array([1]) };
    const runs = Array.from({ length: 5 }, (_, i) => makeRun(`r${i}`));
    const delta: StoreDelta = {
      store: TEST_STORE, experiments: [{ experimentId: '1', name: 'e', lifecycleStage: 'active', artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {}, store: TEST_STORE }],
      removedExperimentIds: ['9'], runs, removedRunIds: ['gone'],
      appends: [{ runId: 'r4', key: 'k', series, replaced: true }, { runId: 'r0', key: 'k', series, replaced: true }, { runId: 'elsewhere', key: 'k', series, replaced: false }],
      problems: [{ severity: 'warning', file: '/x', message: 'm' }],
    };
    const pieces = splitDelta(delta, 2);
    assert.equal(pieces.length, 3);
    assert.deepEqual(pieces.map((p) => p.runs.map((r) => r.runId)), [['r0', 'r1'], ['r2', 'r3'], ['r4']]);
    assert.equal(pieces[0].experiments.length, 1);
    assert.deepEqual(pieces[0].removedRunIds, ['gone']);
    assert.equal(pieces[0].problems.length, 1);
    assert.deepEqual(pieces[0].appends.map((a) => a.runId), ['r0']);
    assert.deepEqual(pieces[2].appends.map((a) => a.runId), ['r4', 'elsewhere']);
    assert.equal(pieces[1].experiments.length + pieces[2].experiments.length, 0);
    assert.deepEqual(splitDelta(delta, 10), [delta]);
  });
});
