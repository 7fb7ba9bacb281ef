import { ProtoReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protoDecoder';

// Hyperparameters that torch's SummaryWriter.add_hparams, tensorboardX and Lightning's TensorBoardLogger write as the
// hparams plugin's `_hparams_/session_start_info` summary: its plugin_data.content is an HParamsPluginData
// (tensorboard/plugins/hparams/plugin_data.proto) whose session_start_info (3) holds `map<string, google.protobuf.Value>
// hparams = 1`. We turn them into MLflow-style param strings.

const PLUGIN_DATA_SESSION_START_INFO = 3;
const SESSION_START_HPARAMS = 1;
const MAP_KEY = 1;
const MAP_VALUE = 2;
// google.protobuf.Value (struct.proto)
const VALUE_NULL = 1;
const VALUE_NUMBER = 2;
const VALUE_STRING = 3;
const VALUE_BOOL = 4;
const VALUE_STRUCT = 5;
const VALUE_LIST = 6;

export const HPARAMS_PLUGIN = 'hparams';
export const SESSION_START_INFO_TAG = '_hparams_/session_start_info';

/** The hparams in an HParamsPluginData message at bytes[start, end), as param strings (empty if there are none). */
export function readSessionStartHParams(r: ProtoReader, bytes: Buffer, start: number, end: number): Map<string, string> {
  const params = new Map<string, string>();
  r.reset(bytes, r.view, start, end);
  for (let key = r.key(); key !== -1; key = r.key()) {
    if (key >>> 3 !== PLUGIN_DATA_SESSION_START_INFO || (key & 7) !== WIRE_LEN) {
      r.skip(key & 7);
      continue;
    }
    const infoEnd = r.lenEnd();
    const outer = r.end;
    r.end = infoEnd;
    for (let k = r.key(); k !== -1; k = r.key()) {
      if (k >>> 3 === SESSION_START_HPARAMS && (k & 7) === WIRE_LEN) readEntry(r, bytes, r.lenEnd(), params);
      else r.skip(k & 7);
    }
    r.end = outer;
  }
  return params;
}

function readEntry(r: ProtoReader, bytes: Buffer, end: number, params: Map<string, string>): void {
  const outer = r.end;
  r.end = end;
  let name = '';
  let value = '';
  for (let key = r.key(); key !== -1; key = r.key()) {
    const field = key >>> 3;
    if (field === MAP_KEY && (key & 7) === WIRE_LEN) {
      const stop = r.lenEnd();
      name = bytes.toString('utf8', r.pos, stop);
      r.pos = stop;
    } else if (field === MAP_VALUE && (key & 7) === WIRE_LEN) {
      value = formatValue(readValue(r, bytes, r.lenEnd()));
    } else r.skip(key & 7);
  }
  r.end = outer;
  if (name) params.set(name, value);
}

type JsonLike = null | number | string | boolean | JsonLike[] | { [k: string]: JsonLike };

function readValue(r: ProtoReader, bytes: Buffer, end: number): JsonLike {
  const outer = r.end;
  r.end = end;
  let value: JsonLike = null;
  for (let key = r.key(); key !== -1; key = r.key()) {
    const field = key >>> 3;
    const wire = key & 7;
    if (field === VALUE_NULL && wire === WIRE_VARINT) {
      r.uint();
      value = null;
    } else if (field === VALUE_NUMBER && wire === WIRE_FIXED64) value = r.double();
    else if (field === VALUE_STRING && wire === WIRE_LEN) {
      const stop = r.lenEnd();
      value = bytes.toString('utf8', r.pos, stop);
      r.pos = stop;
    } else if (field === VALUE_BOOL && wire === WIRE_VARINT) value = r.uint() !== 0;
    else if (field === VALUE_STRUCT && wire === WIRE_LEN) {
      const stop = r.lenEnd();
      const structOuter = r.end;
      r.end = stop;
      const obj: { [k: string]: JsonLike } = {};
      for (let k = r.key(); k !== -1; k = r.key()) {
        // Struct { map<string, Value> fields = 1 }: each entry is a key/value message like the hparams map.
        if (k >>> 3 === 1 && (k & 7) === WIRE_LEN) {
          const entryEnd = r.lenEnd();
          const entryOuter = r.end;
          r.end = entryEnd;
          let name = '';
          let v: JsonLike = null;
          for (let e = r.key(); e !== -1; e = r.key()) {
            if (e >>> 3 === MAP_KEY && (e & 7) === WIRE_LEN) {
              const s = r.lenEnd();
              name = bytes.toString('utf8', r.pos, s);
              r.pos = s;
            } else if (e >>> 3 === MAP_VALUE && (e & 7) === WIRE_LEN) v = readValue(r, bytes, r.lenEnd());
            else r.skip(e & 7);
          }
          r.end = entryOuter;
          obj[name] = v;
        } else r.skip(k & 7);
      }
      r.end = structOuter;
      value = obj;
    } else if (field === VALUE_LIST && wire === WIRE_LEN) {
      const stop = r.lenEnd();
      const listOuter = r.end;
      r.end = stop;
      const list: JsonLike[] = [];
      for (let k = r.key(); k !== -1; k = r.key()) {
        if (k >>> 3 === 1 && (k & 7) === WIRE_LEN) list.push(readValue(r, bytes, r.lenEnd()));
        else r.skip(k & 7);
      }
      r.end = listOuter;
      value = list;
    } else r.skip(wire);
  }
  r.end = outer;
  r.pos = end;
  return value;
}

/**
 * A param as text: strings as written, booleans and null as Python prints them (`True`, `None`: the writers are
 * Python), whole numbers without a fraction (hparams keep every number as a double, so `batch_size=32` comes back as
 * 32.0, which TensorBoard shows as 32), other numbers as Python's repr (`0.1`, `1e-05`), lists and structs as JSON.
 */
export function formatValue(value: JsonLike): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  return JSON.stringify(value);
}

/** Python's repr of a float, except that whole numbers below 1e16 print as integers. */
export function pythonNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  // Shortest round-trip digits, then Python's layout: scientific when the exponent is < -4 or >= 16.
  const [mantissa, exp] = x.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(x);
}
