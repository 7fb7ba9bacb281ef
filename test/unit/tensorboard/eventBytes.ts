import { maskedCrc32c } from '../../../src/core/tensorboard/crc32c';

// A tiny protobuf and TFRecord encoder for hand-made test inputs (the real writer's output is in the fixtures).

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);

export const pb = {
  varint: (field: number, n: number | bigint) => Buffer.concat([key(field, 0), varint(n)]),
  double: (field: number, x: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return Buffer.concat([key(field, 1), b]);
  },
  float: (field: number, x: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return Buffer.concat([key(field, 5), b]);
  },
  bytes: (field: number, data: Buffer | string) => {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return Buffer.concat([key(field, 2), varint(b.length), b]);
  },
  message: (field: number, ...parts: Buffer[]) => pb.bytes(field, Buffer.concat(parts)),
};

export const DT = { FLOAT: 1, DOUBLE: 2, INT32: 3, UINT8: 4, INT64: 9, BOOL: 10, BFLOAT16: 14, HALF: 19, STRING: 7, UINT64: 23 };

/** SummaryMetadata with a plugin name. */
export function metadata(plugin: string): Buffer {
  return pb.message(9, pb.message(1, pb.bytes(1, plugin)));
}

/** A Summary.Value with simple_value. */
export function simpleValue(tag: string, value: number, ...extra: Buffer[]): Buffer {
  return pb.message(1, pb.bytes(1, tag), pb.float(2, value), ...extra);
}

/** A Summary.Value with a tensor (TensorProto fields given), optionally with plugin metadata. */
export function tensorValue(tag: string, tensorFields: Buffer[], plugin?: string): Buffer {
  return pb.message(1, pb.bytes(1, tag), pb.message(8, ...tensorFields), ...(plugin === undefined ? [] : [metadata(plugin)]));
}

/** An Event with a summary of these values. */
export function summaryEvent(wallTime: number, step: number, ...values: Buffer[]): Buffer {
  return Buffer.concat([pb.double(1, wallTime), pb.varint(2, step), pb.message(5, ...values)]);
}

export function fileVersionEvent(wallTime: number): Buffer {
  return Buffer.concat([pb.double(1, wallTime), pb.bytes(3, 'brain.Event:2')]);
}

/** One TFRecord around `data`. */
export function frame(data: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length));
  header.writeUInt32LE(maskedCrc32c(header, 0, 8), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data));
  return Buffer.concat([header, data, footer]);
}

export function records(...events: Buffer[]): Buffer {
  return Buffer.concat(events.map(frame));
}
