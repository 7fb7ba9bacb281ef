// MLflow stores every param as text ("0.01", "32", "adam", "None"). Compare treats the ones that read as numbers
// as numbers, so they sort, average and plot as numbers.

const DECIMAL = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * The number a param's text spells, or null. Leading zeros ("007") and integers past 2^53 (hashes, ids) stay
 * text: as numbers they would print differently from what was logged.
 */
export function numericParam(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  if (INTEGER.test(text) && !Number.isSafeInteger(value)) return null;
  return value;
}
