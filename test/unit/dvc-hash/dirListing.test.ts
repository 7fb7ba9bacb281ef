import assert from 'node:assert/strict';
import { dirHash, dirListingBytes, parseDirManifest } from '../../../src/core/dvc/hash/dirListing';
import { compareCodePoints, pythonJsonDumps, pythonJsonString } from '../../../src/core/dvc/hash/pythonJson';
import { hashCases } from './hashFixtures';

describe('folder manifests (answers from dvc-data Tree)', () => {
  for (const [name, tree] of Object.entries(hashCases().trees)) {
    it(`${name}: manifest bytes and .dir md5 equal DVC's`, () => {
      // Entries in a scrambled order: the listing sorts them itself.
      const entries = [...tree.entries].reverse();
      assert.equal(dirListingBytes(entries).toString('utf8'), tree.manifest);
      assert.equal(dirHash(entries).md5, tree.md5);
      assert.deepEqual(parseDirManifest(tree.manifest)?.map((e) => e.relpath).sort(), tree.entries.map((e) => e.relpath).sort());
    });
  }

  it('rejects manifests that are not lists of {md5, relpath}', () => {
    assert.equal(parseDirManifest('{"md5": "x"}'), undefined);
    assert.equal(parseDirManifest('[{"md5": 1, "relpath": "a"}]'), undefined);
    assert.equal(parseDirManifest('not json'), undefined);
  });
});

describe("Python's json.dumps", () => {
  it('escapes as ensure_ascii does', () => {
    assert.equal(pythonJsonString('é😀"\\\n\t\x01\x7f~'), '"\\u00e9\\ud83d\\ude00\\"\\\\\\n\\t\\u0001\\u007f~"');
  });

  it('uses ", " and ": " and keeps the key order of a Map, integer-like keys included', () => {
    const value = new Map<string, unknown>([['b', ['x', 'y']], ['10', new Map([['2', 'a'], ['1', 'b']])], ['a', 'z']]);
    assert.equal(pythonJsonDumps(value as never), '{"b": ["x", "y"], "10": {"2": "a", "1": "b"}, "a": "z"}');
    assert.equal(pythonJsonDumps({ b: 1, a: [true, null] }, true), '{"a": [true, null], "b": 1}');
  });

  it('orders strings by code point, as Python sorts them', () => {
    const sorted = ['\uffff', '😀', 'é', 'a', 'B'].sort(compareCodePoints);
    assert.deepEqual(sorted, ['B', 'a', 'é', '\uffff', '😀']);
  });
});
