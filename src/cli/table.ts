// Aligned plain-text tables for the terminal. Cells are data from logs: control characters are made
// visible so a name cannot break the layout or send escape sequences to the terminal.

export interface Column {
  header: string;
  /** Longer cells are cut with an ellipsis. */
  maxWidth?: number;
  align?: 'left' | 'right';
}

const ELLIPSIS = '…';
const GAP = '  ';

/** Control characters (C0, DEL, C1) shown as `\n`, `\t` or `\xNN`. */
export function sanitizeCell(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Terminal columns a character takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  const wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Terminal columns `text` takes (an approximation of wcwidth, good for names and keys). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Cuts `text` to at most `max` terminal columns, the last one an ellipsis when something was cut. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  if (max <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return out + ELLIPSIS;
}

const width = displayWidth;

/** The table as lines (header, a rule, rows), each ending in a newline; trailing spaces trimmed. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = rows.map((row) => columns.map((col, i) => {
    const text = sanitizeCell(row[i] ?? '');
    return col.maxWidth !== undefined ? truncate(text, col.maxWidth) : text;
  }));
  const headers = columns.map((c) => (c.maxWidth !== undefined ? truncate(c.header, c.maxWidth) : c.header));
  const widths = columns.map((_, i) => Math.max(width(headers[i]), ...cells.map((r) => width(r[i]))));
  const line = (row: readonly string[]) => row
    .map((text, i) => {
      const pad = ' '.repeat(widths[i] - width(text));
      return columns[i].align === 'right' ? pad + text : text + pad;
    })
    .join(GAP)
    .trimEnd() + '\n';
  return line(headers) + line(widths.map((w) => '-'.repeat(w))) + cells.map(line).join('');
}
