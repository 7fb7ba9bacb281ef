// A small protobuf wire-format reader (https://protobuf.dev/programming-guides/encoding/): enough to walk the few
// messages an event file holds, skipping every field we don't know. One reader is reused for every record, and
// sub-messages are read by narrowing `end`, so decoding allocates nothing but the strings it is asked for.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;

const TWO_32 = 4294967296;

/** Bytes that are not valid protobuf (inside a record whose checksum was right, so written that way). */
export class ProtoError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'ProtoError';
  }
}

export class ProtoReader {
  buf: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.buf.buffer);
  pos = 0;
  end = 0;

  /** Points the reader at buf[start, end); `view` must be a DataView over the same bytes (buf.buffer). */
  reset(buf: Uint8Array, view: DataView, start: number, end: number): void {
    this.buf = buf;
    this.view = view;
    this.pos = start;
    this.end = end;
  }

  /** The next field's key (field number << 3 | wire type), or -1 at the end of the current message. */
  key(): number {
    if (this.pos >= this.end) return -1;
    const b = this.buf[this.pos];
    if (b < 0x80) {
      this.pos++;
      return b;
    }
    return this.uint();
  }

  /** An unsigned varint (uint32, uint64 up to 2^53, enum, bool, length). */
  uint(): number {
    const b = this.buf[this.pos];
    if (b < 0x80 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    const hi = this.varint64();
    return (hi >>> 0) * TWO_32 + (this.lo >>> 0);
  }

  /** A signed int64/int32 varint (two's complement, 10 bytes when negative); exact up to 2^53 in magnitude. */
  int(): number {
    const b = this.buf[this.pos];
    if (b < 0x80 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    const hi = this.varint64();
    return (hi | 0) * TWO_32 + (this.lo >>> 0);
  }

  /** Low 32 bits of the last varint64() (kept on the reader to avoid returning a pair). */
  private lo = 0;

  /** Reads a varint of up to 10 bytes; returns its high 32 bits and leaves the low 32 bits in `lo`. */
  private varint64(): number {
    const buf = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let byte = 0x80;
    while (byte & 0x80) {
      if (p >= this.end || shift >= 70) throw new ProtoError('malformed varint', this.pos);
      byte = buf[p++];
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      shift += 7;
    }
    this.pos = p;
    this.lo = lo;
    return hi;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a length prefix and returns where the length-delimited field ends (checked against the message end). */
  lenEnd(): number {
    const len = this.uint();
    const end = this.pos + len;
    if (end > this.end) throw new ProtoError(`field of ${len} bytes runs past the end of its message`, this.pos);
    return end;
  }

  /** Skips the value of a field with this wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.uint();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_START_GROUP:
      case WIRE_END_GROUP:
      default:
        // Groups are proto2-only and never appear in these proto3 messages.
        throw new ProtoError(`unsupported wire type ${wireType}`, this.pos);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError(`${n}-byte field runs past the end of its message`, this.pos);
  }
}
