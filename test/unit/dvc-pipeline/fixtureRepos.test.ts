// Our reading of the fixture repos against what DVC itself said about them (test/fixtures/dvc/generate.py):
// stage names (foreach/matrix included), cmd after interpolation, wdir, deps, params, outs and their options,
// the graph's edges, the order `dvc repro` runs them in, and the top-level sections of each dvc.yaml.
import assert from 'node:assert/strict';
import path from 'node:path';
import { planRepro } from '../../../src/core/dvc/pipeline/dag';
import { loadPipelines, type LoadedPipelines } from '../../../src/core/dvc/pipeline/loadPipelines';
import { toPlain, type PyValue } from '../../../src/core/dvc/pipeline/pyValue';
import { DVC_FIXTURES, fixtureRepoNames, readJson } from './helpers';

interface ExpectedStage {
  name: string;
  address: string;
  dvcfile: string;
  wdir: string;
  cmd: string | string[];
  deps: string[];
  params: { path: string; keys: string[] }[];
  outs: { path: string; kind: string; cache: boolean; persist: boolean; push: boolean; remote?: string; desc?: string }[];
  frozen: boolean;
  always_changed: boolean;
  desc: string | null;
  meta: unknown;
}

interface ExpectedRepo {
  stages: ExpectedStage[];
  edges: [string, string][];
  order_sorted_walk: string[];
  dvcfiles: Record<string, { params: unknown[]; metrics: unknown[]; plots: unknown[]; artifacts: Record<string, unknown> }>;
  status: Record<string, unknown>;
  dvc_version: string;
}

describe('dvc pipeline: fixture repos read as DVC reads them', () => {
  const names = fixtureRepoNames();

  it('has the fixture repos', () => {
    assert.deepEqual(names, ['basic', 'foreach', 'matrix', 'nested', 'vars']);
  });

  for (const name of names) {
    describe(name, () => {
      const root = path.join(DVC_FIXTURES, 'repos', name);
      const expected = readJson<ExpectedRepo>('repos', name, 'expected.json');
      let loaded: LoadedPipelines;
      before(async () => {
        loaded = await loadPipelines(root);
      });

      it('reports no problems (DVC ran it)', () => {
        assert.deepEqual(
          loaded.problems.map((p) => `${p.severity} ${path.relative(root, p.file)}:${p.line}: ${p.message}`),
          [],
        );
      });

      it('finds the same stages, with the names DVC generates', () => {
        assert.deepEqual(
          loaded.stages.map((s) => s.address).sort(),
          expected.stages.map((s) => s.address).sort(),
        );
      });

      for (const want of expected.stages) {
        it(`stage ${want.address}: cmd, wdir, deps, params, outs, flags`, () => {
          const got = loaded.stages.find((s) => s.address === want.address);
          assert.ok(got, `stage ${want.address} missing`);
          assert.equal(got.name, want.name);
          assert.equal(path.relative(root, got.dvcfile).split(path.sep).join('/'), want.dvcfile);
          assert.equal(path.relative(root, got.wdir).split(path.sep).join('/') || '.', want.wdir);
          assert.equal(got.repoWdir, want.wdir);
          assert.deepEqual(got.cmd, want.cmd);
          assert.deepEqual(
            got.deps.map((d) => d.path),
            want.deps,
          );
          assert.deepEqual(
            got.params.map((p) => ({ path: p.file, keys: p.keys })),
            want.params,
          );
          assert.deepEqual(
            got.outs.map((o) => {
              const out: Record<string, unknown> = { path: o.path, kind: o.kind, cache: o.cache, persist: o.persist, push: o.push };
              if (o.remote) out.remote = o.remote;
              if (o.desc) out.desc = o.desc;
              return out;
            }),
            want.outs.map((o) => ({ path: o.path, kind: o.kind, cache: o.cache, persist: o.persist, push: o.push, ...(o.remote ? { remote: o.remote } : {}), ...(o.desc ? { desc: o.desc } : {}) })),
          );
          assert.equal(got.frozen, want.frozen);
          assert.equal(got.alwaysChanged, want.always_changed);
          assert.equal(got.desc ?? null, want.desc);
          assert.deepEqual(got.meta === undefined ? null : toPlain(got.meta as PyValue), want.meta);
          assert.ok(got.pos.line >= 1 && got.pos.column >= 1);
          for (const d of got.deps) assert.ok(d.pos && d.pos.line > got.pos.line, `dep ${d.path} has a position after the stage key`);
          for (const o of got.outs) assert.ok(o.pos && o.pos.line > got.pos.line, `out ${o.path} has a position after the stage key`);
        });
      }

      it('connects the same stages as DVC (graph edges)', () => {
        const edges: string[] = [];
        loaded.dag.dependsOn.forEach((producers, i) => producers.forEach((p) => edges.push(`${loaded.stages[i].address} -> ${loaded.stages[p].address}`)));
        assert.deepEqual(edges.sort(), expected.edges.map(([a, b]) => `${a} -> ${b}`).sort());
        assert.deepEqual(loaded.dag.cycles, []);
      });

      it('plans `dvc repro --all-pipelines` in DVC\'s order', () => {
        assert.deepEqual(
          planRepro(loaded.dag).map((s) => s.address),
          expected.order_sorted_walk,
        );
      });

      it('reads the top-level params, metrics, plots and artifacts', () => {
        for (const [rel, want] of Object.entries(expected.dvcfiles)) {
          const top = loaded.topLevel.get(path.join(root, ...rel.split('/')));
          assert.ok(top, `top-level sections of ${rel}`);
          assert.deepEqual(top.params.map((e) => toPlain(e.value as PyValue)), want.params);
          assert.deepEqual(top.metrics.map((e) => toPlain(e.value as PyValue)), want.metrics);
          assert.deepEqual(top.plots.map((e) => toPlain(e.value as PyValue)), want.plots);
          assert.deepEqual(Object.fromEntries(top.artifacts.map((e) => [e.name, toPlain(e.value as PyValue)])), want.artifacts);
        }
      });

      it('lists every dvc.yaml', () => {
        assert.deepEqual(
          loaded.dvcfiles.map((f) => path.relative(root, f).split(path.sep).join('/')).sort(),
          Object.keys(expected.dvcfiles).sort(),
        );
      });
    });
  }
});
