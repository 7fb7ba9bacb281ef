import { ORDER_ATTRIBUTES, parseIdentifier, TokenCursor } from './identifier';
import { tokenize } from './tokenize';
import type { RunOrder } from './types';

/**
 * Parses a comma-separated order-by list: `metrics.accuracy DESC, params.lr, attributes.start_time ASC`.
 * Each item follows MLflow's order_by (SearchUtils.parse_order_by_for_search_runs): an identifier and an
 * optional ASC/DESC (any case; ASC by default). An empty text gives [] (MLflow's default order).
 */
export function parseOrderBy(text: string): RunOrder[] {
  const cur = new TokenCursor(text, tokenize(text));
  const orders: RunOrder[] = [];
  if (cur.atEnd()) return orders;
  for (;;) {
    const id = parseIdentifier(cur, ORDER_ATTRIBUTES, 'order-by');
    let ascending = true;
    const dir = cur.peek();
    if (dir.kind === 'word' && /^(asc|desc)$/i.test(dir.value)) {
      ascending = dir.value.toLowerCase() === 'asc';
      cur.next();
    }
    orders.push({ type: id.type, key: id.key, ascending });
    const t = cur.next();
    if (t.kind === 'end') return orders;
    if (t.kind !== 'comma') {
      const what = dir === t ? `after '${id.text}'` : `after '${text.slice(id.start, dir.start + dir.raw.length)}'`;
      throw cur.fail(`Expected ASC, DESC, ',' or the end of the order-by ${what}`, t, '', 'order-by');
    }
  }
}
