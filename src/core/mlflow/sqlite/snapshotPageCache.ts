import fs from 'node:fs';

// The read-only VFS's snapshot page cache: recently used pages of one database file, all from one generation
// (change counter). A read that runs from it cannot be torn by a commit, however long it takes, so it must hold
// the whole working set of a run-list read (about 6,000 pages for 10,000 runs). Pages live in a few large
// slabs (no Buffer per page, no GC churn), in least-recently-used order; when the generation moves, every
// page still in use is re-read in one burst, adjacent pages with one read.

/** Pages per slab: slabs are allocated as the cache fills, so a small db costs little. */
const SLAB_PAGES = 256;
/** Upper bound of one coalesced read during a refresh (bytes). */
const MAX_RUN_BYTES = 1 << 20;

export class SnapshotPageCache {
  private pageSize = 0;
  private readonly slabs: Uint8Array[] = [];
  /** File offset -> slot, in least- to most-recently-used order (a Map keeps insertion order). */
  private readonly slots = new Map<number, number>();
  /** Per slot: the transaction that last used it. */
  private readonly used: Int32Array;
  private readonly free: number[] = [];
  private allocated = 0;
  private scratch: Buffer | undefined;

  constructor(readonly capacity: number) {
    this.used = new Int32Array(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  clear(): void {
    // Drops the slabs too: the next file may have another page size.
    this.slots.clear();
    this.free.length = 0;
    this.slabs.length = 0;
    this.allocated = 0;
    this.pageSize = 0;
  }

  /** Copies the cached page at `offset` into `out` (if cached with that size) and marks it used. */
  get(offset: number, out: Uint8Array, tx: number): boolean {
    if (out.length !== this.pageSize) return false;
    const slot = this.slots.get(offset);
    if (slot === undefined) return false;
    out.set(this.page(slot));
    this.used[slot] = tx;
    this.slots.delete(offset); // move to the most-recently-used end
    this.slots.set(offset, slot);
    return true;
  }

  /** Stores a page, evicting the least recently used one when full. Pages of another size are not kept. */
  put(offset: number, data: Uint8Array, tx: number): void {
    if (this.pageSize === 0) this.pageSize = data.length;
    if (data.length !== this.pageSize) return;
    let slot = this.slots.get(offset);
    if (slot !== undefined) this.slots.delete(offset);
    else slot = this.takeSlot();
    this.page(slot).set(data);
    this.used[slot] = tx;
    this.slots.set(offset, slot);
  }

  /**
   * Re-reads every page used since transaction `minTx` from `fd` and drops the others (and any that can no
   * longer be read in full). Adjacent pages are read together, so 6,000 pages take a few milliseconds.
   */
  refresh(fd: number, minTx: number): void {
    const keep: number[] = [];
    for (const [offset, slot] of this.slots) {
      if (this.used[slot] >= minTx) keep.push(offset);
      else {
        this.slots.delete(offset);
        this.free.push(slot);
      }
    }
    keep.sort((a, b) => a - b);
    const size = this.pageSize;
    const maxPages = Math.max(1, Math.floor(MAX_RUN_BYTES / Math.max(size, 1)));
    for (let i = 0; i < keep.length; ) {
      let j = i + 1;
      while (j < keep.length && j - i < maxPages && keep[j] === keep[j - 1] + size) j++;
      const bytes = (j - i) * size;
      const buf = this.scratchBuffer(bytes);
      const n = fs.readSync(fd, buf, 0, bytes, keep[i]);
      for (let k = i; k < j; k++) {
        const slot = this.slots.get(keep[k]) as number;
        const start = (k - i) * size;
        if (start + size <= n) this.page(slot).set(buf.subarray(start, start + size));
        else {
          this.slots.delete(keep[k]);
          this.free.push(slot);
        }
      }
      i = j;
    }
  }

  private page(slot: number): Uint8Array {
    const slab = this.slabs[Math.floor(slot / SLAB_PAGES)];
    const start = (slot % SLAB_PAGES) * this.pageSize;
    return slab.subarray(start, start + this.pageSize);
  }

  private takeSlot(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.allocated < this.capacity) {
      const slot = this.allocated++;
      const slabIndex = Math.floor(slot / SLAB_PAGES);
      this.slabs[slabIndex] ??= new Uint8Array(SLAB_PAGES * this.pageSize);
      return slot;
    }
    const [oldestOffset, oldestSlot] = this.slots.entries().next().value as [number, number];
    this.slots.delete(oldestOffset);
    return oldestSlot;
  }

  private scratchBuffer(bytes: number): Buffer {
    if (!this.scratch || this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(Math.max(bytes, 64 * 1024));
    return this.scratch;
  }
}
