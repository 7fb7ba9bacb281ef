import assert from 'node:assert/strict';
import { maskedCrc32c } from '../../../src/core/tensorboard/crc32c';
import { scanRecords, type FramingIssue } from '../../../src/core/tensorboard/tfRecordReader';
import { frame } from './eventBytes';

function scan(bytes: Buffer, baseOffset = 0): { records: string[]; offsets: number[]; consumed: number; issues: FramingIssue[] } {
  const records: string[] = [];
  const offsets: number[] = [];
  const issues: FramingIssue[] = [];
  const consumed = scanRecords(bytes, bytes.length, baseOffset, (b, s, e, off) => {
    records.push(Buffer.from(b.subarray(s, e)).toString('latin1'));
    offsets.push(off);
  }, issues);
  return { records, offsets, consumed, issues };
}

const payloads = ['first', '', 'x'.repeat(300), 'last one'];
const file = Buffer.concat(payloads.map((p) => frame(Buffer.from(p, 'latin1'))));
const starts = payloads.reduce<number[]>((acc, p, i) => [...acc, i === 0 ? 0 : acc[i - 1] + 16 + payloads[i - 1].length], []);

describe('scanRecords (TFRecord framing)', () => {
  it('returns every record with its file offset, and consumes the whole buffer', () => {
    const r = scan(file, 1000);
    assert.deepEqual(r.records, payloads);
    assert.deepEqual(r.offsets, starts.map((s) => s + 1000));
    assert.equal(r.consumed, file.length);
    assert.deepEqual(r.issues, []);
  });

  it('stops before an incomplete record wherever the data is cut, without reporting anything', () => {
    for (let cut = 0; cut <= file.length; cut++) {
      const r = scan(file.subarray(0, cut));
      const complete = starts.filter((s, i) => s + 16 + payloads[i].length <= cut).length;
      assert.deepEqual(r.records, payloads.slice(0, complete), `cut at ${cut}`);
      assert.equal(r.consumed, complete === payloads.length ? file.length : starts[complete], `cut at ${cut}`);
      assert.deepEqual(r.issues, [], `cut at ${cut}`);
    }
  });

  it('skips a record whose data checksum is wrong, naming its offset, and reads on', () => {
    const bad = Buffer.from(file);
    bad[starts[2] + 12 + 5] ^= 0x01; // one bit of the third record's data
    const r = scan(bad, 4096);
    assert.deepEqual(r.records, ['first', '', 'last one']);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0].offset, 4096 + starts[2]);
    assert.match(r.issues[0].message, new RegExp(`byte ${4096 + starts[2]} \\(data checksum mismatch`));
    assert.equal(r.consumed, file.length);
  });

  it('skips a record whose footer checksum byte is flipped', () => {
    const bad = Buffer.from(file);
    bad[starts[1] + 12] ^= 0xff; // the empty record's data CRC
    const r = scan(bad);
    assert.deepEqual(r.records, ['first', 'x'.repeat(300), 'last one']);
    assert.equal(r.issues.length, 1);
  });

  it('finds the next record after a damaged length (bad length checksum)', () => {
    const bad = Buffer.from(file);
    bad[starts[1] + 9] ^= 0x10; // the second record's length CRC
    const r = scan(bad);
    assert.deepEqual(r.records, ['first', 'x'.repeat(300), 'last one']);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0].offset, starts[1]);
    assert.match(r.issues[0].message, /length checksum mismatch.*skipped 16 bytes/);
  });

  it('treats a length whose checksum is right but that is absurd (over 2 GiB) as damage', () => {
    const header = Buffer.alloc(12);
    header.writeBigUInt64LE(1n << 40n);
    header.writeUInt32LE(maskedCrc32c(header, 0, 8), 8);
    const r = scan(Buffer.concat([header, file]));
    assert.deepEqual(r.records, payloads);
    assert.equal(r.issues.length, 1);
  });

  it('skips garbage with no record after it, keeping the last bytes in case a header is still being written', () => {
    const garbage = Buffer.alloc(100, 0xab);
    const r = scan(Buffer.concat([frame(Buffer.from('ok')), garbage]));
    assert.deepEqual(r.records, ['ok']);
    assert.equal(r.issues.length, 1);
    assert.match(r.issues[0].message, /no valid record after it/);
    assert.equal(r.consumed, 18 + 100 - 11);
  });
});
