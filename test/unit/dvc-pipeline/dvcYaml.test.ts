// dvc.yaml details on small repos written by the test: positions, DVC's naming and merging rules, the problems DVC
// would raise (or `dvc status` would report), and where pipelines are looked for.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPipelines } from '../../../src/core/dvc/pipeline/loadPipelines';
import type { PipelineProblem, PipelineStage } from '../../../src/core/dvc/pipeline/types';

function repo(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-yaml-')));
  fs.mkdirSync(path.join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const roots: string[] = [];
async function load(files: Record<string, string>) {
  const root = repo(files);
  roots.push(root);
  const result = await loadPipelines(root);
  const show = (p: PipelineProblem) => `${p.severity} ${path.relative(root, p.file)}:${p.line}:${p.column} ${p.message}`;
  return { root, ...result, shown: result.problems.map(show), stage: (name: string) => result.stages.find((s) => s.name === name) as PipelineStage };
}

describe('dvc pipeline: dvc.yaml', () => {
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  it('gives stages, deps, outs and param keys their line and column', async () => {
    const r = await load({
      'params.yaml': 'lr: 0.1\ntrain:\n  epochs: 3\n',
      'a.txt': 'a',
      'dvc.yaml': [
        'stages:',
        '  train:',
        '    cmd: python train.py',
        '    deps:',
        '      - a.txt',
        '    params:',
        '      - lr',
        '      - train.epochs',
        '    outs:',
        '      - model.pkl:',
        '          cache: false',
        '',
      ].join('\n'),
    });
    assert.deepEqual(r.shown, []);
    const s = r.stage('train');
    assert.deepEqual([s.pos.line, s.pos.column], [2, 3]);
    assert.deepEqual([s.deps[0].pos?.line, s.deps[0].pos?.column], [5, 9]);
    assert.deepEqual(s.params[0].keyPos, { lr: { file: s.dvcfile, line: 7, column: 9 }, 'train.epochs': { file: s.dvcfile, line: 8, column: 9 } });
    assert.deepEqual([s.outs[0].pos?.line, s.outs[0].cache], [10, false]);
    assert.equal(s.deps[0].repoPath, 'a.txt');
  });

  it('names foreach and matrix stages as DVC does, each at its generating stage', async () => {
    const r = await load({
      'dvc.yaml': [
        'stages:',
        '  simple:',
        '    foreach: [1, 2.0, x, null, false]',
        '    do:',
        '      cmd: echo ${item}',
        '  pairs:',
        '    matrix:',
        '      a: [1, 2]',
        '      b: [[1], [2]]',
        '    cmd: echo ${item.a} ${key}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(r.shown, []);
    assert.deepEqual(
      r.stages.map((s) => s.name),
      ['simple@1', 'simple@2.0', 'simple@x', 'simple@None', 'simple@false', 'pairs@1-b0', 'pairs@1-b1', 'pairs@2-b0', 'pairs@2-b1'],
    );
    assert.deepEqual(r.stage('simple@2.0').cmd, 'echo 2.0');
    assert.deepEqual(r.stage('pairs@2-b1').cmd, 'echo 2 2-b1');
    assert.equal(r.stage('pairs@2-b1').generatedFrom, 'pairs');
    assert.equal(r.stage('simple@x').pos.line, 2);
  });

  it('follows YAML anchors and merge keys in dvc.yaml', async () => {
    const r = await load({
      'dvc.yaml': ['base: &base', '  cmd: echo base', 'stages:', '  one:', '    <<: *base', '  two:', '    <<: *base', '    cmd: echo two', ''].join('\n'),
    });
    assert.ok(r.shown.some((p) => /Unknown top-level key 'base'/.test(p)), 'DVC allows no extra top-level key');
    assert.equal(r.stage('one').cmd, 'echo base');
    assert.equal(r.stage('two').cmd, 'echo two');
  });

  it('warns about deps and params that do not exist and that no stage writes', async () => {
    const r = await load({
      'params.yaml': 'lr: 0.1\n',
      'dvc.yaml': [
        'stages:',
        '  make:',
        '    cmd: echo > built.txt',
        '    outs: [built.txt, outdir]',
        '  use:',
        '    cmd: cat built.txt',
        '    deps: [built.txt, outdir/inner.txt, missing.csv, https://example.com/data.csv]',
        '    params: [lr, nope, {other.yaml: [x]}]',
        '',
      ].join('\n'),
    });
    assert.deepEqual(r.shown, [
      "warning dvc.yaml:7:41 Dependency 'missing.csv' of stage 'use' does not exist and no stage writes it; `dvc status` reports it as deleted and the stage cannot run.",
      "warning dvc.yaml:8:18 Param 'nope' of stage 'use' is not in 'params.yaml'; DVC stops with \"Parameters 'nope' are missing\".",
      "warning dvc.yaml:8:25 Params file 'other.yaml' of stage 'use' does not exist; `dvc status` reports its params as deleted.",
    ]);
    assert.deepEqual(r.dag.dependsOn[1], [0]);
  });

  it('flags paths that leave the repository: cached outputs are errors, deps warnings', async () => {
    const r = await load({
      'dvc.yaml': ['stages:', '  s:', '    cmd: x', '    deps: [../outside.csv]', '    outs: [../model.pkl, {../log.txt: {cache: false}}]', ''].join('\n'),
    });
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.line, p.message.split(' of stage')[0]]),
      [
        ['warning', 4, "Dependency '../outside.csv'"],
        ['error', 5, "Cached output '../model.pkl'"],
        ['warning', 5, "Output '../log.txt'"],
      ],
    );
  });

  it('reports interpolation problems at the string that fails', async () => {
    const r = await load({
      'params.yaml': 'xs: [1, 2]\n',
      'dvc.yaml': ['stages:', '  s:', '    cmd: echo ok', '    outs:', '      - fine.txt', '      - data/${nope}.txt', ''].join('\n'),
    });
    assert.deepEqual(r.shown, ["error dvc.yaml:6:9 failed to parse 'stages.s.outs' in 'dvc.yaml': Could not find 'nope'"]);
  });

  it('refuses item in a foreach stage\'s vars (reserved) and warns when global vars define item', async () => {
    const r = await load({
      'dvc.yaml': ['vars:', '  - item: 1', 'stages:', '  g:', '    foreach: [a]', '    do:', '      vars:', '        - item: 2', '      cmd: echo ${item}', ''].join('\n'),
    });
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0].message, /item is already specified, will be overwritten for stages generated from 'g'/);
    assert.match(r.problems[1].message, /attempted to modify reserved key item$/);
    assert.equal(r.problems[1].line, 8);
  });

  it('finds dvc.yaml in subfolders, skipping .git, .dvc, node_modules, virtual envs, .dvcignore\'d folders and outputs', async () => {
    const stageYaml = (name: string) => `stages:\n  ${name}:\n    cmd: echo ${name}\n`;
    const r = await load({
      'dvc.yaml': 'stages:\n  root:\n    cmd: echo\n    outs: [generated]\n',
      'b/dvc.yaml': stageYaml('b'),
      'a/deep/dvc.yaml': stageYaml('deep'),
      'a/dvc.yaml': stageYaml('a'),
      'node_modules/x/dvc.yaml': stageYaml('nm'),
      '.git/dvc.yaml': stageYaml('git'),
      'venv/pyvenv.cfg': 'home = /usr\n',
      'venv/lib/dvc.yaml': stageYaml('venv'),
      'generated/dvc.yaml': stageYaml('gen'),
      '.dvcignore': 'ignored/\n',
      'ignored/dvc.yaml': stageYaml('ignored'),
      'data.dvc': 'outs:\n- md5: abc.dir\n  path: data\n',
      'data/dvc.yaml': stageYaml('tracked'),
    });
    assert.deepEqual(
      r.dvcfiles.map((f) => path.relative(r.root, f).split(path.sep).join('/')),
      ['dvc.yaml', 'a/dvc.yaml', 'a/deep/dvc.yaml', 'b/dvc.yaml'],
    );
    assert.deepEqual(
      r.stages.map((s) => s.address),
      ['root', 'a/dvc.yaml:a', 'a/deep/dvc.yaml:deep', 'b/dvc.yaml:b'],
    );
  });

  it('reports a dvc.yaml that sits inside another stage\'s output', async () => {
    const r = await load({
      'dvc.yaml': 'stages:\n  root:\n    cmd: echo\n    outs: [sub]\n',
      'dvc2/dvc.yaml': 'stages:\n  x:\n    cmd: echo\n',
    });
    assert.deepEqual(r.shown, []);
    // a/dvc.yaml is read before b/dvc.yaml declares `a` as its output (DVC: StagePathAsOutputError).
    const inside = await load({
      'a/dvc.yaml': 'stages:\n  x:\n    cmd: echo\n',
      'b/dvc.yaml': 'stages:\n  y:\n    cmd: echo\n    outs: [../a]\n',
    });
    assert.deepEqual(inside.shown, ["error a/dvc.yaml:2:3 'a/dvc.yaml:x' is within an output 'a' of another stage ('b/dvc.yaml:y')."]);
  });

  it('resolves wdir and params files relative to the stage', async () => {
    const r = await load({
      'sub/params.yaml': 'k: 1\n',
      'sub/in.txt': 'x',
      'dvc.yaml': ['stages:', '  s:', '    wdir: sub', '    cmd: cat in.txt', '    deps: [in.txt]', '    params: [k]', '    outs: [../out.txt]', ''].join('\n'),
    });
    assert.deepEqual(r.shown, []);
    const s = r.stage('s');
    assert.equal(s.repoWdir, 'sub');
    assert.equal(s.deps[0].repoPath, 'sub/in.txt');
    assert.equal(s.params[0].repoPath, 'sub/params.yaml');
    assert.equal(s.outs[0].repoPath, 'out.txt');
  });

  it('tracks a whole params file and drops plain keys then, as DVC\'s _merge_params', async () => {
    const r = await load({
      'params.yaml': 'a: 1\n',
      'p.json': '{"x": 1}',
      'dvc.yaml': ['stages:', '  s:', '    cmd: x', '    params: [a, {params.yaml: }, {p.json: [x]}, {p.json: [y]}]', ''].join('\n'),
    });
    assert.deepEqual(
      r.stage('s').params.map((p) => [p.file, p.keys]),
      [
        ['params.yaml', []],
        ['p.json', ['x', 'y']],
      ],
    );
  });

  it('stops at an aborted signal', async () => {
    const root = repo({ 'dvc.yaml': 'stages:\n  s:\n    cmd: x\n' });
    roots.push(root);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadPipelines(root, controller.signal));
  });
});
