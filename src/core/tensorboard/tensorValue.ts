import { ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN } from './protoDecoder';

// The number in a one-element TensorProto (tensorboard/compat/proto/tensor.proto), as TensorBoard's scalars plugin
// gets it with tensor_util.make_ndarray(tensor).item(). The value is either raw little-endian bytes in tensor_content
// or one element of the typed repeated field for the dtype (packed or not); an empty tensor of a known dtype is 0,
// proto3's default. Tensors of more than one element, strings, complex numbers and unknown dtypes are not scalars.

// DataType numbers from tensorboard/compat/proto/types.proto.
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

// TensorProto field numbers.
const F_DTYPE = 1;
const F_SHAPE = 2;
const F_CONTENT = 4;
const F_FLOAT_VAL = 5;
const F_DOUBLE_VAL = 6;
const F_INT_VAL = 7;
const F_INT64_VAL = 10;
const F_BOOL_VAL = 11;
const F_HALF_VAL = 13;
const F_UINT32_VAL = 16;
const F_UINT64_VAL = 17;
// TensorShapeProto: repeated Dim dim = 2 { int64 size = 1 }; bool unknown_rank = 3.
const SHAPE_DIM = 2;
const SHAPE_UNKNOWN_RANK = 3;
const DIM_SIZE = 1;

/** For each dtype we read: its typed value field and its width in tensor_content. */
const VALUE_FIELD: Record<number, number> = {
  [DT_FLOAT]: F_FLOAT_VAL,
  [DT_DOUBLE]: F_DOUBLE_VAL,
  [DT_INT32]: F_INT_VAL,
  [DT_UINT8]: F_INT_VAL,
  [DT_INT16]: F_INT_VAL,
  [DT_INT8]: F_INT_VAL,
  [DT_UINT16]: F_INT_VAL,
  [DT_INT64]: F_INT64_VAL,
  [DT_BOOL]: F_BOOL_VAL,
  [DT_HALF]: F_HALF_VAL,
  [DT_BFLOAT16]: F_HALF_VAL,
  [DT_UINT32]: F_UINT32_VAL,
  [DT_UINT64]: F_UINT64_VAL,
};
const ITEM_BYTES: Record<number, number> = {
  [DT_FLOAT]: 4,
  [DT_DOUBLE]: 8,
  [DT_INT32]: 4,
  [DT_UINT8]: 1,
  [DT_INT16]: 2,
  [DT_INT8]: 1,
  [DT_UINT16]: 2,
  [DT_INT64]: 8,
  [DT_BOOL]: 1,
  [DT_HALF]: 2,
  [DT_BFLOAT16]: 2,
  [DT_UINT32]: 4,
  [DT_UINT64]: 8,
};

/**
 * Reads the TensorProto in r's current message up to `end` (r.pos is left at `end`) and returns its value if it
 * holds exactly one number, else undefined.
 */
