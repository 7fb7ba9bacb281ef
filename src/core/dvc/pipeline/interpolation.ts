// `${...}` interpolation in dvc.yaml, as DVC resolves it (dvc/parsing/interpolate.py and context.py):
// - `${a.b}`, `${models[0].name}`, `${ a }`: dotted or indexed keys into the context (vars, params.yaml, item, key);
//   list indexes follow Python's int() and may be negative.
// - A string that is exactly one `${...}` becomes the value itself (a number stays a number); anything else is
//   text, each value written as DVC writes it (booleans `true`/`false`, floats as Python's repr, None as `None`).
// - Lists and dicts may not be interpolated into text, except a dict in `cmd`, which unpacks to `--key value` flags.
// - `\${` is an escaped, literal `${`.
// Errors carry DVC's wording: `Could not find 'x'`, `Cannot interpolate data of type 'list'`.
import {
  dvcScalarText,
  isDict,
  newDict,
  parsePythonInt,
  pythonStr,
  pyTypeName,
  type PyDict,
  PyFloat,
  PyTimestamp,
  type PyScalar,
  type PyValue,
} from './pyValue';

/** DVC's `[parsing]` config (`.dvc/config`): how a dict unpacked into `cmd` writes booleans and lists. */
export interface ParsingConfig {
  /** `store_true` (default: `--flag` for true, nothing for false) or `boolean_optional` (`--no-flag` for false). */
  bool?: string;
  /** `nargs` (default: `--opt 1 2`) or `append` (`--opt 1 --opt 2`). */
  list?: string;
}

export type InterpolationErrorKind = 'syntax' | 'missing' | 'type' | 'merge' | 'reserved' | 'vars';

export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly kind: InterpolationErrorKind,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

/** `${...}` not preceded by a backslash; the inner part is everything up to the first `}` on the line. */
const KEYCRE = /(?<!\\)\$\{(.*?)\}/g;
/** The grammar DVC's pyparsing parser accepts: word ('.' word | '[' word ']')*, a word being 1+ chars not in `.[]`. */
const EXPR = /^[^.[\]]+(?:\.[^.[\]]+|\[[^.[\]]+\])*$/;

export function hasInterpolation(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  KEYCRE.lastIndex = 0;
  return KEYCRE.test(s);
}

interface Match {
  start: number;
  end: number;
  inner: string;
}

function matchesOf(s: string): Match[] {
  const out: Match[] = [];
  KEYCRE.lastIndex = 0;
  for (let m = KEYCRE.exec(s); m; m = KEYCRE.exec(s)) out.push({ start: m.index, end: m.index + m[0].length, inner: m[1] });
  return out;
}

/** The dotted key an expression selects (`models[0].name` -> `models.0.name`), or a syntax error. */
export function parseExpression(inner: string): string {
  if (!EXPR.test(inner)) {
    throw new InterpolationError(`invalid interpolation '\${${inner}}': expected names joined by '.' or '[index]' (like \${train.lr} or \${models[0].name})`, 'syntax');
  }
  return inner.replace(/\[/g, '.').replace(/\]/g, '');
}

/** Checks every `${...}` in a value (keys included) for syntax, as DVC does before resolving a stage. */
export function checkSyntax(value: PyValue): void {
  if (typeof value === 'string') {
    for (const m of matchesOf(value)) parseExpression(m.inner);
  } else if (Array.isArray(value)) {
    value.forEach(checkSyntax);
  } else if (isDict(value)) {
    for (const [k, v] of value) {
      checkSyntax(k);
      checkSyntax(v);
    }
  }
}

/** Where a context value came from, for DVC's "cannot redefine" message. */
interface Source {
  name: string;
  data: PyDict;
}

/**
 * The values `${...}` can see: vars, params files, and `item`/`key` while a foreach or matrix stage is generated.
 * Mirrors dvc.parsing.context.Context: loading the same whole file twice is allowed, merging two sources that both
 * define the same leaf is an error, dicts merge recursively.
 */
export class InterpolationContext {
  readonly data: PyDict = newDict();
  private readonly sources: Source[] = [];
  /** Files loaded so far (normalized path -> selected keys, or null for the whole file). */
  readonly imports = new Map<string, string[] | null>();
  private readonly reserved = new Set<string>();

