import type { StringColumns } from './runColumns';

// Distinct strings as UTF-8 bytes, added straight from SQLite's memory: no JS string is made per cell, and a
// string seen before (20 param keys x 10,000 runs, tag values like "LOCAL") is stored once. Lookup is an
// open-addressing hash table in typed arrays, so 300,000 strings add no per-entry objects to the heap.

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** `a`, or a copy at least `need` long (doubling) when it is shorter. */
export function grown<T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class StringTableBuilder {
  private bytes: Uint8Array;
  private used = 0;
  private count = 0;
  /** offsets[i] = start of string i; offsets[count] = used. */
  private offsets: Uint32Array;
  private hashes: Int32Array;
  private nonAscii: Uint8Array;
  /** id + 1 of the string in each slot; 0 = empty. Never over half full. */
  private slots: Int32Array;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** Room for `strings` strings of `bytes` bytes in all before anything grows. */
  constructor(strings = 1024, bytes = 1 << 16) {
    this.bytes = new Uint8Array(bytes);
    this.offsets = new Uint32Array(strings + 1);
    this.hashes = new Int32Array(strings);
    this.nonAscii = new Uint8Array(strings);
    let slots = 4096;
    while (slots < strings * 2 + 2) slots *= 2;
    this.slots = new Int32Array(slots);
  }

  get bytesUsed(): number {
    return this.used;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `len` bytes of `src` from `start` (UTF-8) and returns the string's id; the same bytes give the same id. */
  add(src: Uint8Array, start: number, len: number): number {
    if (this.used + len > this.bytes.length) this.bytes = grown(this.bytes, this.used + len);
    const out = this.bytes;
    const at = this.used;
    let h = FNV_OFFSET;
    let high = 0;
    for (let k = 0; k < len; k++) {
      const b = src[start + k];
      out[at + k] = b;
      high |= b;
      h = Math.imul(h ^ b, FNV_PRIME);
    }
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let e = this.slots[slot]; e !== 0; e = this.slots[slot]) {
      const id = e - 1;
      if (this.hashes[id] === h && this.equalsAt(id, out, at, len)) return id; // the copy at `at` is dropped
      slot = (slot + 1) & mask;
    }
    const id = this.count++;
    this.offsets = grown(this.offsets, id + 2);
    this.hashes = grown(this.hashes, id + 1);
    this.nonAscii = grown(this.nonAscii, id + 1);
    this.hashes[id] = h;
    this.nonAscii[id] = high >= 0x80 ? 1 : 0;
    this.used = at + len;
    this.offsets[id + 1] = this.used;
    this.slots[slot] = id + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  addText(s: string): number {
    const utf8 = this.encoder.encode(s);
    return this.add(utf8, 0, utf8.length);
  }

  /** True if string `id` is exactly `len` bytes of `src` from `start`. */
  equalsAt(id: number, src: Uint8Array, start: number, len: number): boolean {
    const from = this.offsets[id];
    if (this.offsets[id + 1] - from !== len) return false;
    const b = this.bytes;
    for (let k = 0; k < len; k++) if (b[from + k] !== src[start + k]) return false;
    return true;
  }

  text(id: number): string {
    return this.decoder.decode(this.bytes.subarray(this.offsets[id], this.offsets[id + 1]));
  }

  /** The table as columns (views of this builder's buffers: use it no further). */
  finish(): StringColumns {
    return {
      count: this.count,
      bytes: this.bytes.subarray(0, this.used),
      offsets: this.offsets.subarray(0, this.count + 1),
      nonAscii: this.nonAscii.subarray(0, this.count),
    };
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}
