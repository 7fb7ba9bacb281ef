// Where a YAML scalar written at a known column ends, and which `${...}` the cursor is in: what hovers,
// go-to-definition and problem ranges need from a dvc.yaml line. Pure: unit-tested.

/** The end (exclusive, 0-based) of the scalar starting at `start` on `line`: a quoted string, or a plain one up to `: `, ` #` or the end. */
export function scalarEnd(line: string, start: number): number {
  const q = line[start];
  if (q === '"' || q === "'") {
    for (let i = start + 1; i < line.length; i++) {
      if (q === '"' && line[i] === '\\') {
        i++;
        continue;
      }
      if (line[i] === q) {
        if (q === "'" && line[i + 1] === "'") {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    return line.length;
  }
  let end = start;
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (c === ':' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) break;
    if (c === '#' && i > start && (line[i - 1] === ' ' || line[i - 1] === '\t')) break;
    if (c === ',' || c === ']' || c === '}') {
      // Flow collections ([a, b]) end a plain scalar here; block scalars keep them.
      if (/^\s*-?\s*\[|:\s*\[|:\s*\{/.test(line.slice(0, start))) break;
    }
    if (c !== ' ' && c !== '\t') end = i + 1;
  }
  return end;
}

export interface Interpolation {
  /** The expression inside `${...}`, trimmed (`train.lr`, `item`). */
  expression: string;
  start: number;
  end: number;
}

/** The `${...}` that contains character `at` (0-based) on `line`, if any. */
export function interpolationAt(line: string, at: number): Interpolation | undefined {
  const re = /\$\{([^}]*)\}/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (at >= m.index && at < m.index + m[0].length) {
      if (m.index > 0 && line[m.index - 1] === '\\') return undefined;
      return { expression: m[1].trim(), start: m.index, end: m.index + m[0].length };
    }
  }
  return undefined;
}

/** The dotted name an interpolation reads (`train.lr` from `${train.lr}`, `data` from `${data[0]}`), if it is one. */
export function interpolatedName(expression: string): string | undefined {
  const m = /^[A-Za-z_][\w-]*(?:\.[\w-]+)*/.exec(expression);
  return m ? m[0] : undefined;
}