  clone(): InterpolationContext {
    const c = new InterpolationContext();
    deepMergeInto(c.data, this.data);
    c.sources.push(...this.sources);
    for (const [k, v] of this.imports) c.imports.set(k, v === null ? null : [...v]);
    for (const r of this.reserved) c.reserved.add(r);
    return c;
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  /** Merges `values` (from `source`, e.g. `params.yaml` or `vars[0]`) into the context. */
  merge(values: PyDict, source: string): void {
    const clash = [...values.keys()].filter((k) => this.reserved.has(k));
    if (clash.length > 0) {
      const words = clash.length > 1 ? `${clash.slice(0, -1).join(', ')} and ${clash[clash.length - 1]}` : clash[0];
      throw new InterpolationError(`attempted to modify reserved key${clash.length > 1 ? 's' : ''} ${words}`, 'reserved');
    }
    const stringKeyed = onlyStringKeys(values);
    rejectUnsupported(stringKeyed, source, []);
    this.mergeInto(this.data, stringKeyed, [], source);
    this.sources.push({ name: source, data: stringKeyed });
  }

  private mergeInto(into: PyDict, update: PyDict, path: string[], source: string): void {
    for (const [key, val] of update) {
      const existing = into.get(key);
      if (isDict(existing) && isDict(val)) {
        this.mergeInto(existing, val, [...path, key], source);
      } else if (into.has(key)) {
        const dotted = [...path, key].join('.');
        const before = this.sources.find((s) => lookup(s.data, [...path, key]) !== undefined)?.name ?? '<local>';
        throw new InterpolationError(`cannot redefine '${dotted}' from '${source}' as it already exists in '${before}'`, 'merge');
      } else {
        into.set(key, val);
      }
    }
  }

  /**
   * Loads a vars file entry (`params.yaml`, `conf.yaml:train,model`) as DVC's Context.merge_from: `path` is the
   * normalized file path, `keys` the selected top-level keys or null for the whole file.
   */
  mergeFile(path: string, keys: string[] | null, data: PyDict, item: string): void {
    const imported = this.imports.get(path);
    if (imported !== undefined) {
      if (keys === null && imported === null) return; // the same whole file again is fine
      if (keys === null && imported !== null) throw new InterpolationError(`cannot load '${item}' as it's partially loaded already`, 'vars');
      if (keys !== null && imported === null) throw new InterpolationError(`cannot partially load '${item}' as it's already loaded.`, 'vars');
      if (keys !== null && imported !== null && keys.some((k) => imported.includes(k))) {
        throw new InterpolationError(`cannot load '${item}' as it's partially loaded already`, 'vars');
      }
    }
    let selected = data;
    if (keys !== null) {
      selected = newDict();
      for (const k of keys) {
        if (!data.has(k)) throw new InterpolationError(`could not find '${k}' in '${path}'`, 'vars');
        selected.set(k, data.get(k)!);
      }
    }
    try {
      this.merge(selected, path);
    } catch (error) {
      if (error instanceof InterpolationError && error.kind === 'reserved') {
        throw new InterpolationError(`${error.message} in '${item}'`, 'reserved');
      }
      throw error;
    }
    if (imported === undefined) this.imports.set(path, keys === null ? null : [...keys]);
    else if (imported !== null && keys !== null) imported.push(...keys);
  }

  /** Runs `fn` with `item`/`key` set (and reserved, so vars cannot overwrite them), then restores the context. */
  withTemporary<T>(values: [string, PyValue][], fn: () => T): T {
    const previous = values.map(([k]) => [k, this.data.get(k), this.data.has(k)] as const);
    const newlyReserved = values.map(([k]) => k).filter((k) => !this.reserved.has(k));
    for (const [k, v] of values) this.data.set(k, v);
    for (const k of newlyReserved) this.reserved.add(k);
    try {
      return fn();
    } finally {
      for (const k of newlyReserved) this.reserved.delete(k);
      for (const [k, v, had] of previous) {
        if (had) this.data.set(k, v!);
        else this.data.delete(k);
      }
    }
  }

  /** The value at a dotted key (`models.0.name`), or an InterpolationError `Could not find '...'`. */
  select(expr: string): PyValue {
    const parts = expr.split('.');
    let node: PyValue = this.data;
    for (const raw of parts) {
      const part = raw.trim();
      if (isDict(node)) {
        if (!node.has(part)) throw missing(expr);
        node = node.get(part)!;
      } else if (Array.isArray(node)) {
        const index = parsePythonInt(part);
        if (index === undefined || typeof index === 'bigint') throw missing(expr);
        const i: number = index < 0 ? node.length + index : index;
        if (i < 0 || i >= node.length) throw missing(expr);
        node = node[i];
      } else {
        throw missing(expr);
      }
    }
    return node;
  }

  /**
   * Resolves every `${...}` in `value` (dict keys included). `stageKey` is the stage's top-level key being resolved
   * (`cmd`, `deps`...), which decides whether lists and dicts may be interpolated; undefined for foreach/matrix data.
   */
  resolve(value: PyValue, stageKey: string | undefined, config: ParsingConfig = {}): PyValue {
    if (typeof value === 'string') return this.resolveString(value, stageKey, config);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, stageKey, config));
    if (isDict(value)) {
      const out = newDict();
      for (const [k, v] of value) {
        const key = this.resolve(k, stageKey, config);
        const keyText = typeof key === 'string' ? key : dvcScalarText(key as PyScalar);
        out.set(keyText, this.resolve(v, stageKey, config));
      }
      return out;
    }
    return value;
  }

  resolveString(src: string, stageKey: string | undefined, config: ParsingConfig = {}): PyValue {
    const matches = matchesOf(src);
    if (matches.length === 1 && matches[0].start === 0 && matches[0].end === src.length) {
      const value = this.select(parseExpression(matches[0].inner));
      validateValue(value, stageKey);
      return value;
    }
    let out = '';
    let index = 0;
    for (const m of matches) {
      const value = this.select(parseExpression(m.inner));
      validateValue(value, stageKey);
      out += src.slice(index, m.start) + toText(value, config);
      index = m.end;
    }
    out += src.slice(index);
    return out.replace(/\\\$\{/g, '${');
  }
}

