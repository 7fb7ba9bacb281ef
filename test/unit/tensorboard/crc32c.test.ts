import assert from 'node:assert/strict';
import { crc32c, maskedCrc32c } from '../../../src/core/tensorboard/crc32c';

/** Bit-at-a-time CRC-32C, straight from the definition, to check the table-driven one against. */
function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value and the RFC 3720 (iSCSI) test vectors', () => {
    assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
    assert.equal(crc32c(new Uint8Array(0)), 0);
  });

  it('agrees with the bit-at-a-time definition for every length and alignment up to 40 bytes', () => {
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 167 + 13) & 0xff);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= start + 40; end++) {
        assert.equal(crc32c(data, start, end), referenceCrc32c(data.subarray(start, end)), `bytes [${start}, ${end})`);
      }
    }
  });

  it('masks as TFRecord does: rotate right 15, add 0xa282ead8', () => {
    // The masked CRC of an 8-byte little-endian length 0, as TensorFlow's writer puts in every empty record.
    const zeros = new Uint8Array(8);
    const crc = crc32c(zeros);
    assert.equal(maskedCrc32c(zeros), (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
    // Computed by tensorboard's own masked_crc32c (compat/tensorflow_stub/pywrap_tensorflow.py).
    assert.equal(maskedCrc32c(Buffer.from('123456789', 'ascii')), 0xc78ab0e5);
  });
});
