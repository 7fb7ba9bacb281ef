// Broken pipelines that real DVC refuses (test/fixtures/dvc/bad, each with DVC's own error): we report each as an
// error at the line that needs fixing, and still read what can be read.
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDvcLock } from '../../../src/core/dvc/pipeline/lockFile';
import { loadPipelines } from '../../../src/core/dvc/pipeline/loadPipelines';
import { DVC_FIXTURES, readJson } from './helpers';

interface BadCase {
  dvc_error: string;
  file: string;
  line: number;
}

describe('dvc pipeline: broken pipelines DVC refuses', () => {
  const cases = readJson<Record<string, BadCase>>('bad', 'expected.json');

  it('has the recorded cases', () => {
    assert.ok(Object.keys(cases).length >= 15);
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: an error at ${c.file}:${c.line} (DVC: ${c.dvc_error.split('\n')[0].slice(0, 70)})`, async () => {
      const root = path.join(DVC_FIXTURES, 'bad', name);
      const loaded = await loadPipelines(root);
      const lock = await loadDvcLock(path.join(root, 'dvc.lock'));
      const errors = [...loaded.problems, ...(lock?.problems ?? [])].filter((p) => p.severity === 'error');
      const where = errors.map((p) => `${path.relative(root, p.file)}:${p.line}:${p.column} ${p.message}`);
      assert.ok(
        errors.some((p) => path.relative(root, p.file) === c.file && p.line === c.line),
        `no error at ${c.file}:${c.line}; got ${JSON.stringify(where)}`,
      );
      for (const p of errors) assert.ok(p.message.length > 20 && p.column! >= 1, p.message);
    });
  }

  it('names the missing variable and the stage as DVC does', async () => {
    const loaded = await loadPipelines(path.join(DVC_FIXTURES, 'bad', 'missing_var'));
    assert.equal(loaded.problems[0].message, "failed to parse 'stages.train.cmd' in 'dvc.yaml': Could not find 'nope.value'");
    assert.equal(loaded.problems[0].column, 5);
  });

  it('names both stages of a cycle', async () => {
    const loaded = await loadPipelines(path.join(DVC_FIXTURES, 'bad', 'cycle'));
    assert.deepEqual(loaded.dag.cycles, [['a', 'b']]);
    assert.ok(loaded.problems.every((p) => /'a', 'b'/.test(p.message)));
  });
});
