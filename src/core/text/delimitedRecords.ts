// Records of a CSV or TSV file as Python's `csv` module writes them (the "excel" dialect, QUOTE_MINIMAL): a field
// holding the delimiter, a quote or a line break is quoted, quotes inside are doubled, and a record ends with "\n"
// or "\r\n" (csv.DictWriter's default terminator). Lightning's CSVLogger and dvclive's metric files are written so.

/** One record and the 1-based line it starts on. */
export interface DelimitedRecord {
  line: number;
  cells: string[];
}

export interface DelimitedScan {
  records: DelimitedRecord[];
  /** Characters of `text` taken by complete records (and blank lines); the rest is an unfinished record. */
  consumed: number;
  /** Line breaks within the consumed part. */
  lines: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits `text` into complete records. A record whose final line break has not been written yet (a file being
 * appended to) is left unconsumed. Blank lines are skipped, as csv.DictReader does. Like Python's reader (not
 * strict), text after a closing quote is kept as part of the field.
 */
export function scanDelimited(text: string, delimiter: ',' | '\t', firstLine = 1): DelimitedScan {
  const records: DelimitedRecord[] = [];
  let consumed = 0;
  let lines = 0;
  const n = text.length;
  // Where the next quote is: looked up again only once passed, so unquoted files are scanned in linear time.
  let nextQuote = text.indexOf('"');
  while (consumed < n) {
    const nl = text.indexOf('\n', consumed);
    if (nl === -1) break;
    const line = firstLine + lines;
    if (nextQuote !== -1 && nextQuote < consumed) nextQuote = text.indexOf('"', consumed);
    if (nextQuote === -1 || nextQuote > nl) {
      // The common case: no quoting on this line.
      const end = nl > consumed && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (end > consumed) records.push({ line, cells: text.slice(consumed, end).split(delimiter) });
      lines++;
      consumed = nl + 1;
      continue;
    }
    const quoted = scanQuotedRecord(text, consumed, delimiter.charCodeAt(0));
    if (!quoted) break;
    records.push({ line, cells: quoted.cells });
    lines += quoted.breaks;
    consumed = quoted.next;
  }
  return { records, consumed, lines };
}

/** One record with quoted fields, from `start`; undefined if its terminating line break is not there yet. */
function scanQuotedRecord(text: string, start: number, delim: number): { cells: string[]; breaks: number; next: number } | undefined {
  const cells: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  let breaks = 0;
  for (let j = start; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (quoted) {
      if (c === QUOTE) {
        if (text.charCodeAt(j + 1) === QUOTE) {
          field += '"';
          j++;
        } else quoted = false;
      } else {
        if (c === LF) breaks++;
        field += text[j];
      }
    } else if (c === LF) {
      cells.push(field.endsWith('\r') ? field.slice(0, -1) : field);
      return { cells, breaks: breaks + 1, next: j + 1 };
    } else if (c === delim) {
      cells.push(field);
      field = '';
      fieldStart = true;
    } else if (c === QUOTE && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = false;
      field += text[j];
    }
  }
  return undefined;
}
