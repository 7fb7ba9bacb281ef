import assert from 'node:assert/strict';
import { ioProblem } from '../../../src/core/mlflow/fileStore/fsProblems';

describe('ioProblem', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

  it('turns EACCES into an actionable permission problem', () => {
    const p = ioProblem('/s/0', err('EACCES'), 'this folder');
    assert.equal(p.file, '/s/0');
    assert.equal(p.severity, 'error');
    assert.match(p.message, /Permission denied: give your user read access/);
  });

  it('explains ELOOP', () => {
    assert.match(ioProblem('/s/l', err('ELOOP'), 'this file').message, /points back to itself/);
  });

  it('rethrows aborts instead of making them problems', () => {
    const abort = new DOMException('aborted', 'AbortError');
    assert.throws(() => ioProblem('/x', abort, 'x'), { name: 'AbortError' });
  });
});
