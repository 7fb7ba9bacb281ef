// Which rows the comparison table shows and how it sorts: pure, tested in plain Node.
import type { RowRef, RowSection, RunSort, TableRowWire } from '../../src/protocol/compare';

export const SECTION_TITLES: Record<RowSection, string> = { attribute: 'Attributes', param: 'Params', metric: 'Metrics', tag: 'Tags' };
const SECTION_ORDER: readonly RowSection[] = ['attribute', 'param', 'metric', 'tag'];

export interface TableSection {
  section: RowSection;
  title: string;
  rows: TableRowWire[];
  /** Rows of the section left out by "only differences". */
  hiddenRows: number;
}

/** Rows by section, in the table's order; with `onlyDifferences`, rows where every run agrees are left out. */
export function tableSections(rows: readonly TableRowWire[], onlyDifferences: boolean): TableSection[] {
  return SECTION_ORDER.map((section) => {
    const all = rows.filter((r) => r.section === section);
    const shown = onlyDifferences ? all.filter((r) => r.differs) : all;
    return { section, title: SECTION_TITLES[section], rows: shown, hiddenRows: all.length - shown.length };
  }).filter((s) => s.rows.length > 0 || s.hiddenRows > 0);
}

/** Clicking a row's label: sort ascending, then descending, then back to the given order. */
export function nextSort(current: RunSort | null, row: RowRef): RunSort | null {
  const same = current !== null && current.row.section === row.section && current.row.key === row.key;
  if (!same) return { row: { section: row.section, key: row.key }, desc: false };
  return current.desc ? null : { row: current.row, desc: true };
}

export function isSortedBy(sort: RunSort | null, row: RowRef): boolean {
  return sort !== null && sort.row.section === row.section && sort.row.key === row.key;
}

/** Counts for the toolbar: "12 of 40 rows differ". */
export function differenceSummary(rows: readonly TableRowWire[]): { differ: number; total: number } {
  return { differ: rows.filter((r) => r.differs).length, total: rows.length };
}
