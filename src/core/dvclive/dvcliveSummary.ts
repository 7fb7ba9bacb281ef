import type { ParseResult } from '../runs/rewrittenFile';
import { parsePythonJson } from '../text/pythonJson';
import { parsePythonNumber } from '../text/pythonNumber';

// dvclive's `metrics.json` (Live.make_summary): the latest value of every metric, nested by the parts of its name
// (`train/loss` is {"train": {"loss": ...}}), plus `step`, the Live step, at the top. NaN and infinities are
// stored as the strings "nan", "inf", "-inf" (or as Python's bare NaN/Infinity if a script set the summary
// itself); str metrics as their text.

export interface DvcliveSummary {
  /** Numeric leaves by their path joined with '/', as dvclive names the matching plots/metrics file. */
  values: Map<string, number>;
  step?: number;
}

export function parseDvcliveSummary(text: string): ParseResult<DvcliveSummary> {
  if (text.trim() === '') return { value: { values: new Map() } };
  const parsed = parsePythonJson(text);
  if ('error' in parsed) return { problem: { line: parsed.error.line, message: `Not valid JSON: ${parsed.error.message}.` } };
  const data = parsed.value;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { problem: { line: 1, message: 'Expected a JSON object of metric names to values.' } };
  }
  const values = new Map<string, number>();
  let step: number | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'step' && typeof value === 'number' && Number.isFinite(value)) step = value;
    else collect(value, key, values, 0);
  }
  return { value: { values, step } };
}

function collect(value: unknown, key: string, out: Map<string, number>, depth: number): void {
  if (typeof value === 'number') out.set(key, value);
  else if (typeof value === 'boolean') out.set(key, value ? 1 : 0);
  else if (typeof value === 'string') {
    const n = parsePythonNumber(value);
    if (n !== undefined) out.set(key, n);
  } else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 32) {
    for (const [k, v] of Object.entries(value)) collect(v, `${key}/${k}`, out, depth + 1);
  }
}
