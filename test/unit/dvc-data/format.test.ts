import assert from 'node:assert/strict';
import { dataTooltipMarkdown, formatBytes, versionTooltipMarkdown } from '../../../src/core/dvc/data/dataFormat';
import type { DataDiff, TrackedData } from '../../../src/core/dvc/data/dataTypes';
import { diffManifests } from '../../../src/core/dvc/data/dirDiff';
import { diffMarkdown } from '../../../src/core/dvc/data/diffMarkdown';
import { parseFileLog } from '../../../src/core/dvc/data/git';

describe('Data view text', () => {
  it('formats sizes in powers of 1024', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(10 * 1024 * 1024), '10 MB');
    assert.equal(formatBytes(3.25 * 1024 ** 3), '3.25 GB');
  });

  it('escapes names from the repository in tooltips: no markup, no links, no HTML', () => {
    const item: TrackedData = {
      id: 'x', repoRoot: '/r', path: '/r/[evil](http://x)', relPath: '[evil](http://x) *bold* <img>',
      source: { kind: 'dvc-file', file: '/r/e.dvc', outPath: 'x' }, cache: true, frozen: false,
      recorded: { md5: '0123456789abcdef0123456789abcdef', hashName: 'md5', isDir: false, size: 2048 },
    };
    const md = dataTooltipMarkdown(item, { status: 'modified', reason: 'a `reason` with <b>html</b>' });
    assert.ok(!md.includes('[evil](http'), md);
    assert.ok(!md.includes('<img>') && !md.includes('<b>'), md);
    assert.match(md, /\\\*bold\\\*/);
    assert.match(md, /Size: 2 KB \(2,048 bytes\)/);
    const v = versionTooltipMarkdown({ commit: 'a'.repeat(40), date: '2024-01-01T00:00:00+00:00', author: '<script>', subject: '# heading [x](y)', recordPath: 'e.dvc' });
    assert.ok(!v.includes('<script>') && !v.includes('[x](y)'), v);
  });

  it('keeps a | in a file name from breaking the diff tables', () => {
    const diff: DataDiff = {
      relPath: 'data', identical: false, kindChanged: false, notes: ['a note with *stars*'],
      older: { label: 'abc1234 · 2024-01-01', recorded: { md5: 'a'.repeat(32) + '.dir', hashName: 'md5', isDir: true, size: 10, nfiles: 1 } },
      newer: { label: 'def5678 · 2024-02-01', recorded: { md5: 'b'.repeat(32) + '.dir', hashName: 'md5', isDir: true, size: 30, nfiles: 2 } },
      dir: { added: [{ relpath: 'a|b.txt', md5: 'c'.repeat(32), size: 20 }], removed: [], modified: [], unchanged: 1 },
    };
    const md = diffMarkdown(diff);
    assert.match(md, /\| `a\\\|b\.txt` \| 20 B \|/);
    assert.match(md, /\| Size \| 10 B \| 30 B \| \+20 B \|/);
    assert.match(md, /\| Files \| 1 \| 2 \| \+1 \|/);
    assert.match(md, /- a note with \\\*stars\\\*/);
  });

  it('diffs manifests by relpath and sorts each list', () => {
    const d = diffManifests(
      [{ relpath: 'b', md5: '1' }, { relpath: 'a', md5: '2' }, { relpath: 'same', md5: '3' }],
      [{ relpath: 'same', md5: '3' }, { relpath: 'z', md5: '4' }, { relpath: 'c', md5: '5' }, { relpath: 'a', md5: '6' }],
      (md5) => (md5 === '6' ? 60 : undefined),
    );
    assert.deepEqual(d.added.map((f) => f.relpath), ['c', 'z']);
    assert.deepEqual(d.removed.map((f) => f.relpath), ['b']);
    assert.deepEqual(d.modified, [{ relpath: 'a', older: { relpath: 'a', md5: '2' }, newer: { relpath: 'a', md5: '6', size: 60 } }]);
    assert.equal(d.unchanged, 1);
  });

  it('parses git log records: fields, the path at each commit, subjects with odd characters', () => {
    const c1 = '1'.repeat(40);
    const c2 = '2'.repeat(40);
    const text = `\x1e${c1}\x1f2024-02-03T14:15:00+00:00\x1fGrace Hopper\x1fgrace@example.com\x1fMove | rename: "data"\0\ndata/new.dvc\0` +
      `\x1e${c2}\x1f2024-01-02T09:30:00+00:00\x1fAda\x1fada@example.com\x1f\0\ndata/old.dvc\0`;
    const log = parseFileLog(text, 'fallback.dvc');
    assert.deepEqual(log, [
      { commit: c1, date: '2024-02-03T14:15:00+00:00', author: 'Grace Hopper', authorEmail: 'grace@example.com', subject: 'Move | rename: "data"', path: 'data/new.dvc' },
      { commit: c2, date: '2024-01-02T09:30:00+00:00', author: 'Ada', authorEmail: 'ada@example.com', subject: '', path: 'data/old.dvc' },
    ]);
  });
});
