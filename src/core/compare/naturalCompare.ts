/**
 * Orders keys as a person reads them: digit runs compare as numbers (`layer2` < `layer10`), everything else by
 * code unit. Locale-free on purpose, so the extension host, the CLI and tests agree.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const endA = digitRunEnd(a, i);
      const endB = digitRunEnd(b, j);
      const byNumber = compareDigitRuns(a.slice(i, endA), b.slice(j, endB));
      if (byNumber !== 0) return byNumber;
      i = endA;
      j = endB;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const byLength = (a.length - i) - (b.length - j);
  // Equal by number but spelled differently ("01" and "1"): fall back to code units so the order is total.
  return byLength !== 0 ? byLength : a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitRunEnd(s: string, from: number): number {
  let k = from;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  return k;
}

// Compares digit strings of any length as whole numbers, without Number's precision limit.
function compareDigitRuns(a: string, b: string): number {
  const ta = a.replace(/^0+(?=\d)/, '');
  const tb = b.replace(/^0+(?=\d)/, '');
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
