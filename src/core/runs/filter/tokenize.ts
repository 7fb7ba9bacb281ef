import { FilterSyntaxError } from './filterSyntaxError';

/**
 * Tokens of MLflow's search syntax. MLflow lexes with sqlparse; we lex only what its run search accepts:
 * words, `backtick` and "double" quoted names, 'single' quoted strings, numbers, comparison operators,
 * parentheses and commas.
 */
export type TokenKind = 'word' | 'backtick' | 'dquote' | 'squote' | 'number' | 'op' | 'dot' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (with quotes). */
  raw: string;
  /** Unquoted content for quoted tokens; `raw` otherwise. */
  value: string;
  start: number;
  /** Whitespace (or the start of the text) comes right before this token. */
  spaceBefore: boolean;
}

// sqlparse's number forms: integers, decimals (`1.`, `.5`), exponents; a leading '-' belongs to the number.
const NUMBER = /-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])/y;
const WORD = /[A-Za-z_]\w*/y;
const KEY_PART = /\w+/y;
const OP = /!=|<>|<=|>=|==|=|<|>/y;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = true;
  const push = (kind: TokenKind, raw: string, value = raw) => {
    tokens.push({ kind, raw, value, start: i, spaceBefore });
    i += raw.length;
    spaceBefore = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      spaceBefore = true;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const raw = readQuoted(text, i, c);
      const kind = c === "'" ? 'squote' : c === '"' ? 'dquote' : 'backtick';
      push(kind, raw, unquote(raw, c));
      continue;
    }
    // Right after a '.', digits belong to a dotted key (`metrics.top.5`), not to a number like `.5`.
    const prev = tokens[tokens.length - 1];
    const afterDot = prev?.kind === 'dot' && !spaceBefore;
    const keyPart = afterDot ? matchAt(KEY_PART, text, i) : undefined;
    if (keyPart !== undefined) {
      push('word', keyPart);
      continue;
    }
    // A '.' glued to a name joins it to the next part (`metrics.top.5`); elsewhere `.5` is a number.
    if (c === '.' && prev?.kind === 'word' && !spaceBefore) {
      push('dot', c);
      continue;
    }
    const number = matchAt(NUMBER, text, i);
    if (number !== undefined) {
      push('number', number);
      continue;
    }
    const word = matchAt(WORD, text, i);
    if (word !== undefined) {
      push('word', word);
      continue;
    }
    const op = matchAt(OP, text, i);
    if (op !== undefined) {
      push('op', op);
      continue;
    }
    if (c === '.') push('dot', c);
    else if (c === '(') push('lparen', c);
    else if (c === ')') push('rparen', c);
    else if (c === ',') push('comma', c);
    else {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      const inName = prev !== undefined && !spaceBefore && (prev.kind === 'word' || prev.kind === 'dot');
      const hint = inName ? '. Keys with characters other than letters, digits and _ must be quoted with backticks, e.g. metrics.`val-loss`' : '';
      throw new FilterSyntaxError(`Unexpected character '${ch}' at column ${i + 1}${hint}`, text, i, ch.length, ch);
    }
  }
  tokens.push({ kind: 'end', raw: '', value: '', start: text.length, spaceBefore });
  return tokens;
}

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : undefined;
}

/** The quoted token starting at `start`; a doubled quote (or a backslash) escapes the quote, as in sqlparse. */
function readQuoted(text: string, start: number, quote: string): string {
  let j = start + 1;
  while (j < text.length) {
    if (text[j] === '\\' && quote !== '`') j += 2;
    else if (text[j] === quote && text[j + 1] === quote) j += 2;
    else if (text[j] === quote) return text.slice(start, j + 1);
    else j++;
  }
  const what = quote === '`' ? 'backtick' : quote === '"' ? 'double quote' : 'quote';
  throw new FilterSyntaxError(
    `Unterminated string at column ${start + 1}: add the closing ${what} (${quote})`,
    text, start, text.length - start, text.slice(start),
  );
}

function unquote(raw: string, quote: string): string {
  const inner = raw.slice(1, -1);
  const doubled = inner.split(quote + quote).join(quote);
  return quote === '`' ? doubled : doubled.replace(/\\(.)/gs, '$1');
}
