/**
 * A stable colour index for a run (hash of the run id into a palette of n), so colours stay the same across
 * charts and sessions. FNV-1a over the id's UTF-16 code units: tiny, fast and well spread for hex ids.
 */
export function runColorIndex(runId: string, paletteSize: number): number {
  if (!(paletteSize >= 1)) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % Math.floor(paletteSize);
}

/**
 * Colour indices for a set of runs shown together: each run's own `runColorIndex`, and when two runs of the set
 * collide the later id (in id order, so the result does not depend on the order runs were picked) takes the next
 * free slot. Runs keep their colour as long as the set is the same. With more runs than colours a slot is used again,
 * and the index says how often: slot + paletteSize x round, so the panel can draw later rounds with a line pattern
 * (the colour is the index modulo the palette size).
 */
export function assignRunColors(runIds: readonly string[], paletteSize: number): Map<string, number> {
  const size = paletteSize >= 1 ? Math.floor(paletteSize) : 1;
  const out = new Map<string, number>();
  const timesUsed = new Array<number>(size).fill(0);
  for (const id of [...new Set(runIds)].sort()) {
    // The run's own slot when it is among the least used, else the next one that is: rounds fill evenly.
    const least = Math.min(...timesUsed);
    let slot = runColorIndex(id, size);
    while (timesUsed[slot] > least) slot = (slot + 1) % size;
    out.set(id, slot + size * timesUsed[slot]);
    timesUsed[slot]++;
  }
  return out;
}
