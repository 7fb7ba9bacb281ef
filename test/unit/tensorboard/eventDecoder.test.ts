import assert from 'node:assert/strict';
import { EventDecoder } from '../../../src/core/tensorboard/eventDecoder';
import { ProtoError } from '../../../src/core/tensorboard/protoDecoder';
import { RunScalars } from '../../../src/core/tensorboard/runScalars';
import { bfloat16ToFloat, halfToFloat } from '../../../src/core/tensorboard/tensorValue';
import { DT, fileVersionEvent, metadata, pb, simpleValue, summaryEvent, tensorValue, varint } from './eventBytes';

function decodeAll(...events: Buffer[]): RunScalars {
  const run = new RunScalars(true);
  const decoder = new EventDecoder(run.plugins, run);
  for (const e of events) {
    // Decode from inside a larger buffer, as records are read from a chunk of the file.
    const chunk = Buffer.concat([Buffer.from('junk before'), e, Buffer.from('after')]);
    decoder.decode(chunk, 11, 11 + e.length);
    run.sawEvent(decoder.wallTime);
  }
  return run;
}

function points(run: RunScalars, tag: string): Array<[number, number, number]> {
  const s = run.tags.get(tag)?.series();
  assert.ok(s, `no series ${tag}; have ${[...run.tags.keys()].join(', ')}`);
  return Array.from(s.steps, (step, i) => [step, s.timestamps[i], s.values[i]]);
}

const f32 = (x: number) => Math.fround(x);
const content = (write: (b: Buffer) => void, n: number) => {
  const b = Buffer.alloc(n);
  write(b);
  return pb.bytes(4, b);
};

