// Numbers as Python writes them into CSV/TSV cells: str() of an int, a float (repr: `0.1`, `1e-05`, `nan`, `inf`,
// `-inf`), a numpy scalar, or a bool (`True`/`False`, which MLflow's log_metric would take as 1.0/0.0).

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = new Map<string, number>(Object.entries({
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  true: 1,
  false: 0,
}));

/** The number a cell holds, as Python's float() would read it (plus True/False); undefined if it holds none. */
export function parsePythonNumber(cell: string): number | undefined {
  // Fast path for the plain decimals that fill these files: Number() agrees with float() on them.
  const n = Number(cell);
  if (!Number.isNaN(n) && isPlainDecimal(cell)) return n;
  const t = cell.trim();
  if (t === '') return undefined;
  if (DECIMAL.test(t)) return Number(t);
  return SPECIAL.get(t.toLowerCase());
}

/** Digits with an optional sign, point and exponent, no spaces: what Python's repr and str write. */
function isPlainDecimal(cell: string): boolean {
  if (cell.length === 0) return false;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    // 0-9 . + - e E
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return false;
  }
  return true;
}