export function readScalarTensor(r: ProtoReader, end: number): number | undefined {
  const outer = r.end;
  r.end = end;
  let dtype = 0;
  let elements = 1;
  let contentStart = -1;
  let contentEnd = -1;
  let valueField = 0;
  let count = 0;
  let value = 0;
  for (let key = r.key(); key !== -1; key = r.key()) {
    const field = key >>> 3;
    const wire = key & 7;
    switch (field) {
      case F_DTYPE:
        dtype = r.uint();
        break;
      case F_SHAPE:
        if (wire !== WIRE_LEN) return bail(r, outer, end);
        elements = readElementCount(r, r.lenEnd());
        break;
      case F_CONTENT:
        if (wire !== WIRE_LEN) return bail(r, outer, end);
        contentEnd = r.lenEnd();
        contentStart = r.pos;
        r.pos = contentEnd;
        break;
      case F_FLOAT_VAL:
      case F_DOUBLE_VAL: {
        const width = field === F_FLOAT_VAL ? 4 : 8;
        const single = field === F_FLOAT_VAL ? WIRE_FIXED32 : WIRE_FIXED64;
        if (wire === WIRE_LEN) {
          const stop = r.lenEnd();
          const n = (stop - r.pos) / width;
          if (n >= 1 && count === 0) value = width === 4 ? r.float() : r.double();
          count += n;
          r.pos = stop;
        } else if (wire === single) {
          const v = width === 4 ? r.float() : r.double();
          if (count++ === 0) value = v;
        } else return bail(r, outer, end);
        valueField = field;
        break;
      }
      case F_INT_VAL:
      case F_INT64_VAL:
      case F_BOOL_VAL:
      case F_HALF_VAL:
      case F_UINT32_VAL:
      case F_UINT64_VAL: {
        const unsigned = field === F_UINT32_VAL || field === F_UINT64_VAL;
        if (wire === WIRE_LEN) {
          const stop = r.lenEnd();
          const outerEnd = r.end;
          r.end = stop;
          while (r.pos < stop) {
            const v = unsigned ? r.uint() : r.int();
            if (count++ === 0) value = v;
          }
          r.end = outerEnd;
        } else {
          const v = unsigned ? r.uint() : r.int();
          if (count++ === 0) value = v;
        }
        valueField = field;
        break;
      }
      default:
        r.skip(wire);
    }
  }
  r.end = outer;
  r.pos = end;

  const width = ITEM_BYTES[dtype];
  if (width === undefined || elements !== 1) return undefined;
  if (contentStart >= 0 && contentEnd - contentStart > 0) {
    if (contentEnd - contentStart !== width) return undefined;
    return fromContent(r.view, contentStart, dtype);
  }
  if (count === 0) return 0;
  if (count !== 1 || valueField !== VALUE_FIELD[dtype]) return undefined;
  if (dtype === DT_HALF) return halfToFloat(value & 0xffff);
  if (dtype === DT_BFLOAT16) return bfloat16ToFloat(value & 0xffff);
  if (dtype === DT_BOOL) return value ? 1 : 0;
  return value;
}

function bail(r: ProtoReader, outer: number, end: number): undefined {
  r.end = outer;
  r.pos = end;
  return undefined;
}

/** Number of elements of a TensorShapeProto (1 for rank 0), or -1 if unknown. */
function readElementCount(r: ProtoReader, end: number): number {
  const outer = r.end;
  r.end = end;
  let elements = 1;
  for (let key = r.key(); key !== -1; key = r.key()) {
    const field = key >>> 3;
    if (field === SHAPE_DIM && (key & 7) === WIRE_LEN) {
      const dimEnd = r.lenEnd();
      const dimOuter = r.end;
      r.end = dimEnd;
      let size = 0;
      for (let k = r.key(); k !== -1; k = r.key()) {
        if (k >>> 3 === DIM_SIZE && (k & 7) === 0) size = r.int();
        else r.skip(k & 7);
      }
      r.end = dimOuter;
      elements = size < 0 || elements < 0 ? -1 : elements * size;
    } else if (field === SHAPE_UNKNOWN_RANK && (key & 7) === 0) {
      if (r.uint()) elements = -1;
    } else r.skip(key & 7);
  }
  r.end = outer;
  r.pos = end;
  return elements;
}

function fromContent(view: DataView, at: number, dtype: number): number {
  switch (dtype) {
    case DT_FLOAT:
      return view.getFloat32(at, true);
    case DT_DOUBLE:
      return view.getFloat64(at, true);
    case DT_INT32:
      return view.getInt32(at, true);
    case DT_UINT8:
      return view.getUint8(at);
    case DT_INT16:
      return view.getInt16(at, true);
    case DT_INT8:
      return view.getInt8(at);
    case DT_UINT16:
      return view.getUint16(at, true);
    case DT_INT64:
      return Number(view.getBigInt64(at, true));
    case DT_BOOL:
      return view.getUint8(at) ? 1 : 0;
    case DT_HALF:
      return halfToFloat(view.getUint16(at, true));
    case DT_BFLOAT16:
      return bfloat16ToFloat(view.getUint16(at, true));
    case DT_UINT32:
      return view.getUint32(at, true);
    case DT_UINT64:
      return Number(view.getBigUint64(at, true));
    default:
      return NaN;
  }
}

/** IEEE 754 binary16 bits to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloatView = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the top half of a float32) to a number. */
export function bfloat16ToFloat(bits: number): number {
  bfloatView.setUint32(0, bits << 16);
  return bfloatView.getFloat32(0);
}
