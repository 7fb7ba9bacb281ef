import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileIgnorePattern, DvcIgnore } from '../../../src/core/dvc/hash/dvcIgnore';
import { hashCases, tempDir, writeTree } from './hashFixtures';

describe('.dvcignore patterns (answers from DVC over pathspec)', () => {
  const cases = hashCases().ignore;
  for (const c of cases) {
    it(`${c.pattern} ${c.ignored ? 'ignores' : 'keeps'} ${c.path}${c.isDir ? '/' : ''}`, () => {
      const root = tempDir('dvcignore-');
      try {
        fs.writeFileSync(path.join(root, '.dvcignore'), c.pattern + '\n');
        const ignore = new DvcIgnore(root);
        assert.equal(ignore.isIgnored(path.join(root, c.path), c.isDir), c.ignored);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('drops comments, blanks and broken ranges', () => {
    assert.equal(compileIgnorePattern('# comment'), undefined);
    assert.equal(compileIgnorePattern('   '), undefined);
    assert.equal(compileIgnorePattern('/'), undefined);
    assert.equal(compileIgnorePattern('[abc'), undefined);
    assert.equal(compileIgnorePattern('!keep')?.exclude, false);
  });

  it('applies nested .dvcignore files relative to their folder, the deeper one last, and the built-in patterns', () => {
    const root = tempDir('dvcignore-');
    try {
      writeTree(root, { '.dvcignore': '*.log\n', 'sub/.dvcignore': '!keep.log\nlocal.txt\n', 'sub/x': '' });
      const ignore = new DvcIgnore(root);
      assert.equal(ignore.isIgnored(path.join(root, 'a.log'), false), true);
      assert.equal(ignore.isIgnored(path.join(root, 'sub/a.log'), false), true);
      assert.equal(ignore.isIgnored(path.join(root, 'sub/keep.log'), false), false);
      assert.equal(ignore.isIgnored(path.join(root, 'keep.log'), false), true);
      assert.equal(ignore.isIgnored(path.join(root, 'sub/local.txt'), false), true);
      assert.equal(ignore.isIgnored(path.join(root, 'local.txt'), false), false);
      assert.equal(ignore.isIgnored(path.join(root, 'x/.git'), true), true);
      assert.equal(ignore.isIgnored(path.join(root, '.dvc'), true), true);
      assert.equal(ignore.isIgnored(path.join(root, '.dvc/config'), false), true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
