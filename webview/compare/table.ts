// The comparison table: runs as columns; attributes, params, latest metrics and tags as rows. Differing rows are
// marked; a row's label sorts the runs by it; a column's pin makes that run the baseline (deltas under values).
import type { GroupTableWire, RowRef, RunSort, TableRowWire, TableWire } from '../../src/protocol/compare';
import { clear, h, icon } from './dom';
import { isSortedBy, tableSections } from './tableView';

export interface TableRun {
  name: string;
  color: string;
  detail: string;
  status: string;
}

export interface TableHandlers {
  sort(row: RowRef): void;
  setBaseline(runId: string | null): void;
}

export class CompareTableView {
  readonly el: HTMLElement;

  constructor(private readonly handlers: TableHandlers) {
    this.el = h('div', { class: 'table-area' });
  }

  render(table: TableWire, groupTable: GroupTableWire | null, runs: ReadonlyMap<string, TableRun>, onlyDifferences: boolean, hidden: ReadonlySet<string>): void {
    clear(this.el);
    this.el.appendChild(h('div', { class: 'table-scroll' }, this.runTable(table, runs, onlyDifferences, hidden)));
    if (groupTable) {
      this.el.appendChild(h('h3', { class: 'subheading', text: `Group means by ${groupTable.groupBy.section}s.${groupTable.groupBy.key}` }));
      this.el.appendChild(h('div', { class: 'table-scroll' }, this.groupMeans(groupTable, onlyDifferences)));
    }
  }

  private runTable(table: TableWire, runs: ReadonlyMap<string, TableRun>, onlyDifferences: boolean, hidden: ReadonlySet<string>): HTMLTableElement {
    const baseline = table.baselineRunId;
    const head = h('tr', {}, h('th', { class: 'corner', attrs: { scope: 'col' }, text: `${table.runIds.length} run${table.runIds.length === 1 ? '' : 's'}` }));
    table.runIds.forEach((runId, i) => {
      const run = runs.get(runId);
      const swatch = h('span', { class: 'swatch' });
      swatch.style.backgroundColor = run?.color ?? 'transparent';
      const isBaseline = runId === baseline;
      const pin = h('button', {
        class: `icon-button pin${isBaseline ? ' active' : ''}`,
        title: isBaseline ? 'Baseline run: click to clear' : 'Use as baseline: show the other runs\' differences from this run',
        attrs: { type: 'button', 'aria-pressed': String(isBaseline), 'aria-label': isBaseline ? 'Clear baseline' : 'Use as baseline' },
        data: { action: 'baseline' },
        on: { click: () => this.handlers.setBaseline(isBaseline ? null : runId) },
      }, icon(isBaseline ? 'pinned' : 'pin'));
      head.appendChild(h('th', {
        class: `run-col${isBaseline ? ' baseline' : ''}${hidden.has(runId) ? ' hidden-run' : ''}`, attrs: { scope: 'col' }, data: { runId },
        title: run ? `${run.name}\n${run.detail}` : runId,
      },
      h('div', { class: 'run-head' }, swatch, h('span', { class: 'run-name', text: table.runNames[i] ?? runId }), pin),
      h('div', { class: 'run-sub', text: isBaseline ? 'baseline' : (run?.status ?? '') })));
    });
    const body = h('tbody');
    for (const section of tableSections(table.rows, onlyDifferences)) {
      const note = section.hiddenRows > 0 ? `${section.hiddenRows} equal row${section.hiddenRows === 1 ? '' : 's'} hidden` : '';
      body.appendChild(h('tr', { class: 'section-row' }, h('th', { attrs: { colspan: table.runIds.length + 1, scope: 'colgroup' } },
        h('span', { text: section.title }), note ? h('span', { class: 'section-note', text: note }) : null)));
      for (const row of section.rows) body.appendChild(this.row(row, table.sort, table.runIds, baseline));
    }
    return h('table', { class: 'compare-table', attrs: { 'aria-label': 'Run comparison' } }, h('thead', {}, head), body);
  }

  private row(row: TableRowWire, sort: RunSort | null, runIds: readonly string[], baseline: string | null): HTMLTableRowElement {
    const sorted = isSortedBy(sort, row);
    const label = h('button', {
      class: 'row-label-button', title: `${row.label}\nClick to sort the runs by this row`,
      attrs: { type: 'button' }, data: { action: 'sort' }, on: { click: () => this.handlers.sort({ section: row.section, key: row.key }) },
    }, h('span', { class: 'row-label-text', text: row.section === 'attribute' ? row.label : row.key }), sorted ? icon(sort?.desc ? 'arrow-down' : 'arrow-up', 'sort-indicator') : null);
    const tr = h('tr', { class: `data-row${row.differs ? ' differs' : ''}`, data: { section: row.section, key: row.key } },
      h('th', { class: `row-label${sorted ? ' sorted' : ''}`, attrs: { scope: 'row' } }, label));
    row.display.forEach((text, i) => {
      const delta = row.deltas?.[i] ?? null;
      const isBaseline = runIds[i] === baseline;
      const cell = h('td', { class: `${typeof row.values[i] === 'number' ? 'num' : ''}${isBaseline ? ' baseline' : ''}${row.values[i] === null ? ' missing' : ''}`, title: text || 'not logged' },
        h('span', { class: 'value', text: text || '—' }));
      if (delta && delta.sign !== 0 && !isBaseline) cell.appendChild(h('span', { class: `delta ${delta.sign > 0 ? 'up' : delta.sign < 0 ? 'down' : 'same'}`, text: delta.text }));
      tr.appendChild(cell);
    });
    return tr;
  }

  private groupMeans(groupTable: GroupTableWire, onlyDifferences: boolean): HTMLTableElement {
    const head = h('tr', {}, h('th', { class: 'corner', attrs: { scope: 'col' }, text: `${groupTable.groups.length} groups` }));
    groupTable.groups.forEach((g, i) => head.appendChild(h('th', { class: 'run-col', attrs: { scope: 'col' } },
      h('div', { class: 'run-head' }, h('span', { class: 'run-name', text: g })),
      h('div', { class: 'run-sub', text: `${groupTable.runCounts[i]} run${groupTable.runCounts[i] === 1 ? '' : 's'}` }))));
    const body = h('tbody');
    for (const section of tableSections(groupTable.rows, onlyDifferences)) {
      if (section.section === 'attribute' || section.section === 'tag') continue;
      body.appendChild(h('tr', { class: 'section-row' }, h('th', { attrs: { colspan: groupTable.groups.length + 1 } }, section.title)));
      for (const row of section.rows) {
        const tr = h('tr', { class: `data-row${row.differs ? ' differs' : ''}` }, h('th', { class: 'row-label', attrs: { scope: 'row' }, title: row.label }, h('span', { class: 'row-label-text', text: row.key })));
        row.display.forEach((text, i) => tr.appendChild(h('td', { class: typeof row.values[i] === 'number' ? 'num' : '', text: text || '—' })));
        body.appendChild(tr);
      }
    }
    return h('table', { class: 'compare-table group-table', attrs: { 'aria-label': 'Group means' } }, h('thead', {}, head), body);
  }
}
