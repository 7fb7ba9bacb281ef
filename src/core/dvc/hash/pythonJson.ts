// Python's json.dumps, byte for byte, for the values DVC writes: strings, lists and dicts of them.
// DVC hashes folder listings and prints `dvc status --json` with the defaults: separators ", " and ": ",
// ensure_ascii (every code unit outside space..tilde escaped, lowercase hex), no key sorting unless asked.

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };

/** `json.dumps(s)` for a str: quoted, ASCII only, astral characters as surrogate pairs (as CPython does). */
export function pythonJsonString(s: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(runStart, i) + (SHORT_ESCAPES[c] ?? '\\u' + c.toString(16).padStart(4, '0'));
    runStart = i + 1;
  }
  return out + s.slice(runStart) + '"';
}

/**
 * A JSON value. A Map is a dict whose keys keep their order exactly: a plain object would move integer-like keys
 * (`"10"`, `"0"`) to the front, where a Python dict keeps them where they were inserted.
 */
export type PythonJsonValue = string | number | boolean | null | PythonJsonValue[] | Map<string, PythonJsonValue> | { [key: string]: PythonJsonValue };

/** `json.dumps(value, sort_keys=sortKeys)` with Python's default separators. Dict keys keep insertion order. */
export function pythonJsonDumps(value: PythonJsonValue, sortKeys = false): string {
  if (typeof value === 'string') return pythonJsonString(value);
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (Array.isArray(value)) return '[' + value.map((v) => pythonJsonDumps(v, sortKeys)).join(', ') + ']';
  const pairs: [string, PythonJsonValue][] = value instanceof Map ? [...value.entries()] : Object.entries(value);
  if (sortKeys) pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
  return '{' + pairs.map(([k, v]) => `${pythonJsonString(k)}: ${pythonJsonDumps(v, sortKeys)}`).join(', ') + '}';
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/**
 * Python's str ordering (by code point). JavaScript's `<` compares UTF-16 code units, which puts astral
 * characters (surrogates, 0xD800-0xDFFF) before U+E000..U+FFFF; Python puts them after.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1; // a surrogate encodes a code point above every BMP character
  }
  return a.length - b.length;
}
