import { deltasAgainst, groupMeansTable, isNumericRow, sortRunsByRow } from '../../core/compare/compareTable';
import { formatCompareCell, rowLabel } from '../../core/compare/exportFormats';
import type { CompareRow, CompareTable } from '../../core/compare/types';
import { formatDuration, formatMetricValue } from '../../core/text/formatValue';
import type { DeltaWire, GroupByRef, GroupTableWire, RunSort, TableRowWire, TableWire } from '../../protocol/compare';

/** The table's columns in another order (ids not in the table are ignored). */
export function reorderTable(table: CompareTable, order: readonly string[]): CompareTable {
  const columns = order.map((id) => table.runIds.indexOf(id)).filter((i) => i >= 0);
  return {
    runIds: columns.map((c) => table.runIds[c]),
    runNames: columns.map((c) => table.runNames[c]),
    rows: table.rows.map((row) => ({ ...row, values: columns.map((c) => row.values[c]) })),
  };
}

/** The table as the panel shows it: sorted columns, display text, deltas against the baseline. */
export function tableToWire(table: CompareTable, baselineRunId: string | null, sort: RunSort | null): TableWire {
  const sorted = sort ? reorderTable(table, sortRunsByRow(table, sort.row, sort.desc)) : table;
  const baseline = baselineRunId !== null && sorted.runIds.includes(baselineRunId) ? baselineRunId : null;
  const deltas = baseline !== null ? deltasAgainst(sorted, baseline) : null;
  const baseColumn = baseline !== null ? sorted.runIds.indexOf(baseline) : -1;
  return {
    runIds: sorted.runIds,
    runNames: sorted.runNames,
    rows: sorted.rows.map((row, r) => rowToWire(row, deltas ? deltas[r].map((d) => (d === null ? null : formatDelta(row, d, row.values[baseColumn]))) : null)),
    baselineRunId: baseline,
    sort,
  };
}

function rowToWire(row: CompareRow, deltas: (DeltaWire | null)[] | null): TableRowWire {
  return {
    section: row.section, key: row.key, label: rowLabel(row), values: row.values,
    display: row.values.map((v) => formatCompareCell(row, v)), differs: row.differs,
    deltas: deltas && isNumericRow(row) ? deltas : null,
  };
}

/** "+0.0123 (+1.4%)" for numbers, "+2m 05s" for durations and start times. */
export function formatDelta(row: Pick<CompareRow, 'section' | 'key'>, delta: number, baseline: CompareRow['values'][number]): DeltaWire {
  const sign = delta > 0 ? 1 : delta < 0 ? -1 : 0;
  const prefix = sign > 0 ? '+' : sign < 0 ? '−' : '±';
  if (Number.isNaN(delta)) return { text: 'NaN', sign: 0 };
  if (row.section === 'attribute' && (row.key === 'duration' || row.key === 'startTime')) {
    return { text: `${prefix}${formatDuration(Math.abs(delta)) || '0 ms'}`, sign };
  }
  const absolute = `${prefix}${formatMetricValue(Math.abs(delta))}`;
  if (sign === 0 || typeof baseline !== 'number' || baseline === 0 || !Number.isFinite(baseline)) return { text: absolute, sign };
  const percent = Math.abs((delta / Math.abs(baseline)) * 100);
  const shown = percent < 0.1 ? '<0.1' : percent >= 10 ? percent.toFixed(0) : percent.toFixed(1);
  return { text: `${absolute} (${prefix}${shown}%)`, sign };
}

/** The group-means table: groups as columns, in the groups' order. */
export function groupTableToWire(table: CompareTable, groupBy: GroupByRef, groups: Map<string, string[]>): GroupTableWire {
  const means = groupMeansTable(table, groups);
  return {
    groupBy,
    groups: [...groups.keys()],
    runCounts: [...groups.values()].map((ids) => ids.length),
    groupRunIds: [...groups.values()].map((ids) => [...ids]),
    rows: means.rows.map((row) => rowToWire(row, null)),
  };
}
