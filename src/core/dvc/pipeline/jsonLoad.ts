// JSON params files as Python's json.loads reads them (DVC's parse_json): `1` is an int and `1.0` a float, NaN and
// Infinity are accepted, a repeated key keeps its first place and last value, control characters in strings are an
// error. Every key and item keeps its line and column, like the YAML loader.
import type { PipelineProblem } from './types';
import { SourceOffsets } from './sourceOffsets';
import type { LoadedYaml } from './yamlLoad';
import { makeFloat, makeInt, newDict, type PyValue } from './pyValue';

/** The same shape as a loaded YAML file, so params and vars code treats both alike. */
export type LoadedData = LoadedYaml;

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function loadJson(text: string, file: string): LoadedData {
  const offsets = new SourceOffsets(text, file);
  const { posAt, locate } = offsets;
  const problems: PipelineProblem[] = [];
  const result: LoadedData = { file, value: undefined, problems, locate, posAt };

  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const out = newDict();
      offsets.containerAt(out, start);
      const keys = offsets.keysOf(out);
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new JsonError('Expecting property name enclosed in double quotes', i);
        const keyAt = i;
        const key = string();
        ws();
        if (text[i] !== ':') throw new JsonError("Expecting ':' delimiter", i);
        i++;
        const v = value();
        if (!out.has(key)) keys.set(key, keyAt);
        out.set(key, v);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        throw new JsonError("Expecting ',' delimiter", i);
      }
    }
    if (c === '[') {
      i++;
      const out: PyValue[] = [];
      offsets.containerAt(out, start);
      const items = offsets.itemsOf(out);
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        items.push(i);
        out.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        throw new JsonError("Expecting ',' delimiter", i);
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new JsonError('Expecting value', i);
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return makeInt(BigInt(m[0]));
    return makeFloat(Number(m[0]));
  };
  const string = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) throw new JsonError('Unterminated string starting at', i);
      const ch = text[i];
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          throw new JsonError('Invalid \\escape', i);
        }
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) throw new JsonError('Invalid control character at', i);
      out += ch;
      i++;
    }
  };

  try {
    const v = value();
    ws();
    if (i < text.length) throw new JsonError('Extra data', i);
    result.value = v;
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    const p = posAt(Math.min(error.offset, text.length));
    problems.push({ severity: 'error', file, message: `Invalid JSON: ${error.message} (line ${p.line} column ${p.column})`, line: p.line, column: p.column });
  }
  return result;
}
