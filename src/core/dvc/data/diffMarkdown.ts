import { escapeMarkdown, inlineCode } from '../../text/markdown';
import type { CsvDiff, DataDiff, DirFileChange, VersionSide } from './dataTypes';
import { formatBytes } from './dataFormat';

/** Rows per list (added, removed, modified) before the rest is counted. */
const MAX_ROWS = 500;

/** Inline code that is safe inside a GFM table cell (a `|` would split the cell). */
function codeCell(text: string): string {
  return inlineCode(text).replace(/\|/g, '\\|');
}

function textCell(text: string): string {
  return escapeMarkdown(text);
}

function signed(n: number, format: (v: number) => string = String): string {
  if (n === 0) return '±0';
  return n > 0 ? `+${format(n)}` : `−${format(-n)}`;
}

function commitCell(side: VersionSide): string {
  if (side.subject === undefined) return side.commit ? '' : 'not committed';
  return `${textCell(side.subject)}${side.author ? ` (${textCell(side.author)})` : ''}`;
}

function sizeOf(side: VersionSide): string {
  return side.recorded.size !== undefined ? formatBytes(side.recorded.size) : '—';
}

/** A readable report of what changed between two versions of a tracked path (shown in a Markdown preview). */
export function diffMarkdown(diff: DataDiff): string {
  const { older, newer } = diff;
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(diff.relPath)}`, '');
  out.push(`${textCell(older.label)} → ${textCell(newer.label)}`, '');
  out.push('| | Older | Newer | Change |', '|---|---|---|---|');
  out.push(`| Version | ${textCell(older.label)} | ${textCell(newer.label)} | |`);
  if (older.subject !== undefined || newer.subject !== undefined) out.push(`| Commit | ${commitCell(older)} | ${commitCell(newer)} | |`);
  out.push(`| Hash | ${codeCell(older.recorded.md5)} | ${codeCell(newer.recorded.md5)} | ${diff.identical ? 'same' : 'changed'} |`);
  const a = older.recorded.size;
  const b = newer.recorded.size;
  out.push(`| Size | ${sizeOf(older)} | ${sizeOf(newer)} | ${a !== undefined && b !== undefined ? signed(b - a, formatBytes) : ''} |`);
  if (older.recorded.isDir || newer.recorded.isDir) {
    const fa = older.recorded.nfiles;
    const fb = newer.recorded.nfiles;
    out.push(`| Files | ${fa ?? '—'} | ${fb ?? '—'} | ${fa !== undefined && fb !== undefined ? signed(fb - fa) : ''} |`);
  }
  out.push('');

  if (diff.identical) out.push('**No change**: both versions have the same hash.', '');

  if (diff.dir) {
    const d = diff.dir;
    out.push('## Files', '');
    out.push(`**${d.added.length} added · ${d.removed.length} removed · ${d.modified.length} modified · ${d.unchanged} unchanged**`, '');
    fileTable(out, `Added (${d.added.length})`, d.added);
    fileTable(out, `Removed (${d.removed.length})`, d.removed);
    if (d.modified.length) {
      out.push(`### Modified (${d.modified.length})`, '', '| File | Older size | Newer size | Change |', '|---|---|---|---|');
      for (const m of d.modified.slice(0, MAX_ROWS)) {
        const change = m.older.size !== undefined && m.newer.size !== undefined ? signed(m.newer.size - m.older.size, formatBytes) : '';
        out.push(`| ${codeCell(m.relpath)} | ${m.older.size !== undefined ? formatBytes(m.older.size) : '—'} | ${m.newer.size !== undefined ? formatBytes(m.newer.size) : '—'} | ${change} |`);
      }
      if (d.modified.length > MAX_ROWS) out.push(`| … | ${d.modified.length - MAX_ROWS} more | | |`);
      out.push('');
    }
  }

  if (diff.csv) {
    out.push('## Table', '');
    csvSection(out, diff.csv);
  }
  for (const c of diff.csvInDir ?? []) {
    out.push(`## Table ${codeCell(c.relpath)}`, '');
    csvSection(out, c.diff);
  }

  if (diff.notes.length) {
    out.push('## Notes', '');
    for (const n of diff.notes) out.push(`- ${escapeMarkdown(n)}`);
    out.push('');
  }
  return out.join('\n');
}

function fileTable(out: string[], title: string, files: readonly DirFileChange[]): void {
  if (!files.length) return;
  out.push(`### ${title}`, '', '| File | Size |', '|---|---|');
  for (const f of files.slice(0, MAX_ROWS)) out.push(`| ${codeCell(f.relpath)} | ${f.size !== undefined ? formatBytes(f.size) : '—'} |`);
  if (files.length > MAX_ROWS) out.push(`| … | ${files.length - MAX_ROWS} more |`);
  out.push('');
}

function csvSection(out: string[], csv: CsvDiff): void {
  out.push('| | Older | Newer | Change |', '|---|---|---|---|');
  out.push(`| Rows | ${csv.older.rows.toLocaleString('en-US')} | ${csv.newer.rows.toLocaleString('en-US')} | ${signed(csv.newer.rows - csv.older.rows, (v) => v.toLocaleString('en-US'))} |`);
  out.push(`| Columns | ${csv.older.columns.length} | ${csv.newer.columns.length} | ${signed(csv.newer.columns.length - csv.older.columns.length)} |`);
  out.push('');
  const list = (cols: readonly string[]) => cols.map((c) => inlineCode(c)).join(', ');
  if (csv.addedColumns.length) out.push(`**Added columns:** ${list(csv.addedColumns)}`, '');
  if (csv.removedColumns.length) out.push(`**Removed columns:** ${list(csv.removedColumns)}`, '');
  if (csv.reordered) out.push('**Columns reordered.**', '');
  if (!csv.addedColumns.length && !csv.removedColumns.length && !csv.reordered) out.push('Same columns.', '');
}