describe('EventDecoder', () => {
  it('reads simple_value scalars with step and wall time (ms)', () => {
    const run = decodeAll(
      fileVersionEvent(1700000000.25),
      summaryEvent(1700000001.5, 0, simpleValue('loss', 0.75), simpleValue('acc', 0.1)),
      summaryEvent(1700000002.0004, 7, simpleValue('loss', 0.5)),
    );
    assert.deepEqual(points(run, 'loss'), [[0, 1700000001500, 0.75], [7, 1700000002000, 0.5]]);
    assert.deepEqual(points(run, 'acc'), [[0, 1700000001500, f32(0.1)]]);
    assert.equal(run.firstTime, 1700000000250);
    assert.equal(run.lastTime, 1700000002000);
  });

  it('reads TF2 scalar tensors in every encoding, keying the plugin on the tag\'s first metadata', () => {
    const scalarShape = pb.message(2); // TensorShapeProto with no dims: rank 0
    const run = decodeAll(
      summaryEvent(1, 0,
        tensorValue('packed_float', [pb.varint(1, DT.FLOAT), scalarShape, pb.message(5, Buffer.from(new Float32Array([0.5]).buffer))], 'scalars'),
        tensorValue('content_float', [pb.varint(1, DT.FLOAT), content((b) => b.writeFloatLE(1.25), 4)], 'scalars'),
        tensorValue('content_double', [pb.varint(1, DT.DOUBLE), content((b) => b.writeDoubleLE(0.1), 8)], 'scalars'),
        tensorValue('double_val', [pb.varint(1, DT.DOUBLE), pb.double(6, -3.5)], 'scalars'),
        tensorValue('unpacked_float', [pb.varint(1, DT.FLOAT), pb.float(5, 2.5)], 'scalars'),
        tensorValue('int64_val', [pb.varint(1, DT.INT64), pb.varint(10, -42)], 'scalars'),
        tensorValue('int64_content', [pb.varint(1, DT.INT64), content((b) => b.writeBigInt64LE(9007199254740993n), 8)], 'scalars'),
        tensorValue('int32_packed', [pb.varint(1, DT.INT32), pb.message(7, varint(300))], 'scalars'),
        tensorValue('uint8_content', [pb.varint(1, DT.UINT8), content((b) => b.writeUInt8(200), 1)], 'scalars'),
        tensorValue('bool_val', [pb.varint(1, DT.BOOL), pb.varint(11, 1)], 'scalars'),
        tensorValue('half_val', [pb.varint(1, DT.HALF), pb.varint(13, 0x3c00)], 'scalars'),
        tensorValue('bfloat16_content', [pb.varint(1, DT.BFLOAT16), content((b) => b.writeUInt16LE(0x4049), 2)], 'scalars'),
        tensorValue('one_by_one', [pb.varint(1, DT.FLOAT), pb.message(2, pb.message(2, pb.varint(1, 1)), pb.message(2, pb.varint(1, 1))), pb.float(5, 4)], 'scalars'),
        tensorValue('empty_is_zero', [pb.varint(1, DT.FLOAT)], 'scalars'),
      ),
      // Later values carry no metadata: the tag's first metadata still makes them scalars.
      summaryEvent(2, 1, tensorValue('content_float', [pb.varint(1, DT.FLOAT), content((b) => b.writeFloatLE(-1), 4)])),
    );
    const latest = (tag: string) => points(run, tag).at(-1)?.[2];
    assert.equal(latest('packed_float'), 0.5);
    assert.deepEqual(points(run, 'content_float').map((p) => p[2]), [1.25, -1]);
    assert.equal(latest('content_double'), 0.1);
    assert.equal(latest('double_val'), -3.5);
    assert.equal(latest('unpacked_float'), 2.5);
    assert.equal(latest('int64_val'), -42);
    assert.equal(latest('int64_content'), 9007199254740992); // nearest double, as numpy's .item() then float()
    assert.equal(latest('int32_packed'), 300);
    assert.equal(latest('uint8_content'), 200);
    assert.equal(latest('bool_val'), 1);
    assert.equal(latest('half_val'), 1);
    assert.equal(latest('bfloat16_content'), bfloat16ToFloat(0x4049));
    assert.equal(latest('one_by_one'), 4);
    assert.equal(latest('empty_is_zero'), 0);
  });

  it('ignores tensors that are not one number, tensors of other plugins, and tags never marked as scalars', () => {
    const run = decodeAll(
      summaryEvent(1, 0,
        tensorValue('vector', [pb.varint(1, DT.FLOAT), pb.message(2, pb.message(2, pb.varint(1, 2))), pb.message(5, Buffer.from(new Float32Array([1, 2]).buffer))], 'scalars'),
        tensorValue('two_values_no_shape', [pb.varint(1, DT.FLOAT), pb.float(5, 1), pb.float(5, 2)], 'scalars'),
        tensorValue('string', [pb.varint(1, DT.STRING), pb.bytes(8, 'hello')], 'scalars'),
        tensorValue('wrong_width', [pb.varint(1, DT.DOUBLE), content((b) => b.writeFloatLE(1), 4)], 'scalars'),
        tensorValue('wrong_field', [pb.varint(1, DT.DOUBLE), pb.float(5, 1)], 'scalars'),
        tensorValue('histogram', [pb.varint(1, DT.DOUBLE), pb.double(6, 1)], 'histograms'),
        tensorValue('no_metadata_ever', [pb.varint(1, DT.FLOAT), pb.float(5, 1)]),
        tensorValue('unknown_rank', [pb.varint(1, DT.FLOAT), pb.message(2, pb.varint(3, 1)), pb.float(5, 1)], 'scalars'),
        // An image (field 4) and a histogram (field 5): not decoded at all.
        pb.message(1, pb.bytes(1, 'image'), pb.message(4, pb.varint(1, 2), pb.bytes(4, Buffer.alloc(20)))),
        pb.message(1, pb.bytes(1, 'histo'), pb.message(5, pb.double(1, 0), pb.double(2, 1))),
        simpleValue('kept', 1),
      ),
    );
    assert.deepEqual([...run.tags.keys()], ['kept']);
    assert.equal(run.plugins.get('histogram'), 'histograms');
    assert.equal(run.plugins.has('no_metadata_ever'), false);
  });

  it('treats a simple_value as a scalar whatever metadata it carries, and remembers the first plugin only', () => {
    const run = decodeAll(
      summaryEvent(1, 0, simpleValue('a', 1, metadata('something_else'))),
      summaryEvent(2, 1, tensorValue('b', [pb.varint(1, DT.FLOAT), pb.float(5, 1)], 'text')),
      summaryEvent(3, 2, tensorValue('b', [pb.varint(1, DT.FLOAT), pb.float(5, 2)], 'scalars')),
    );
    assert.deepEqual(points(run, 'a'), [[0, 1000, 1]]);
    assert.equal(run.tags.has('b'), false);
    assert.equal(run.plugins.get('b'), 'text');
  });

  it('reads fields in any order, skips unknown fields, and reads negative and large steps', () => {
    const event = Buffer.concat([
      pb.bytes(99, 'future field'),
      pb.message(5, simpleValue('x', 3)),
      pb.message(10, pb.bytes(1, 'writer')), // source_metadata
      pb.varint(2, -5),
      pb.double(1, 1234.5),
    ]);
    const run = decodeAll(event, summaryEvent(1235, 2 ** 40, simpleValue('x', 4)));
    assert.deepEqual(points(run, 'x'), [[-5, 1234500, 3], [2 ** 40, 1235000, 4]]);
  });

  it('reads hparams session_start_info into params', () => {
    const entry = (name: string, value: Buffer) => pb.message(1, pb.bytes(1, name), pb.message(2, value));
    const ssi = pb.message(3,
      entry('lr', pb.double(2, 1e-5)),
      entry('batch_size', pb.double(2, 32)),
      entry('optimizer', pb.bytes(3, 'adam')),
      entry('amsgrad', pb.varint(4, 1)),
      entry('none', pb.varint(1, 0)),
      entry('layers', pb.message(6, pb.message(1, pb.double(2, 64)), pb.message(1, pb.bytes(3, 'relu')))),
    );
    const value = pb.message(1, pb.bytes(1, '_hparams_/session_start_info'), pb.message(9, pb.message(1, pb.bytes(1, 'hparams'), pb.bytes(2, Buffer.concat([pb.varint(1, 0), ssi])))));
    const run = decodeAll(summaryEvent(5, 0, value));
    assert.deepEqual(Object.fromEntries(run.hparams), {
      lr: '1e-05',
      batch_size: '32',
      optimizer: 'adam',
      amsgrad: 'True',
      none: 'None',
      layers: '[64,"relu"]',
    });
    assert.equal(run.tags.size, 0);
  });

  it('throws ProtoError for an event that is not valid protobuf', () => {
    const run = new RunScalars(false);
    const decoder = new EventDecoder(run.plugins, run);
    const bad = Buffer.from([0x2a, 0x10, 0x0a]); // summary of 16 bytes, only 1 there
    assert.throws(() => decoder.decode(bad, 0, bad.length), ProtoError);
  });
});

describe('float16 and bfloat16', () => {
  it('converts bit patterns as IEEE 754 and bfloat16 define them', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
    assert.equal(bfloat16ToFloat(0x3f80), 1);
    assert.equal(bfloat16ToFloat(0x4049), Math.fround(3.140625));
  });
});
