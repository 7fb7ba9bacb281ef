import assert from 'node:assert/strict';
import { assignRunColors, runColorIndex } from '../../../src/core/compare/runColors';
import { seededRandom } from './seriesHelpers';

function randomRunId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(random() * 16).toString(16);
  return id;
}

describe('runColorIndex', () => {
  it('is stable, inside the palette and spread evenly over it', () => {
    const random = seededRandom(3);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 5000; i++) {
      const id = randomRunId(random);
      const index = runColorIndex(id, 10);
      assert.equal(runColorIndex(id, 10), index);
      assert.ok(Number.isInteger(index) && index >= 0 && index < 10);
      counts[index]++;
    }
    for (const c of counts) assert.ok(c > 400 && c < 600, `uneven: ${counts.join(',')}`);
    // Pinned to FNV-1a's published values (0x811c9dc5 for "", 0xe40c292c for "a", 0xbf9cf968 for "foobar"):
    // colours must not change between releases, or users' runs change colour.
    assert.equal(runColorIndex('', 2 ** 32), 0x811c9dc5);
    assert.equal(runColorIndex('a', 2 ** 32), 0xe40c292c);
    assert.equal(runColorIndex('foobar', 2 ** 32), 0xbf9cf968);
    assert.equal(runColorIndex('a', 1000), 0xe40c292c % 1000);
    assert.equal(runColorIndex('abc', 0), 0);
  });

  it('gives the runs of one set distinct colours, whatever order they come in', () => {
    const random = seededRandom(4);
    const ids = Array.from({ length: 8 }, () => randomRunId(random));
    const colors = assignRunColors(ids, 10);
    assert.equal(new Set(colors.values()).size, 8);
    const reversed = assignRunColors([...ids].reverse(), 10);
    for (const id of ids) assert.equal(reversed.get(id), colors.get(id));
    assert.equal(assignRunColors(Array.from({ length: 25 }, () => randomRunId(random)), 10).size, 25);
  });

  it('beyond the palette, gives every run a distinct index: colour = index mod size, round = index div size', () => {
    const random = seededRandom(11);
    const ids = Array.from({ length: 25 }, () => randomRunId(random));
    const colors = assignRunColors(ids, 10);
    assert.equal(new Set(colors.values()).size, 25, 'no two runs share colour and pattern');
    const rounds = [...colors.values()].map((i) => Math.floor(i / 10));
    assert.deepEqual([0, 1, 2].map((r) => rounds.filter((x) => x === r).length), [10, 10, 5], 'each colour is used once per round');
  });
});