function missing(expr: string): InterpolationError {
  return new InterpolationError(`Could not find '${expr}'`, 'missing');
}

/** DVC's validate_value: lists and dicts only in foreach/matrix data, and a dict in `cmd`. */
function validateValue(value: PyValue, stageKey: string | undefined): void {
  const primitive = value === null || typeof value !== 'object' || value instanceof PyFloat;
  if (primitive || stageKey === undefined || stageKey.includes('foreach')) return;
  if (isDict(value) && stageKey === 'cmd') return;
  throw new InterpolationError(`Cannot interpolate data of type '${pyTypeName(value)}'`, 'type');
}

/** DVC's to_str: how a value is written inside a longer string. */
export function toText(value: PyValue, config: ParsingConfig = {}): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isDict(value)) return dictToArgs(value, config);
  if (value instanceof PyTimestamp) return value.isoText;
  return pythonStr(value);
}

/** `${args}` in cmd with args a dict: `--key value` flags, nested keys joined with `.`, as DVC's to_str(dict). */
function dictToArgs(obj: PyDict, config: ParsingConfig): string {
  let result = '';
  for (const [k, v] of flatten(obj)) {
    if (typeof v === 'boolean') {
      if (v) result += `--${k} `;
      else if ((config.bool ?? 'store_true') === 'boolean_optional') result += `--no-${k} `;
    } else if (typeof v === 'string') {
      result += `--${k} ${shellQuote(v)} `;
    } else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        let text: string;
        if (typeof item === 'string') text = shellQuote(item);
        else if (Array.isArray(item) || isDict(item)) throw new InterpolationError(`Cannot interpolate nested iterable in '${k}'`, 'type');
        else text = pythonStr(item);
        if ((config.list ?? 'nargs') === 'append') result += `--${k} ${text} `;
        else result += n > 0 ? `${text} ` : `--${k} ${text} `;
      });
    } else {
      result += `--${k} ${pythonStr(v)} `;
    }
  }
  return result.replace(/\s+$/, '');
}

/** flatten_dict.flatten(d, reducer="dot"): nested dicts become dotted keys; empty dicts vanish. */
function flatten(obj: PyDict, prefix = ''): [string, PyValue][] {
  const out: [string, PyValue][] = [];
  for (const [k, v] of obj) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isDict(v)) out.push(...flatten(v, key));
    else out.push([key, v]);
  }
  return out;
}

/** Python's shlex.quote (POSIX): unchanged when safe, else single-quoted with `'"'"'` for quotes. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

/** DVC's context holds only str/int/float/bool/None, lists and dicts: a date in params.yaml stops it. */
function rejectUnsupported(value: PyValue, source: string, path: string[]): void {
  if (value instanceof PyTimestamp) {
    throw new InterpolationError(`Unsupported value of type '${pyTypeName(value)}' in '${source}:${path.join('.')}'`, 'vars');
  }
  if (Array.isArray(value)) value.forEach((v, i) => rejectUnsupported(v, source, [...path, String(i)]));
  else if (isDict(value)) for (const [k, v] of value) rejectUnsupported(v, source, [...path, k]);
}

function onlyStringKeys(d: PyDict): PyDict {
  if (!d.nonStringKeys) return d;
  const out = newDict();
  for (const [k, v] of d) if (!d.nonStringKeys.has(k)) out.set(k, v);
  return out;
}

function lookup(d: PyDict, path: string[]): PyValue | undefined {
  let node: PyValue | undefined = d;
  for (const p of path) {
    if (!isDict(node) || !node.has(p)) return undefined;
    node = node.get(p);
  }
  return node;
}

function deepMergeInto(into: PyDict, from: PyDict): void {
  for (const [k, v] of from) {
    if (isDict(v)) {
      const copy = newDict();
      deepMergeInto(copy, v);
      into.set(k, copy);
    } else {
      into.set(k, v);
    }
  }
}
