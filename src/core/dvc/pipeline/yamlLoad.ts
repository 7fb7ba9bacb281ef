// YAML loaded the way DVC loads dvc.yaml, dvc.lock and params.yaml: ruamel.yaml's safe loader with YAML 1.2 rules
// (`yes` is a string, `1_000` an int, `1e3` a float, `2024-01-02` a date), with every mapping key and list item's
// line and column kept for problems, CodeLens and go-to-definition.
// The `yaml` package parses (its failsafe schema keeps every scalar as text); plain scalars are then resolved here
// with ruamel's own regular expressions (ruamel/yaml/resolver.py, version 1.2 rows).
// Known differences from ruamel, all outside what DVC writes: U+0085/U+2028/U+2029 are ordinary characters here (ruamel
// folds quoted text at them), a `%YAML 1.1` directive does not switch to 1.1 rules, and a non-string key whose text
// equals a string key of the same mapping (`1:` beside `'1':`) is one key.
import { Alias, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { PipelineProblem, SourcePos } from './types';
import {
  dvcScalarText,
  isDict,
  makeFloat,
  makeInt,
  newDict,
  originalKey,
  PyFloat,
  PyTimestamp,
  setNonStringKey,
  type PyDict,
  type PyScalar,
  type PyValue,
} from './pyValue';

const RESOLVERS: { tag: ImplicitTag; re: RegExp; first: string }[] = [
  { tag: 'bool', re: /^(?:true|True|TRUE|false|False|FALSE)$/, first: 'tTfF' },
  {
    tag: 'float',
    re: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    first: '-+0123456789.',
  },
  { tag: 'int', re: /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/, first: '-+0123456789' },
  { tag: 'merge', re: /^(?:<<)$/, first: '<' },
  { tag: 'null', re: /^(?:~|null|Null|NULL|)$/, first: '~nN' },
  {
    tag: 'timestamp',
    re: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    first: '0123456789',
  },
  { tag: 'value', re: /^(?:=)$/, first: '=' },
  { tag: 'yaml', re: /^(?:!|&|\*)$/, first: '!&*' },
];

export type ImplicitTag = 'str' | 'bool' | 'float' | 'int' | 'merge' | 'null' | 'timestamp' | 'value' | 'yaml';

/** The tag ruamel's YAML 1.2 resolver gives a plain scalar with this text (`str` when no pattern matches). */
export function resolvePlainTag(text: string): ImplicitTag {
  // Python's `$` also matches before one final newline.
  const subject = text.endsWith('\n') ? text.slice(0, -1) : text;
  const first = text === '' ? '' : text[0];
  for (const r of RESOLVERS) {
    if (first === '' ? r.tag !== 'null' : !r.first.includes(first)) continue;
    if (r.re.test(subject)) return r.tag;
  }
  return 'str';
}

/** Where each loaded mapping and list came from, so positions can be found from the loaded values. */
interface NodeSource {
  node: Node;
  /** Mapping: key node per loaded key. List: item node per index. */
  keys?: Map<string, Node>;
  items?: Node[];
}

export interface LoadedYaml {
  file: string;
  /** Undefined when the text is not valid YAML (see problems). An empty document loads as `{}` (as DVC's `or {}`). */
  value: PyValue | undefined;
  problems: PipelineProblem[];
  /** Position of a mapping key (`key` given) or list item (`index` given) or of the container itself. */
  locate(container: PyValue, keyOrIndex?: string | number): SourcePos | undefined;
  /** Position of a character offset in the text. */
  posAt(offset: number): SourcePos;
}

class LoadError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function loadYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const problems: PipelineProblem[] = [];
  const sources = new WeakMap<object, NodeSource>();
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locate = (container: PyValue, keyOrIndex?: string | number): SourcePos | undefined => {
    if (typeof container !== 'object' || container === null) return undefined;
    const src = sources.get(container);
    if (!src) return undefined;
    let node: Node | undefined = src.node;
    if (typeof keyOrIndex === 'string') node = src.keys?.get(keyOrIndex);
    else if (typeof keyOrIndex === 'number') node = src.items?.[keyOrIndex];
    return node?.range ? posAt(node.range[0]) : undefined;
  };
  const result: LoadedYaml = { file, value: undefined, problems, locate, posAt };

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { schema: 'failsafe', lineCounter, prettyErrors: false, uniqueKeys: sameKey, strict: true });
  } catch (error) {
    problems.push({ severity: 'error', file, message: `Invalid YAML: ${(error as Error).message}`, line: 1, column: 1 });
    return result;
  }
  const errors = doc.errors;
  if (errors.length > 0) {
    for (const e of errors) {
      const at = posAt(e.pos[0]);
      problems.push({ severity: 'error', file, message: `Invalid YAML: ${firstLine(e.message)}`, line: at.line, column: at.column });
    }
    return result;
  }

  const active = new Set<Node>();
  const convert = (node: Node | null | undefined): PyValue => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = (node as Alias).resolve(doc);
      if (!target) throw new LoadError(`unknown anchor '${(node as Alias).source}'`, node.range?.[0] ?? 0);
      if (active.has(target)) throw new LoadError(`recursive alias '${(node as Alias).source}'`, node.range?.[0] ?? 0);
      return convert(target);
    }
    if (isScalar(node)) return convertScalar(node);
    active.add(node);
    try {
      if (isMap(node)) return convertMap(node as YAMLMap);
      if (isSeq(node)) {
        const seq = node as YAMLSeq;
        const out: PyValue[] = [];
        const items: Node[] = [];
        for (const item of seq.items) {
          out.push(convert(item as Node));
          items.push(item as Node);
        }
        sources.set(out, { node, items });
        return out;
      }
    } finally {
      active.delete(node);
    }
    throw new LoadError('unsupported YAML node', 0);
  };

  const convertMap = (node: YAMLMap): PyDict => {
    const out = newDict();
    const keys = new Map<string, Node>();
    const own: [Node, Pair][] = [];
    const merged: PyDict[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && !keyNode.tag && resolvePlainTag(String(keyNode.value)) === 'merge') {
        merged.push(...mergeSources(pair.value as Node));
        continue;
      }
      own.push([keyNode, pair]);
    }
    // YAML merge keys: the merged mappings come first (earlier ones win), the mapping's own keys override them.
    const mergedKeys: [string, PyValue, PyScalar, Node | undefined][] = [];
    const seen = new Set<string>();
    for (const m of merged) {
      const src = sources.get(m);
      for (const [k, v] of m) {
        if (seen.has(k)) continue;
        seen.add(k);
        mergedKeys.push([k, v, originalKey(m, k), src?.keys?.get(k)]);
      }
    }
    for (const [k, v, orig, at] of mergedKeys) {
      out.set(k, v);
      if (orig !== k) setNonStringKey(out, k, orig);
      if (at) keys.set(k, at);
    }
    for (const [keyNode, pair] of own) {
      if (!isScalar(keyNode) && !isAlias(keyNode)) {
        throw new LoadError(`found unacceptable key (unhashable type: '${isSeq(keyNode) ? 'list' : 'dict'}')`, keyNode.range?.[0] ?? 0);
      }
      const keyValue = convert(keyNode);
      if (Array.isArray(keyValue) || isDict(keyValue)) {
        throw new LoadError(`found unacceptable key (unhashable type: '${Array.isArray(keyValue) ? 'list' : 'dict'}')`, keyNode.range?.[0] ?? 0);
      }
      const key = typeof keyValue === 'string' ? keyValue : dvcScalarText(keyValue as PyScalar);
      out.set(key, convert(pair.value as Node));
      if (typeof keyValue !== 'string') setNonStringKey(out, key, keyValue as PyScalar);
      keys.set(key, keyNode);
    }
    sources.set(out, { node, keys });
    return out;
  };

  const mergeSources = (valueNode: Node): PyDict[] => {
    const target = isAlias(valueNode) ? (valueNode as Alias).resolve(doc) : valueNode;
    if (target && isMap(target)) return [convert(valueNode) as PyDict];
    if (target && isSeq(target)) {
      const out: PyDict[] = [];
      for (const item of (target as YAMLSeq).items) {
        const resolved = isAlias(item) ? (item as Alias).resolve(doc) : (item as Node);
        if (!resolved || !isMap(resolved)) throw new LoadError('expected a mapping for merging', (item as Node).range?.[0] ?? 0);
        out.push(convert(item as Node) as PyDict);
      }
      return out;
    }
    throw new LoadError('expected a mapping or list of mappings for merging', valueNode.range?.[0] ?? 0);
  };

  const convertScalar = (node: Scalar): PyValue => {
    const textValue = node.value === null || node.value === undefined ? '' : String(node.value);
    const at = node.range?.[0] ?? 0;
    if (node.tag) return constructTagged(node.tag, textValue, at);
    if (node.type !== Scalar.PLAIN) return textValue;
    const tag = resolvePlainTag(textValue);
    return constructImplicit(tag, textValue, at);
  };

  try {
    const value = doc.contents === null ? null : convert(doc.contents as Node);
    result.value = value === null ? newDict() : value;
  } catch (error) {
    if (error instanceof LoadError) {
      const p = posAt(error.offset);
      problems.push({ severity: 'error', file, message: `Invalid YAML: ${error.message}`, line: p.line, column: p.column });
      return result;
    }
    throw error;
  }
  return result;
}

