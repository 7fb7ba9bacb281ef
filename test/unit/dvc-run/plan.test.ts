import assert from 'node:assert/strict';
import type { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { loadRepo, planPipelineRun, resolveTargets } from '../../../src/core/dvc/run/planRun';
import { runBuiltin } from '../../../src/core/dvc/run/builtinRunner';
import { cleanup, inlineHasher, makeRunRepo, shEnv, writeFiles } from './runFixtures';

const PIPELINE = `stages:
  gen:
    cmd: printf g > g.txt
    outs: [g.txt]
  score:
    foreach: [a, b]
    do:
      cmd: cat g.txt > \${item}.txt
      deps:
        - g.txt
      outs:
        - \${item}.txt
  report:
    cmd: cat a.txt b.txt > report.txt
    deps: [a.txt, b.txt]
    outs: [report.txt]
  lonely:
    cmd: printf l > l.txt
    outs: [l.txt]
`;

describe('run plan', () => {
  let root: string | undefined;
  let hasher: DvcHasher;
  beforeEach(() => (hasher = inlineHasher()));
  afterEach(async () => {
    await hasher.close();
    cleanup(root);
    root = undefined;
  });

  it('resolves targets as dvc repro collects them: address, foreach group, dvc.yaml path, file:name', async () => {
    root = makeRunRepo({
      'dvc.yaml': PIPELINE,
      'sub/dvc.yaml': 'stages:\n  gen:\n    cmd: "true"\n  own:\n    cmd: "true"\n',
      'sub2/dvc.yaml': 'stages:\n  twice:\n    cmd: "true"\n',
      'sub3/dvc.yaml': 'stages:\n  twice:\n    cmd: "true"\n',
    });
    const { pipelines } = await loadRepo(root);
    const r = (...t: string[]) => resolveTargets(pipelines.dag, root!, t);
    assert.deepEqual(r('score'), ['score@a', 'score@b']);
    assert.deepEqual(r('score@b', 'report'), ['score@b', 'report']);
    assert.deepEqual(r('sub/dvc.yaml'), ['sub/dvc.yaml:gen', 'sub/dvc.yaml:own']);
    assert.deepEqual(r('dvc.yaml:score'), ['score@a', 'score@b']);
    assert.deepEqual(r('own'), ['sub/dvc.yaml:own']);
    assert.deepEqual(r('gen'), ['gen'], 'an address wins over the same name in another dvc.yaml');
    assert.deepEqual(r('sub/dvc.yaml:gen'), ['sub/dvc.yaml:gen']);
    assert.throws(() => r('twice'), /in several dvc\.yaml files: sub2\/dvc\.yaml:twice, sub3\/dvc\.yaml:twice\. Use the full address/);
    assert.throws(() => r('nope'), /Stage 'nope' is not in the pipelines/);
  });

  it('orders stages as dvc repro does (upstream first; --downstream follows dependents) with what each would do', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE });
    const plan = async (targets?: string[], downstream?: boolean, force?: boolean) =>
      (await planPipelineRun({ repoRoot: root!, targets, downstream, force, hasher })).planned.map((p) => `${p.address}:${p.action}`);
    assert.deepEqual(await plan(['report']), ['gen:run', 'score@a:run', 'score@b:run', 'report:run']);
    assert.deepEqual(await plan(['score@a'], true), ['score@a:run', 'report:run']);
    assert.deepEqual(await plan(), ['gen:run', 'score@a:run', 'score@b:run', 'report:run', 'lonely:run']);

    assert.equal((await runBuiltin({ repoRoot: root, hasher, env: shEnv() })).ok, true);
    assert.deepEqual(await plan(['report']), ['gen:skip', 'score@a:skip', 'score@b:skip', 'report:skip']);
    assert.deepEqual(await plan(['report'], false, true), ['gen:run', 'score@a:run', 'score@b:run', 'report:run']);
    writeFiles(root, { 'g.txt': 'changed by hand' });
    // gen's output changed: gen runs; the foreach stages see a changed dep too; report may run.
    assert.deepEqual(await plan(['report']), ['gen:run', 'score@a:run', 'score@b:run', 'report:maybe']);
    const full = await planPipelineRun({ repoRoot: root, targets: ['report'], hasher });
    assert.match(full.planned[0].why[0], /Output g\.txt modified/);
    assert.match(full.planned[3].why[0], /'score@a', 'score@b' run first/);
  });

  it('a frozen stage is not run and cuts its upstream; when its outputs change it is only verified', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE.replace('  report:\n', '  report:\n    frozen: true\n') });
    const plan = async () => (await planPipelineRun({ repoRoot: root!, targets: ['report'], hasher })).planned.map((p) => `${p.address}:${p.action}`);
    assert.deepEqual(await plan(), ['report:verify']);
    writeFiles(root, { 'report.txt': 'r', 'dvc.lock': "schema: '2.0'\nstages:\n  report:\n    cmd: cat a.txt b.txt > report.txt\n" });
    assert.deepEqual(await plan(), ['report:verify']);
  });
});
