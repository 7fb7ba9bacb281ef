import assert from 'node:assert/strict';
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from '../../../src/core/tensorboard/protoDecoder';
import { pb, varint } from './eventBytes';

function readerOver(bytes: Buffer): ProtoReader {
  const r = new ProtoReader();
  r.reset(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length);
  return r;
}

describe('ProtoReader', () => {
  it('reads unsigned varints of every width', () => {
    for (const n of [0, 1, 127, 128, 300, 16383, 16384, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const r = readerOver(varint(n));
      assert.equal(r.uint(), n, String(n));
      assert.equal(r.pos, varint(n).length);
    }
  });

  it('reads negative int64 (10-byte two\'s complement) exactly', () => {
    for (const n of [-1, -2, -300, -(2 ** 31), -(2 ** 40) - 7, -(2 ** 53) + 1]) {
      const bytes = varint(BigInt(n));
      assert.equal(bytes.length, 10);
      assert.equal(readerOver(bytes).int(), n, String(n));
    }
    assert.equal(readerOver(varint(123456789)).int(), 123456789);
  });

  it('reads keys, doubles and floats, and skips fields of every wire type', () => {
    const bytes = Buffer.concat([
      pb.varint(1, 99999),
      pb.double(2, 1.5e300),
      pb.bytes(3, 'skipped text'),
      pb.float(4, 0.25),
      pb.varint(15, 1),
      pb.double(16, -2.5),
    ]);
    const r = readerOver(bytes);
    const seen: string[] = [];
    for (let key = r.key(); key !== -1; key = r.key()) {
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 2 && wire === WIRE_FIXED64) seen.push(`double ${r.double()}`);
      else if (field === 4 && wire === WIRE_FIXED32) seen.push(`float ${r.float()}`);
      else if (field === 16) seen.push(`double ${r.double()}`);
      else {
        assert.ok([WIRE_VARINT, WIRE_LEN].includes(wire));
        r.skip(wire);
        seen.push(`skip ${field}`);
      }
    }
    assert.deepEqual(seen, ['skip 1', 'double 1.5e+300', 'skip 3', 'float 0.25', 'skip 15', 'double -2.5']);
    assert.equal(r.pos, bytes.length);
  });

  it('throws ProtoError on truncated or malformed input instead of reading past the message', () => {
    assert.throws(() => readerOver(Buffer.from([0x80, 0x80])).uint(), ProtoError);
    assert.throws(() => readerOver(Buffer.alloc(11, 0xff)).int(), ProtoError);
    const lenPastEnd = Buffer.concat([varint((1 << 3) | 2), varint(50), Buffer.from('short')]);
    const r = readerOver(lenPastEnd);
    r.key();
    assert.throws(() => r.lenEnd(), /runs past the end/);
    const d = readerOver(Buffer.from([0x09, 1, 2, 3]));
    d.key();
    assert.throws(() => d.double(), ProtoError);
    const g = readerOver(Buffer.from([0x0b]));
    assert.throws(() => g.skip(g.key() & 7), /wire type 3/);
  });

  it('stops at a narrowed end even when more bytes follow in the buffer', () => {
    const bytes = Buffer.concat([pb.varint(1, 5), pb.varint(2, 6)]);
    const r = readerOver(bytes);
    r.end = 2;
    assert.equal(r.key(), (1 << 3) | 0);
    assert.equal(r.uint(), 5);
    assert.equal(r.key(), -1);
  });
});