function constructTagged(tag: string, text: string, at: number): PyValue {
  const short = tag.startsWith('tag:yaml.org,2002:') ? tag.slice('tag:yaml.org,2002:'.length) : tag.startsWith('!!') ? tag.slice(2) : tag;
  switch (short) {
    case 'str':
      return text;
    case 'int':
    case 'float':
    case 'bool':
    case 'null':
    case 'timestamp':
      return constructImplicit(short, text, at);
    default:
      throw new LoadError(`could not determine a constructor for the tag '${tag}'`, at);
  }
}

function constructImplicit(tag: ImplicitTag, text: string, at: number): PyValue {
  switch (tag) {
    case 'str':
    case 'merge':
    case 'value':
    case 'yaml':
      return text;
    case 'null':
      return null;
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new LoadError(`cannot read '${text}' as a boolean`, at);
    }
    case 'int': {
      const v = constructInt(text);
      if (v === undefined) throw new LoadError(`invalid literal for int(): '${text}'`, at);
      return v;
    }
    case 'float': {
      const v = constructFloat(text);
      if (v === undefined) throw new LoadError(`could not convert string to float: '${text}'`, at);
      return v;
    }
    case 'timestamp': {
      const v = constructTimestamp(text);
      if (v === undefined) throw new LoadError(`failed to construct timestamp from "${text}"`, at);
      return v;
    }
  }
}

