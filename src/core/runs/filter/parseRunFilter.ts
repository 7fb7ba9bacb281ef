import { FILTER_ATTRIBUTES, parseIdentifier, startsIdentifier, TokenCursor, type Identifier } from './identifier';
import { tokenize, type Token } from './tokenize';
import type { FilterClause, NumericAttribute, NumericOperator, RunFilter, StringAttribute, StringOperator } from './types';

const NUMERIC_OPERATORS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set<string>(['=', '!=', 'LIKE', 'ILIKE']);
const NUMERIC_ATTRIBUTES = new Set<string>(['start_time', 'end_time']);

/**
 * Parses MLflow's run search filter (mlflow/utils/search_utils.py SearchUtils.parse_search_filter):
 * `clause AND clause ...`, each `identifier operator value`. An empty filter matches every run.
 * Throws FilterSyntaxError pointing at the first bad token.
 */
export function parseRunFilter(text: string): RunFilter {
  const cur = new TokenCursor(text, tokenize(text));
  const clauses: FilterClause[] = [];
  if (cur.atEnd()) return { clauses };
  for (;;) {
    const start = cur.peek().start;
    clauses.push(parseClause(cur));
    const t = cur.peek();
    if (t.kind === 'end') return { clauses };
    if (isWord(t, 'AND')) {
      cur.next();
      if (cur.atEnd()) throw cur.fail(`Expected a condition after 'AND'`, cur.peek());
      continue;
    }
    if (isWord(t, 'OR')) {
      throw cur.error(
        `OR at column ${t.start + 1} is not supported: MLflow search only joins conditions with AND. ` +
          'Run one search per alternative, or use IN for several run ids',
        t,
      );
    }
    throw cur.fail(`Expected AND or the end of the filter after '${text.slice(start, t.start).trim()}'`, t);
  }
}

function parseClause(cur: TokenCursor): FilterClause {
  const first = cur.peek();
  if (first.kind === 'lparen') {
    throw cur.fail('Expected a condition such as metrics.accuracy > 0.9', first, 'MLflow search does not support parentheses');
  }
  if (!startsIdentifier(first) && first.kind !== 'end') {
    throw cur.fail('Expected a key such as metrics.accuracy, params.lr, tags.KEY or an attribute such as status', first);
  }
  const id = parseIdentifier(cur, FILTER_ATTRIBUTES, 'filter');
  const opToken = cur.peek();
  const op = readOperator(cur, id);
  const after = `after '${cur.text.slice(id.start, opToken.start + opToken.raw.length)}'`;

  if (id.type === 'metric' || (id.type === 'attribute' && NUMERIC_ATTRIBUTES.has(id.key))) {
    if (!NUMERIC_OPERATORS.has(op)) {
      throw cur.error(`Operator '${opToken.raw}' at column ${opToken.start + 1} does not apply to ${id.text}: ` +
        `${id.type === 'metric' ? 'metrics' : id.key} compare with =, !=, <, <=, >, >=`, opToken);
    }
    const valueToken = cur.peek();
    if (valueToken.kind !== 'number') {
      const hint = valueToken.kind === 'squote' || valueToken.kind === 'dquote' ? 'Numbers are written without quotes' : '';
      throw cur.fail(`Expected a number ${after}`, valueToken, hint);
    }
    cur.next();
    if (id.type === 'metric') return { type: 'metric', key: id.key, op: op as NumericOperator, value: Number(valueToken.raw) };
    // MLflow converts with int(): a time must be a whole number of epoch milliseconds.
    if (!/^-?\d+$/.test(valueToken.raw)) {
      throw cur.error(`Expected a whole number of epoch milliseconds ${after} at column ${valueToken.start + 1}, found '${valueToken.raw}'`, valueToken);
    }
    return { type: 'numericAttribute', key: id.key as NumericAttribute, op: op as NumericOperator, value: Number(valueToken.raw) };
  }

  if (op === 'IN' || op === 'NOT IN') {
    if (id.type !== 'attribute' || id.key !== 'run_id') {
      throw cur.error(`Operator '${op}' at column ${opToken.start + 1} does not apply to ${id.text}: only run_id takes a list, ` +
        `e.g. attributes.run_id IN ('a1b2', 'c3d4')`, opToken);
    }
    return { type: 'runIdList', key: 'run_id', op, value: readList(cur, after) };
  }
  if (!STRING_OPERATORS.has(op)) {
    throw cur.error(`Operator '${opToken.raw}' at column ${opToken.start + 1} does not apply to ${id.text}: ` +
      `${id.type === 'attribute' ? id.key : id.type + 's'} compare with =, !=, LIKE, ILIKE` +
      `${id.type === 'attribute' ? '' : `. ${capital(id.type)} values are strings`}`, opToken);
  }
  const value = readString(cur, after, id);
  if (id.type === 'attribute') return { type: 'stringAttribute', key: id.key as StringAttribute, op: op as StringOperator, value };
  return { type: id.type, key: id.key, op: op as StringOperator, value };
}

function readOperator(cur: TokenCursor, id: Identifier): string {
  const t = cur.peek();
  const expected = `Expected a comparison operator after '${id.text}'`;
  if (t.kind === 'op') {
    if (t.raw === '==') throw cur.fail(expected, t, "Use '=' for equality");
    if (t.raw === '<>') throw cur.fail(expected, t, "Use '!=' for inequality");
    cur.next();
    return t.raw;
  }
  if (isWord(t, 'LIKE') || isWord(t, 'ILIKE') || isWord(t, 'IN')) {
    cur.next();
    return t.value.toUpperCase();
  }
  if (isWord(t, 'NOT')) {
    cur.next();
    const inToken = cur.peek();
    if (!isWord(inToken, 'IN')) throw cur.fail(`Expected IN after 'NOT'`, inToken, 'MLflow has NOT IN but not NOT LIKE; use != for inequality');
    cur.next();
    return 'NOT IN';
  }
  throw cur.fail(expected, t, 'Operators: =, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN');
}

function readString(cur: TokenCursor, after: string, id: Identifier): string {
  const t = cur.peek();
  if (t.kind === 'squote' || t.kind === 'dquote') {
    cur.next();
    return t.value;
  }
  const hint = t.kind === 'number' || t.kind === 'word'
    ? `Quote the value: ${cur.text.slice(id.start, t.start)}'${t.raw}'`
    : '';
  throw cur.fail(`Expected a quoted string ${after}`, t, hint);
}

function readList(cur: TokenCursor, after: string): string[] {
  const open = cur.peek();
  if (open.kind !== 'lparen') throw cur.fail(`Expected '(' ${after}`, open, "Write a list of quoted run ids: ('a1b2', 'c3d4')");
  cur.next();
  const values: string[] = [];
  for (;;) {
    const t = cur.peek();
    if (t.kind !== 'squote') {
      const hint = t.kind === 'rparen' && values.length === 0 ? 'The list must not be empty'
        : t.kind === 'dquote' ? "MLflow lists take single-quoted strings: ('a1b2')" : '';
      throw cur.fail(`Expected a single-quoted run id in the list`, t, hint);
    }
    cur.next();
    values.push(t.value);
    const sep = cur.next();
    if (sep.kind === 'rparen') break;
    if (sep.kind !== 'comma') throw cur.fail(`Expected ',' or ')' in the list`, sep);
  }
  // MLflow drops ids that are not lower case (Python str.islower), since run ids are lower-case hex.
  return values.filter((v) => /\p{Ll}/u.test(v) && v === v.toLowerCase());
}

function isWord(t: Token, word: string): boolean {
  return t.kind === 'word' && t.value.toUpperCase() === word;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
