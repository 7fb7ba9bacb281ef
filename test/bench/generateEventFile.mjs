// Writes a large TensorBoard event file for the parse-speed benchmark, with the record mix of a real training run:
// per step, torch-style events of one `simple_value` each (SummaryWriter.add_scalar writes one event per call), every
// 10 steps a TF2-style tensor scalar (plugin metadata on the tag's first value only), every 100 steps a ~2 KB
// histogram (not a scalar: skipped). Same framing and field layout as the real writers (checked by the unit tests
// against files they wrote). Uses the compiled crc32c from the build dir.
//   node generateEventFile.mjs --build out-bench-build --out FILE --mb 100
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function generateEventFile(build, file, megabytes) {
  const { maskedCrc32c } = await import(pathToFileURL(path.join(build, 'src/core/tensorboard/crc32c.js')).href);
  const target = megabytes * 1024 * 1024;
  const out = openSync(file, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  let used = 0;
  let written = 0;
  let records = 0;
  const flush = () => {
    writeSync(out, chunk, 0, used);
    written += used;
    used = 0;
  };
  const record = (data) => {
    if (used + data.length + 16 > chunk.length) flush();
    chunk.writeBigUInt64LE(BigInt(data.length), used);
    chunk.writeUInt32LE(maskedCrc32c(chunk, used, used + 8), used + 8);
    data.copy(chunk, used + 12);
    chunk.writeUInt32LE(maskedCrc32c(data), used + 12 + data.length);
    used += data.length + 16;
    records++;
  };
  const wall = 1764144000;
  record(event(wall, 0, null, bytesField(3, Buffer.from('brain.Event:2'))));
  const histogram = histogramProto(128);
  for (let step = 0; written + used < target; step++) {
    const t = wall + step * 0.05;
    record(event(t, step, simpleValue('Loss/train', 1 / (step + 1))));
    record(event(t, step, simpleValue('Accuracy/train', Math.min(0.99, step / 1e6))));
    record(event(t, step, simpleValue('lr', 0.1 * 0.999999 ** step)));
    if (step % 10 === 0) record(event(t, step, tensorScalar('epoch_loss', 2 / (step + 1), step === 0)));
    if (step % 100 === 0) record(event(t, step, bytesField(1, Buffer.concat([bytesField(1, Buffer.from('weights/fc1')), bytesField(5, histogram)]))));
  }
  flush();
  closeSync(out);
  return { bytes: written, records };
}

/** A HistogramProto (min, max, num, sum, sum_squares, packed bucket_limit and bucket) of n buckets. */
function histogramProto(n) {
  const doubles = (values) => {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
    return b;
  };
  const scalarField = (field, v) => Buffer.concat([Buffer.from([(field << 3) | 1]), doubles([v])]);
  const limits = Array.from({ length: n }, (_, i) => -1 + (2 * (i + 1)) / n);
  const counts = Array.from({ length: n }, (_, i) => (i * 37) % 11);
  return Buffer.concat([
    scalarField(1, -1),
    scalarField(2, 1),
    scalarField(3, counts.reduce((a, b) => a + b, 0)),
    scalarField(4, 0.5),
    scalarField(5, 42),
    bytesField(6, doubles(limits)),
    bytesField(7, doubles(counts)),
  ]);
}

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function bytesField(field, data) {
  return Buffer.concat([varint((field << 3) | 2), varint(data.length), data]);
}

function event(wallTime, step, summaryValue, extra) {
  const head = Buffer.alloc(9);
  head[0] = 0x09; // wall_time, fixed64
  head.writeDoubleLE(wallTime, 1);
  const parts = [head];
  if (step > 0) parts.push(Buffer.from([0x10]), varint(step));
  if (summaryValue) parts.push(bytesField(5, summaryValue));
  if (extra) parts.push(extra);
  return Buffer.concat(parts);
}

function simpleValue(tag, value) {
  const v = Buffer.alloc(5);
  v[0] = 0x15; // simple_value, fixed32
  v.writeFloatLE(value, 1);
  return bytesField(1, Buffer.concat([bytesField(1, Buffer.from(tag)), v]));
}

function tensorScalar(tag, value, withMetadata) {
  const content = Buffer.alloc(4);
  content.writeFloatLE(value);
  const tensor = Buffer.concat([Buffer.from([0x08, 0x01]), bytesField(2, Buffer.alloc(0)), bytesField(4, content)]);
  const parts = [bytesField(1, Buffer.from(tag)), bytesField(8, tensor)];
  if (withMetadata) parts.push(bytesField(9, Buffer.concat([bytesField(1, bytesField(1, Buffer.from('scalars'))), Buffer.from([0x20, 0x01])])));
  return bytesField(1, Buffer.concat(parts));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
  console.log(JSON.stringify(await generateEventFile(args.build, args.out, Number(args.mb))));
}
