import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import type { ExperimentJson, MetricPointJson, RunJson } from '../../../src/cli/runJson';

// The CLI against stores written by real MLflow 3.18.0, compared with what MLflow itself answered
// (test/fixtures/mlflow/expected.json, made by generate.py there).

interface ExpectedRun extends Omit<RunJson, 'metrics' | 'store'> {
  metrics: Record<string, { value: RunJson['metrics'][string] }>;
}

interface ExpectedStore {
  store: { kind: string; path: string };
  experiments: Array<Omit<ExperimentJson, 'store'>>;
  runs: ExpectedRun[];
  metricHistories: Record<string, Record<string, MetricPointJson[]>>;
}

const fixtures = path.join(process.cwd(), 'test', 'fixtures', 'mlflow');
const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as { stores: Record<string, ExpectedStore> };

async function cliJson<T>(args: string[]): Promise<T> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: process.cwd(),
  });
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as T;
}

for (const [name, store] of Object.entries(expected.stores)) {
  describe(`mlops-workbench CLI on MLflow's ${name} fixture`, function () {
    this.timeout(60_000);
    const uri = store.store.kind === 'mlflow-sqlite'
      ? `sqlite:///${path.join(fixtures, store.store.path)}`
      : path.join(fixtures, store.store.path);

    it('gives each run the fields MLflow reports', async () => {
      const runs = await cliJson<RunJson[]>(['runs', '--all', '--json', '--tracking-uri', uri]);
      assert.ok(runs.length > 0);
      const byId = new Map(store.runs.map((r) => [r.runId, r]));
      for (const run of runs) {
        const want = byId.get(run.runId);
        assert.ok(want, `run ${run.runId} is not in MLflow's answer`);
        const metrics = Object.fromEntries(Object.entries(want.metrics).map(([k, m]) => [k, m.value]));
        const { store: _store, ...got } = run;
        assert.deepEqual(got, {
          runId: want.runId, runName: want.runName, experimentId: want.experimentId, experimentName: want.experimentName,
          status: want.status, startTime: want.startTime, endTime: want.endTime, lifecycleStage: want.lifecycleStage,
          params: want.params, metrics, tags: want.tags, parentRunId: want.parentRunId,
        }, run.runName);
      }
    });

    it('lists the same runs as MLflow with --all', async () => {
      const runs = await cliJson<RunJson[]>(['runs', '--all', '--json', '--tracking-uri', uri]);
      assert.deepEqual(runs.map((r) => r.runId).sort(), store.runs.map((r) => r.runId).sort());
    });

    it('lists the same experiments as MLflow with --all', async () => {
      const exps = await cliJson<ExperimentJson[]>(['experiments', '--all', '--json', '--tracking-uri', uri]);
      const strip = (e: Omit<ExperimentJson, 'store'>) => ({ id: e.experimentId, name: e.name, stage: e.lifecycleStage, tags: e.tags });
      const sort = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      assert.deepEqual(exps.map(strip).sort(sort), store.experiments.map(strip).sort(sort));
    });

    it('prints the metric histories MLflow returns', async () => {
      for (const [runId, byKey] of Object.entries(store.metricHistories)) {
        for (const [key, points] of Object.entries(byKey)) {
          const got = await cliJson<MetricPointJson[]>(['metrics', runId, key, '--json', '--tracking-uri', uri]);
          assert.deepEqual(got, points, `${runId} ${key}`);
        }
      }
    });
  });
}
