import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RunCatalog } from '../../../src/core/runs/runCatalog';
import { copyFixture } from '../fileStore/helpers';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('RunCatalog.metricSeries over a file store', () => {
  it('reads many histories at once as columns, then keeps finished runs\' histories in the index', async () => {
    const { ref } = await copyFixture();
    const catalog = new RunCatalog({ log });
    try {
      await catalog.setStores([ref]);
      const finished = catalog.runs(ref.uri).filter((r) => r.status !== 'RUNNING' && r.metaPath && Object.keys(r.metrics).length > 0);
      assert.ok(finished.length >= 2, `fixture has ${finished.length} finished runs with metrics`);
      const asks = finished.flatMap((run) => Object.keys(run.metrics).map((key) => ({ run, key })));
      const read = await Promise.all(asks.map(({ run, key }) => catalog.metricSeries(ref.uri, run.runId, key)));
      const points = await Promise.all(asks.map(({ run, key }) => catalog.metricHistory(ref.uri, run.runId, key)));
      read.forEach((series, i) => {
        const { run, key } = asks[i];
        assert.ok(series.values.length > 0, `${run.runId} ${key} has points`);
        assert.equal(series.steps.length, series.values.length);
        assert.deepEqual(points[i].map((p) => p.value), Array.from(series.values));
      });

      // Once put in the index (a moment later), the history no longer comes from the file.
      const { run, key } = asks[0];
      const file = path.join(path.dirname(run.metaPath as string), 'metrics', key);
      await new Promise((r) => setTimeout(r, 1300));
      fs.writeFileSync(file, '1 12345 0\n');
      const again = await catalog.metricSeries(ref.uri, run.runId, key);
      assert.deepEqual(Array.from(again.values), Array.from(read[0].values));
    } finally {
      await catalog.dispose();
    }
  });

  it('returns an empty series for a metric key that would leave the run folder', async () => {
    const { ref } = await copyFixture();
    const catalog = new RunCatalog({ log });
    try {
      await catalog.setStores([ref]);
      const run = catalog.runs(ref.uri)[0];
      const series = await catalog.metricSeries(ref.uri, run.runId, '../meta.yaml');
      assert.equal(series.values.length, 0);
    } finally {
      await catalog.dispose();
    }
  });
});
