// TOML params files, as DVC reads them with tomlkit (then unwrapped to plain Python values): tables, arrays of
// tables, dotted and quoted keys, basic/literal/multi-line strings, integers (hex, octal, binary, underscores),
// floats (inf, nan), booleans, dates and datetimes, arrays and inline tables. Positions are kept per key.
// A construct outside this is reported as a problem at its line, never guessed.
import type { PipelineProblem } from './types';
import { SourceOffsets } from './sourceOffsets';
import type { LoadedData } from './jsonLoad';
import { isDict, makeFloat, makeInt, newDict, PyTimestamp, type PyDict, type PyValue } from './pyValue';

class TomlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function loadToml(text: string, file: string): LoadedData {
  const offsets = new SourceOffsets(text, file);
  const { posAt, locate } = offsets;
  const problems: PipelineProblem[] = [];
  const result: LoadedData = { file, value: undefined, problems, locate, posAt };

  const root = newDict();
  const setKey = (d: PyDict, key: string, v: PyValue, at: number) => {
    if (d.has(key)) throw new TomlError(`Key "${key}" already exists.`, at);
    d.set(key, v);
    offsets.keysOf(d).set(key, at);
  };
  let i = 0;
  const skipWs = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipWsCommentsNewlines = () => {
    for (;;) {
      skipWs();
      if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
      if (text[i] === '\n' || text[i] === '\r') i++;
      else break;
    }
  };
  const endOfLine = () => {
    skipWs();
    if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
    if (text[i] === '\r') i++;
    if (i < text.length && text[i] !== '\n') throw new TomlError('Unexpected characters after a value', i);
    i++;
  };
  const key = (): { parts: string[]; at: number[] } => {
    const parts: string[] = [];
    const at: number[] = [];
    for (;;) {
      skipWs();
      at.push(i);
      if (text[i] === '"' || text[i] === "'") parts.push(stringValue());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 200));
        if (!m) throw new TomlError('Expected a key', i);
        parts.push(m[0]);
        i += m[0].length;
      }
      skipWs();
      if (text[i] !== '.') return { parts, at };
      i++;
    }
  };
  const walk = (base: PyDict, parts: string[], at: number[], explicitTable: boolean): PyDict => {
    let d = base;
    parts.forEach((p, n) => {
      let next = d.get(p);
      if (next === undefined) {
        next = newDict();
        setKey(d, p, next, at[n]);
      } else if (Array.isArray(next) && explicitTable) {
        next = next[next.length - 1];
      }
      if (!isDict(next)) throw new TomlError(`Key "${parts.slice(0, n + 1).join('.')}" is not a table`, at[n]);
      d = next;
    });
    return d;
  };
  const stringValue = (): string => {
    const q = text[i];
    const multi = text.startsWith(q.repeat(3), i);
    if (multi) {
      i += 3;
      if (text[i] === '\n') i++;
      else if (text.startsWith('\r\n', i)) i += 2;
    } else i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new TomlError('Unterminated string', i);
      if (multi ? text.startsWith(q.repeat(3), i) : text[i] === q) {
        if (multi) {
          // Up to two extra quotes right before the closing delimiter belong to the string.
          let extra = 0;
          while (extra < 2 && text[i + 3 + extra] === q) extra++;
          out += q.repeat(extra);
          i += 3 + extra;
        } else i++;
        return out;
      }
      const ch = text[i];
      if (!multi && ch === '\n') throw new TomlError('Unterminated string', i);
      if (q === '"' && ch === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', e: '\x1b' };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const hexText = text.slice(i + 2, i + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hexText) || hexText.length !== len) throw new TomlError('Invalid unicode escape', i);
          out += String.fromCodePoint(parseInt(hexText, 16));
          i += 2 + len;
        } else if (multi && (e === '\n' || e === ' ' || e === '\t' || e === '\r')) {
          i++;
          while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
        } else throw new TomlError(`Invalid escape '\\${e}'`, i);
        continue;
      }
      out += ch;
      i++;
    }
  };
  const value = (): PyValue => {
    skipWs();
    const start = i;
    const c = text[i];
    if (c === '"' || c === "'") return stringValue();
    if (c === '[') {
      i++;
      const out: PyValue[] = [];
      const items = offsets.itemsOf(out);
      for (;;) {
        skipWsCommentsNewlines();
        if (text[i] === ']') {
          i++;
          return out;
        }
        items.push(i);
        out.push(value());
        skipWsCommentsNewlines();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') throw new TomlError("Expected ',' or ']' in array", i);
      }
    }
    if (c === '{') {
      i++;
      const out = newDict();
      skipWs();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        const k = key();
        if (text[i] !== '=') throw new TomlError("Expected '=' after a key", i);
        i++;
        const target = walk(out, k.parts.slice(0, -1), k.at, false);
        setKey(target, k.parts[k.parts.length - 1], value(), k.at[k.at.length - 1]);
        skipWs();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return out;
        } else throw new TomlError("Expected ',' or '}' in inline table", i);
      }
    }
    const rest = text.slice(i, i + 200);
    const date = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|z|[-+]\d{2}:\d{2})?)?(?=$|[\s,\]}#])/.exec(rest);
    if (date) {
      i += date[0].length;
      if (date[2] === undefined) return new PyTimestamp(date[1]);
      let iso = `${date[1]} ${date[2]}`;
      if (date[3]) iso += (date[3] + '000000').slice(0, 7);
      if (date[4]) iso += /[Zz]/.test(date[4]) ? '+00:00' : date[4];
      return new PyTimestamp(iso);
    }
    const word = /^[A-Za-z0-9_.+:-]+/.exec(rest)?.[0] ?? '';
    i += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (/^[+-]?inf$/.test(word)) return word.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(word)) return NaN;
    if (/^0x[0-9a-fA-F](?:_?[0-9a-fA-F])*$/.test(word)) return makeInt(BigInt('0x' + word.slice(2).replace(/_/g, '')));
    if (/^0o[0-7](?:_?[0-7])*$/.test(word)) return makeInt(BigInt('0o' + word.slice(2).replace(/_/g, '')));
    if (/^0b[01](?:_?[01])*$/.test(word)) return makeInt(BigInt('0b' + word.slice(2).replace(/_/g, '')));
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(word)) return makeInt(BigInt(word.replace(/_/g, '').replace(/^\+/, '')));
    if (/^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/.test(word) && /[.eE]/.test(word)) {
      return makeFloat(Number(word.replace(/_/g, '')));
    }
    i = start;
    throw new TomlError(`Unsupported or invalid TOML value '${word || text[i] || 'end of file'}'`, start);
  };

  try {
    let table = root;
    for (;;) {
      skipWsCommentsNewlines();
      if (i >= text.length) break;
      if (text[i] === '[') {
        const arrayOfTables = text[i + 1] === '[';
        i += arrayOfTables ? 2 : 1;
        const k = key();
        if (text[i] !== ']' || (arrayOfTables && text[i + 1] !== ']')) throw new TomlError(`Expected '${arrayOfTables ? ']]' : ']'}' after a table name`, i);
        i += arrayOfTables ? 2 : 1;
        if (arrayOfTables) {
          const parent = walk(root, k.parts.slice(0, -1), k.at, true);
          const last = k.parts[k.parts.length - 1];
          let list = parent.get(last);
          if (list === undefined) {
            list = [];
            setKey(parent, last, list, k.at[k.at.length - 1]);
          }
          if (!Array.isArray(list)) throw new TomlError(`Key "${k.parts.join('.')}" is not an array of tables`, k.at[0]);
          table = newDict();
          list.push(table);
        } else {
          table = walk(root, k.parts, k.at, true);
        }
        endOfLine();
        continue;
      }
      const k = key();
      if (text[i] !== '=') throw new TomlError("Expected '=' after a key", i);
      i++;
      const target = walk(table, k.parts.slice(0, -1), k.at, false);
      setKey(target, k.parts[k.parts.length - 1], value(), k.at[k.at.length - 1]);
      endOfLine();
    }
    result.value = root;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const p = posAt(Math.min(error.offset, text.length));
    problems.push({ severity: 'error', file, message: `Invalid or unsupported TOML: ${error.message}`, line: p.line, column: p.column });
  }
  return result;
}
