// Values as Python (and so DVC) sees them after loading YAML, JSON, TOML or a .py params file.
// JS numbers cannot tell `1` from `1.0`, yet DVC writes them differently (`lr: 1.0`) and interpolates them
// differently (`${lr}` -> `1.0`), so a float with an integral value is kept as a PyFloat. Every other number is
// unambiguous: an integer-valued JS number is a Python int, anything else (fractions, NaN, infinities) a float.
// Integers past 2^53 are bigints. YAML timestamps keep Python's isoformat text. Mappings are PyDicts (Maps), because
// plain objects put integer-like keys (`'10'`, `'2'`) first in numeric order and DVC keeps the file's order.

/** A Python float whose value is integral (`1.0`, `-0.0`, `1e+16`); other floats are plain JS numbers. */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return pythonFloatRepr(this.value);
  }
}

/** A YAML timestamp (`2024-01-02`, `2024-01-02 10:00:00`) as Python's date/datetime `isoformat` writes it back. */
export class PyTimestamp {
  constructor(readonly isoText: string) {}
  toJSON(): string {
    return this.isoText;
  }
  toString(): string {
    return this.isoText;
  }
}

export type PyScalar = string | number | bigint | boolean | null | PyFloat | PyTimestamp;
export type PyValue = PyScalar | PyValue[] | PyDict;

/** A Python dict with string keys in insertion order. */
export class PyDict extends Map<string, PyValue> {
  /**
   * Keys that were not strings in the file (`0: 1.5` in a class-weights map), by their string form, so that writing
   * the mapping back gives `0:` and not `'0':`.
   */
  nonStringKeys?: Map<string, PyScalar>;

  static from(entries: Iterable<[string, PyValue]>): PyDict {
    const d = new PyDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this) out[k] = v;
    return out;
  }
}

export function setNonStringKey(dict: PyDict, key: string, original: PyScalar): void {
  (dict.nonStringKeys ??= new Map()).set(key, original);
}

/** The key as it was in the file: the string itself, or the int/float/bool/None it was written as. */
export function originalKey(dict: PyDict, key: string): PyScalar {
  const orig = dict.nonStringKeys?.get(key);
  return orig === undefined ? key : orig;
}

export function newDict(): PyDict {
  return new PyDict();
}

export function isDict(v: unknown): v is PyDict {
  return v instanceof PyDict;
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

export function isInt(v: unknown): boolean {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

/** Python's type name, for messages that quote DVC's (`Cannot interpolate data of type 'list'`). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (v instanceof PyTimestamp) return v.isoText.length > 10 ? 'datetime' : 'date';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** The number a value stands for (PyFloat unwrapped), or undefined for non-numbers. */
export function numericValue(v: unknown): number | bigint | undefined {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Makes a float from a parsed number: integral values are wrapped so they stay floats. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) || Object.is(n, -0) ? new PyFloat(n) : n;
}

/** Makes an int from its decimal text (any size). */
export function makeInt(big: bigint): number | bigint {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * `repr(float)` in CPython: the shortest digits that round-trip (as JS finds them), written in exponent form when
 * the decimal point falls more than 4 places before or 16 places after the first digit, else positionally with `.0`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const decimalPoint = exp + 1;
  let text: string;
  if (decimalPoint <= -4 || decimalPoint > 16) {
    const expDigits = String(Math.abs(exp)).padStart(2, '0');
    text = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + (exp < 0 ? '-' : '+') + expDigits;
  } else if (decimalPoint <= 0) {
    text = '0.' + '0'.repeat(-decimalPoint) + digits;
  } else if (decimalPoint >= digits.length) {
    text = digits + '0'.repeat(decimalPoint - digits.length) + '.0';
  } else {
    text = digits.slice(0, decimalPoint) + '.' + digits.slice(decimalPoint);
  }
  return (x < 0 ? '-' : '') + text;
}

/** `str(v)` in Python for a scalar (`True`, `None`, `1.0`, `1e-05`). */
export function pythonStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || isDict(v)) return pythonRepr(v);
  return scalarText(v, 'python');
}

function scalarText(v: PyScalar, style: 'python' | 'dvc'): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return style === 'dvc' ? (v ? 'true' : 'false') : v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return pythonFloatRepr(v.value);
  if (v instanceof PyTimestamp) return v.isoText;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pythonFloatRepr(v);
  return v;
}

/** `repr(v)` in Python: what `str()` of a list or dict shows (`['a', 1, None]`, `{'k': True}`). */
export function pythonRepr(v: PyValue): string {
  if (typeof v === 'string') return pythonStrRepr(v);
  if (Array.isArray(v)) return '[' + v.map(pythonRepr).join(', ') + ']';
  if (isDict(v)) {
    return '{' + [...v.keys()].map((k) => `${pythonRepr(originalKey(v, k))}: ${pythonRepr(v.get(k)!)}`).join(', ') + '}';
  }
  if (v instanceof PyTimestamp) return v.isoText.length > 10 ? `datetime.datetime(${v.isoText})` : `datetime.date(${v.isoText})`;
  return scalarText(v, 'python');
}

/** `repr(str)`: single quotes unless the text has a single quote and no double quote; escapes as CPython. */
function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** How DVC turns a scalar into text inside `${...}` interpolation: Python's `str`, but booleans as `true`/`false`. */
export function dvcScalarText(v: PyScalar): string {
  return scalarText(v, 'dvc');
}

/**
 * Python's `==` between two loaded values, as DVC compares a param's value in the params file with the one in
 * dvc.lock: `1 == 1.0`, `True == 1`, dicts by keys regardless of order, lists in order.
 */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' || typeof nb === 'bigint') {
      if (typeof na === 'number' && !Number.isInteger(na)) return false;
      if (typeof nb === 'number' && !Number.isInteger(nb)) return false;
      return BigInt(na) === BigInt(nb);
    }
    return na === nb;
  }
  if (na !== undefined || nb !== undefined) return false;
  if (a instanceof PyTimestamp || b instanceof PyTimestamp) {
    return a instanceof PyTimestamp && b instanceof PyTimestamp && a.isoText === b.isoText;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isDict(a) || isDict(b)) {
    if (!isDict(a) || !isDict(b) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !pyEquals(v, b.get(k))) return false;
    return true;
  }
  return a === b;
}

/** `int(text)` in Python: optional sign, digits with single underscores between them, surrounding whitespace. */
export function parsePythonInt(text: string): number | bigint | undefined {
  const m = /^\s*([-+]?)(\d(?:_?\d)*)\s*$/.exec(text);
  if (!m) return undefined;
  return makeInt(BigInt(m[1] + m[2].replace(/_/g, '')));
}

/** A deep copy that keeps PyFloat/PyTimestamp instances and non-string keys. */
export function cloneValue<T extends PyValue>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v instanceof PyDict) {
    const out = newDict();
    for (const [k, x] of v as PyDict) out.set(k, cloneValue(x));
    if (v.nonStringKeys) out.nonStringKeys = new Map(v.nonStringKeys);
    return out as T;
  }
  return v;
}

/** Plain JSON-able data (PyFloat -> number, PyTimestamp -> text, bigint -> text), for expected-output comparisons and UIs. */
export function toPlain(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyTimestamp) return v.isoText;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[k] = toPlain(x);
    return out;
  }
  return v;
}
