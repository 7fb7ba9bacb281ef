import { FilterSyntaxError } from './filterSyntaxError';
import type { Token } from './tokenize';
import type { EntityType } from './types';

/** The prefixes MLflow accepts before a key (SearchUtils._VALID_IDENTIFIERS), by the entity they name. */
const PREFIXES: Record<string, EntityType> = {
  metric: 'metric', metrics: 'metric',
  parameter: 'param', parameters: 'param', param: 'param', params: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
};

/** Attribute names a filter may use, with the aliases MLflow translates (SearchUtils.translate_key_alias). */
export const FILTER_ATTRIBUTES: Record<string, string> = {
  run_id: 'run_id', run_name: 'run_name', status: 'status', user_id: 'user_id', artifact_uri: 'artifact_uri',
  start_time: 'start_time', end_time: 'end_time',
  created: 'start_time', Created: 'start_time',
  'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name',
};

/** Order-by accepts the `created` aliases but not the `run name` ones (VALID_ORDER_BY_ATTRIBUTE_KEYS). */
export const ORDER_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  Object.entries(FILTER_ATTRIBUTES).filter(([k]) => !k.toLowerCase().startsWith('run ')),
);

const ATTRIBUTE_LIST = 'run_id, run_name, status, user_id, artifact_uri, start_time, end_time';

export interface Identifier {
  type: EntityType;
  /** The key with quotes removed; for attributes, the canonical name. */
  key: string;
  /** The identifier as written, for messages. */
  text: string;
  start: number;
  end: number;
}

/** Reads tokens one at a time and builds errors that point at a token. */
export class TokenCursor {
  private pos = 0;
  constructor(readonly text: string, private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  /** An error at `token`: `<expected> at column N, found 'x'` (or `found the end of the text`). */
  fail(expected: string, token: Token, hint = '', noun = 'filter'): FilterSyntaxError {
    const found = token.kind === 'end' ? `found the end of the ${noun}` : `found '${token.raw}'`;
    return this.error(`${expected} at column ${token.start + 1}, ${found}${hint ? `. ${hint}` : ''}`, token);
  }

  error(message: string, token: Token): FilterSyntaxError {
    return new FilterSyntaxError(message, this.text, token.start, Math.max(1, token.raw.length), token.raw);
  }
}

export function startsIdentifier(t: Token): boolean {
  return t.kind === 'word' || t.kind === 'backtick' || t.kind === 'dquote';
}

/**
 * `prefix.key`, `prefix.\`quoted key\``, `prefix."quoted key"`, `prefix.dotted.key`, or a bare attribute name
 * (MLflow reads an identifier without a prefix as an attribute).
 */
export function parseIdentifier(cur: TokenCursor, attributes: Record<string, string>, noun: string): Identifier {
  const first = cur.peek();
  if (!startsIdentifier(first)) {
    throw cur.fail(`Expected a key such as metrics.accuracy, params.lr, tags.KEY or an attribute (${ATTRIBUTE_LIST})`, first, '', noun);
  }
  cur.next();
  if (cur.peek().kind !== 'dot') {
    const key = first.value;
    const canonical = attributes[key];
    if (canonical === undefined) {
      const hint = first.kind === 'word' && !(key in PREFIXES)
        ? `A metric, param or tag needs a prefix: metrics.${key}, params.${key} or tags.${key}`
        : `Valid attributes: ${ATTRIBUTE_LIST}`;
      throw cur.error(`Unknown attribute '${first.raw}' at column ${first.start + 1}. ${hint}`, first);
    }
    return { type: 'attribute', key: canonical, text: first.raw, start: first.start, end: first.start + first.raw.length };
  }

  // MLflow trims backticks from the prefix but not double quotes.
  const type = first.kind === 'dquote' ? undefined : PREFIXES[first.value];
  if (type === undefined) {
    if (first.kind === 'word' && first.value.toLowerCase() in PREFIXES) {
      throw cur.error(`Unknown prefix '${first.raw}' at column ${first.start + 1}: prefixes are lower case (${first.value.toLowerCase()}.)`, first);
    }
    if (first.kind === 'word' && /^datasets?$/i.test(first.value)) {
      throw cur.error(`Filtering on datasets ('${first.raw}' at column ${first.start + 1}) is not supported here`, first);
    }
    throw cur.error(
      `Unknown prefix '${first.raw}' at column ${first.start + 1}: expected metrics., params., tags. or attributes. ` +
        '(also metric., param., parameter., parameters., tag., attribute., attr., run.)',
      first,
    );
  }
  const dot = cur.next();
  const keyStart = cur.peek();
  let key: string;
  let end: number;
  if (keyStart.kind === 'backtick' || keyStart.kind === 'dquote') {
    cur.next();
    key = keyStart.value;
    end = keyStart.start + keyStart.raw.length;
  } else if (keyStart.kind === 'word') {
    // Unquoted keys may contain dots (`params.model.depth`), as sqlparse joins dotted names.
    const parts = [cur.next().value];
    end = keyStart.start + keyStart.raw.length;
    while (cur.peek().kind === 'dot' && cur.peek(1).kind === 'word') {
      cur.next();
      const part = cur.next();
      parts.push(part.value);
      end = part.start + part.raw.length;
    }
    key = parts.join('.');
  } else {
    throw cur.fail(`Expected a key after '${cur.text.slice(first.start, dot.start + 1)}'`, keyStart,
      'Quote keys with spaces or special characters with backticks, e.g. metrics.`f1 score`', noun);
  }
  const text = cur.text.slice(first.start, end);
  if (key === '') throw cur.error(`Empty key in '${text}' at column ${first.start + 1}`, keyStart);
  if (type === 'attribute') {
    const canonical = attributes[key];
    if (canonical === undefined) {
      throw cur.error(`Unknown attribute '${key}' at column ${keyStart.start + 1}. Valid attributes: ${ATTRIBUTE_LIST}`, keyStart);
    }
    key = canonical;
  }
  return { type, key, text, start: first.start, end };
}
