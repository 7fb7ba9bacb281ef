// JSON as Python's json.dump writes it: standard JSON plus the bare constants NaN, Infinity and -Infinity
// (allow_nan=True is its default). JSON.parse rejects those and, for many errors, names no position; this parser
// takes them and says on which line a file goes wrong.

export type PythonJsonResult = { value: unknown } | { error: { line: number; message: string } };

export function parsePythonJson(text: string): PythonJsonResult {
  const p = new Parser(text);
  try {
    p.ws();
    const value = p.value(0);
    p.ws();
    if (p.i < text.length) p.fail('Unexpected text after the JSON value');
    return { value };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { error: { line: lineAt(text, err.at), message: err.message } };
  }
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.i);
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('Nested too deeply');
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m && m[0].length > 0) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.fail(this.i >= this.s.length ? 'Unexpected end of the file' : `Unexpected "${this.s[this.i]}" where a value should be`);
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('Expected a quoted key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('Expected ":" after a key');
      this.i++;
      this.ws();
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      this.fail('Expected "," or "}" after a value');
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      this.fail('Expected "," or "]" after a value');
    }
  }

  private string(): string {
    let out = '';
    let start = ++this.i;
    for (;;) {
      if (this.i >= this.s.length) this.fail('Unterminated string');
      const c = this.s[this.i];
      if (c === '"') {
        out += this.s.slice(start, this.i++);
        return out;
      }
      if (c === '\\') {
        out += this.s.slice(start, this.i);
        const e = this.s[this.i + 1];
        if (e === 'u') {
          const hex = this.s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          this.i += 2;
        } else {
          this.fail('Bad escape in a string');
        }
        start = this.i;
        continue;
      }
      if (c < ' ') this.fail('Control character in a string');
      this.i++;
    }
  }
}

/** Longest first: "-Infinity" before a number's "-". */
const WORDS: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at && i < text.length; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}