/** ruamel's construct_yaml_int for YAML 1.2: underscores dropped, 0b/0x/0o prefixes, else decimal (`017` is 17). */
export function constructInt(text: string): number | bigint | undefined {
  let s = text.replace(/_/g, '');
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let big: bigint;
  try {
    if (s === '0') big = 0n;
    else if (s.startsWith('0b')) big = BigInt('0b' + s.slice(2));
    else if (s.startsWith('0x')) big = BigInt('0x' + s.slice(2));
    else if (s.startsWith('0o')) big = BigInt('0o' + s.slice(2));
    else if (/^[0-9]+$/.test(s)) big = BigInt(s);
    else return undefined;
  } catch {
    return undefined;
  }
  return makeInt(negative ? -big : big);
}

export function constructFloat(text: string): number | PyFloat | undefined {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(s)) return undefined;
  return makeFloat(sign * Number(s));
}

function constructTimestamp(text: string): PyTimestamp | undefined {
  const m =
    /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/.exec(
      text,
    );
  if (!m) return undefined;
  const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');
  const date = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  if (m[4] === undefined) return new PyTimestamp(date);
  let micro = 0;
  if (m[7]) {
    micro = Number((m[7].slice(0, 6) + '000000').slice(0, 6));
    if (m[7].length > 6 && Number(m[7][6]) > 4) micro += 1;
    if (micro > 999999) micro = 0;
  }
  let iso = `${date} ${pad(Number(m[4]))}:${m[5]}:${m[6]}`;
  if (micro) iso += '.' + pad(micro, 6);
  if (m[8] === 'Z') iso += '+00:00';
  else if (m[9]) iso += `${m[9]}${pad(Number(m[10]))}:${m[11] ?? '00'}`;
  return new PyTimestamp(iso);
}

/** Duplicate keys are an error (as in ruamel), but `1` and `'1'` are different keys in Python. */
function sameKey(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (!isScalar(a) || !isScalar(b) || a.tag || b.tag) return false;
  const identity = (n: Scalar) => {
    const text = String(n.value ?? '');
    return (n.type === Scalar.PLAIN ? resolvePlainTag(text) : 'str') + ':' + text;
  };
  return identity(a) === identity(b);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
