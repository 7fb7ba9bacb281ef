// Python params files (params.py), read as DVC reads them (dvc/utils/serialize/_py.py): module-level assignments
// `NAME = literal` (or `NAME: type = literal`), classes as nested dicts of their assignments, and `self.NAME = literal`
// in an `__init__`. Values are Python literals (numbers, strings, True/False/None, lists, tuples, dicts, sets);
// an assignment whose value is not a literal is skipped, as DVC's ast.literal_eval skips it.
// This reads the source line by line rather than with Python's parser, so a file Python would reject as a syntax
// error is not always reported; what cannot be tokenized is.
import type { PipelineProblem } from './types';
import { SourceOffsets } from './sourceOffsets';
import type { LoadedData } from './jsonLoad';
import { makeFloat, makeInt, newDict, PyFloat, type PyDict, type PyValue } from './pyValue';

class NotLiteral extends Error {}

interface LogicalLine {
  indent: number;
  text: string;
  /** Offset of the line's first non-blank character in the file. */
  offset: number;
}

export function loadPyParams(text: string, file: string): LoadedData {
  const offsets = new SourceOffsets(text, file);
  const { posAt, locate } = offsets;
  const problems: PipelineProblem[] = [];
  const result: LoadedData = { file, value: undefined, problems, locate, posAt };

  let lines: LogicalLine[];
  try {
    lines = logicalLines(text);
  } catch (error) {
    const offset = error instanceof TokenError ? error.offset : 0;
    const p = posAt(offset);
    problems.push({ severity: 'error', file, message: `Python file structure is corrupted: ${(error as Error).message}`, line: p.line, column: p.column });
    return result;
  }

  const set = (d: PyDict, key: string, v: PyValue, offset: number) => {
    d.set(key, v);
    offsets.keysOf(d).set(key, offset);
  };

  /** Reads a block of statements at `indent`, starting at line `start`; returns the index after the block. */
  const block = (start: number, indent: number, into: PyDict, selfOnly: boolean): number => {
    let n = start;
    while (n < lines.length && lines[n].indent >= indent) {
      const line = lines[n];
      if (line.indent > indent) {
        n++;
        continue;
      }
      const cls = /^class\s+([A-Za-z_]\w*)\s*(\([^)]*\))?\s*:\s*(.*)$/.exec(line.text);
      const init = /^def\s+__init__\s*\(/.exec(line.text);
      if (cls && !selfOnly) {
        const body = newDict();
        set(into, cls[1], body, line.offset + line.text.indexOf(cls[1]));
        const bodyIndent = n + 1 < lines.length && lines[n + 1].indent > indent ? lines[n + 1].indent : -1;
        n = bodyIndent < 0 ? n + 1 : block(n + 1, bodyIndent, body, false);
        continue;
      }
      if (init) {
        const bodyIndent = n + 1 < lines.length && lines[n + 1].indent > indent ? lines[n + 1].indent : -1;
        n = bodyIndent < 0 ? n + 1 : block(n + 1, bodyIndent, into, true);
        continue;
      }
      const assign = selfOnly
        ? /^self\.([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)\s*([\s\S]*)$/.exec(line.text)
        : /^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)\s*([\s\S]*)$/.exec(line.text);
      if (assign) {
        try {
          const value = parseLiteral(assign[2]);
          set(into, assign[1], value, line.offset + line.text.indexOf(assign[1]));
        } catch (error) {
          if (!(error instanceof NotLiteral)) throw error;
        }
      }
      n++;
    }
    return n;
  };
  const root = newDict();
  block(0, 0, root, false);
  result.value = root;
  return result;
}

