import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompareTable } from '../../../src/core/compare/types';
import { main } from '../../../src/cli/main';
import { writeExperiment, writeRun } from './makeFileStore';

const id = (c: string) => c.repeat(32);
const A = id('a');
const B = id('b');
const C = id('c');

describe('mlops-workbench compare', function () {
  let root: string;
  let mlruns: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-compare-'));
    mlruns = path.join(root, 'mlruns');
    writeExperiment(mlruns, { id: '1', name: 'vision' });
    writeRun(mlruns, {
      id: A, experimentId: '1', name: 'small', start: 1_714_566_600_000, end: 1_714_566_785_000,
      params: { lr: '0.01', opt: 'adam' }, tags: { 'mlflow.source.git.commit': 'abc123' },
      metrics: { acc: ['1000 0.5 0', '2000 0.8 1'], loss: ['1000 1.5 0'], 'val/f1': ['1000 0.6 0'] },
    });
    writeRun(mlruns, {
      id: B, experimentId: '1', name: 'large, "v2"', start: 1_714_566_700_000, end: 1_714_566_760_000,
      params: { lr: '0.1', opt: 'adam' }, tags: { 'mlflow.source.git.commit': 'abc123' },
      metrics: { acc: ['2500 0.9 0'], loss: ['1000 nan 0'] },
    });
    writeRun(mlruns, { id: C, experimentId: '1', name: '=evil', start: 3000, params: { lr: '=1+1' } });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: root });
    return { code, stdout, stderr };
  }

  it('prints the comparison table as JSON, runs in the order given, NaN spelled out', async () => {
    const r = await cli('compare', B, A.slice(0, 6), '--tracking-uri', mlruns, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const table = JSON.parse(r.stdout) as CompareTable;
    assert.deepEqual(table.runIds, [B, A]);
    assert.deepEqual(table.runNames, ['large, "v2"', 'small']);
    const row = (section: string, key: string) => table.rows.find((x) => x.section === section && x.key === key);
    assert.deepEqual(row('param', 'lr'), { section: 'param', key: 'lr', values: [0.1, 0.01], differs: true });
    assert.deepEqual(row('param', 'opt')?.differs, false);
    assert.deepEqual(row('metric', 'acc')?.values, [0.9, 0.8]);
    assert.deepEqual(row('metric', 'loss')?.values, ['NaN', 1.5]);
    assert.deepEqual(row('metric', 'val/f1')?.values, [null, 0.6]);
    assert.deepEqual(row('attribute', 'experiment')?.values, ['vision', 'vision']);
    assert.deepEqual(row('attribute', 'gitCommit'), { section: 'attribute', key: 'gitCommit', values: ['abc123', 'abc123'], differs: false });
    assert.deepEqual(row('attribute', 'duration')?.values, [60_000, 185_000]);
    assert.deepEqual((JSON.parse((await cli('compare', A, B, '--tracking-uri', mlruns, '--json')).stdout) as CompareTable).runIds, [A, B]);
  });

  it('limits metric rows with --metrics, in the order given', async () => {
    const r = await cli('compare', A, B, '--tracking-uri', mlruns, '--format', 'json', '--metrics', 'loss, acc');
    assert.equal(r.code, 0, r.stderr);
    const table = JSON.parse(r.stdout) as CompareTable;
    assert.deepEqual(table.rows.filter((x) => x.section === 'metric').map((x) => x.key), ['loss', 'acc']);
    assert.ok(table.rows.some((x) => x.section === 'param'));
    const sections = table.rows.map((x) => x.section);
    assert.ok(sections.lastIndexOf('param') < sections.indexOf('metric') && sections.lastIndexOf('metric') < sections.indexOf('tag'));
    const bad = await cli('compare', A, B, '--tracking-uri', mlruns, '--metrics', 'acc,nope');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no compared run has metric 'nope'\. Their metrics: acc, loss, val\/f1/);
  });

  it('prints a readable table with differing rows marked', async () => {
    const r = await cli('compare', A, B, '--tracking-uri', mlruns, '--only-differences');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^\s*KEY\s+small\s+large, "v2"$/);
    assert.match(lines[2], /^\s+run id\s+aaaaaaaa\s+bbbbbbbb$/);
    assert.ok(lines.some((l) => /^\*\s+params\.lr\s+0\.01\s+0\.1$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^\*\s+duration\s+3m 05s\s+1m 00s$/.test(l)), r.stdout);
    assert.ok(!lines.some((l) => l.includes('params.opt')), 'equal rows hidden');
  });

  it('writes CSV and Markdown that survive hostile names', async () => {
    const csv = await cli('compare', A, C, '--tracking-uri', mlruns, '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.split('\r\n');
    assert.equal(lines[0], "section,key,small,'=evil");
    assert.equal(lines[1], `attribute,run_id,${A},${C}`);
    assert.ok(lines.includes("param,lr,0.01,'=1+1"), csv.stdout);
    const md = await cli('compare', A, B, '--tracking-uri', mlruns, '--format', 'md', '--metrics', 'acc');
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.stdout.startsWith('| run | small | large, "v2" |\n| --- | --- | --- |\n'), md.stdout);
    assert.ok(md.stdout.includes('| metrics.acc | 0.8 | 0.9 |'), md.stdout);
  });

  it('exits 2 naming every unknown run id', async () => {
    const r = await cli('compare', A, 'deadbeefdeadbeef', 'cafe0000', '--tracking-uri', mlruns);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no run with id 'deadbeefdeadbeef'/);
    assert.match(r.stderr, /no run with id 'cafe0000'/);
  });

  it('exits 2 for missing run ids or a bad format, and shows help', async () => {
    const none = await cli('compare', '--tracking-uri', mlruns);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing RUN_ID\.\.\./);
    const format = await cli('compare', A, '--tracking-uri', mlruns, '--format', 'xml');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format expects one of table, csv, json, md, got 'xml'/);
    const conflict = await cli('compare', A, '--json', '--format', 'csv', '--tracking-uri', mlruns);
    assert.equal(conflict.code, 2);
    const help = await cli('compare', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mlops-workbench compare RUN_ID\.\.\./);
    assert.match((await cli('--help')).stdout, /compare\s+Compare runs side by side/);
  });

  it('still takes exactly the positionals other commands declare', async () => {
    const r = await cli('metrics', A, 'acc', 'extra', '--tracking-uri', mlruns);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unexpected argument 'extra'/);
  });
});