class TokenError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Splits source into logical lines: comments dropped, bracketed and backslash continuations joined. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < text.length) {
    const lineStart = i;
    let indent = 0;
    while (text[i] === ' ' || text[i] === '\t') {
      indent += text[i] === '\t' ? 8 - (indent % 8) : 1;
      i++;
    }
    const offset = i;
    let buf = '';
    let depth = 0;
    for (;;) {
      if (i >= text.length) break;
      const ch = text[i];
      if (ch === '#') {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      if (ch === '\\' && (text[i + 1] === '\n' || text.startsWith('\r\n', i + 1))) {
        i += text[i + 1] === '\n' ? 2 : 3;
        buf += ' ';
        continue;
      }
      if (ch === '\n') {
        i++;
        if (depth > 0) {
          buf += ' ';
          continue;
        }
        break;
      }
      if (ch === '"' || ch === "'") {
        const end = stringEnd(text, i);
        buf += text.slice(i, end);
        i = end;
        continue;
      }
      if ('([{'.includes(ch)) depth++;
      if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
      buf += ch;
      i++;
    }
    const trimmed = buf.replace(/\s+$/, '');
    if (trimmed.length > 0) out.push({ indent, text: trimmed, offset });
    if (i === lineStart) i++;
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  const q = text[start];
  const triple = text.startsWith(q.repeat(3), start);
  let i = start + (triple ? 3 : 1);
  for (;;) {
    if (i >= text.length) throw new TokenError('unterminated string literal', start);
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (!triple && text[i] === '\n') throw new TokenError('unterminated string literal', start);
    if (triple ? text.startsWith(q.repeat(3), i) : text[i] === q) return i + (triple ? 3 : 1);
    i++;
  }
}

/** ast.literal_eval for the literals params files use; throws NotLiteral for anything else. */
export function parseLiteral(src: string): PyValue {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const expr = (): PyValue => {
    ws();
    const c = src[i];
    if (c === '-' || c === '+') {
      i++;
      const v = expr();
      if (typeof v === 'number') return c === '-' ? -v : v;
      if (typeof v === 'bigint') return c === '-' ? -v : v;
      if (v instanceof PyFloat) return makeFloat(c === '-' ? -v.value : v.value);
      throw new NotLiteral();
    }
    if (c === '[' || c === '(' || c === '{') return collection();
    if (c === '"' || c === "'" || (/[rRuU]/.test(c ?? '') && /["']/.test(src[i + 1] ?? ''))) return strings();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))?.[0];
    if (word) {
      i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new NotLiteral();
    }
    return number();
  };
  const number = (): PyValue => {
    const rest = src.slice(i);
    let m = /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest);
    if (m) {
      i += m[0].length;
      const digits = m[0].replace(/_/g, '');
      return makeInt(BigInt(digits[0] + digits[1].toLowerCase() + digits.slice(2)));
    }
    m = /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][-+]?\d(?:_?\d)*)?/.exec(rest);
    if (!m || m[0] === '' || m[0] === '.' || /[jJ]/.test(rest[m[0].length] ?? '')) throw new NotLiteral();
    i += m[0].length;
    const t = m[0].replace(/_/g, '');
    if (/[.eE]/.test(t)) return makeFloat(Number(t));
    return makeInt(BigInt(t));
  };
  const strings = (): string => {
    let out = '';
    for (;;) {
      ws();
      const prefix = /^[rRuU]?(?=["'])/.exec(src.slice(i));
      if (!prefix) break;
      i += prefix[0].length;
      const raw = /r/i.test(prefix[0]);
      const end = stringEnd(src, i);
      const q = src[i];
      const triple = src.startsWith(q.repeat(3), i);
      const body = src.slice(i + (triple ? 3 : 1), end - (triple ? 3 : 1));
      out += raw ? body : unescape(body);
      i = end;
    }
    return out;
  };
  const collection = (): PyValue => {
    const open = src[i];
    const close = open === '[' ? ']' : open === '(' ? ')' : '}';
    i++;
    const items: PyValue[] = [];
    const dict = newDict();
    let isDictLiteral = false;
    let sawComma = false;
    for (;;) {
      ws();
      if (src[i] === close) {
        i++;
        break;
      }
      const item = expr();
      ws();
      if (open === '{' && src[i] === ':') {
        isDictLiteral = true;
        i++;
        const v = expr();
        dict.set(typeof item === 'string' ? item : String(item), v);
      } else {
        items.push(item);
      }
      ws();
      if (src[i] === ',') {
        sawComma = true;
        i++;
      } else if (src[i] !== close) throw new NotLiteral();
    }
    if (open === '{' && (isDictLiteral || items.length === 0)) return dict;
    if (open === '(' && items.length === 1 && !sawComma) return items[0];
    return items;
  };
  const v = expr();
  ws();
  if (i < src.length) throw new NotLiteral();
  return v;
}

function unescape(body: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.|\n)/g, (all, e: string) => {
    if (e.length > 1 && 'xuU'.includes(e[0])) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return e in simple ? simple[e] : all;
  });
}
