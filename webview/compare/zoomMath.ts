// Zoom and pan arithmetic for a chart's x axis, apart from the DOM so it is tested in plain Node.

export type Range = [number, number];

/** The data range between two pixel positions on an axis mapping [pixelLo, pixelHi] to [range[0], range[1]]. */
export function rangeFromPixels(a: number, b: number, pixelLo: number, pixelHi: number, range: Range): Range | null {
  const width = pixelHi - pixelLo;
  if (!(width > 0)) return null;
  const toValue = (p: number) => range[0] + ((Math.min(pixelHi, Math.max(pixelLo, p)) - pixelLo) / width) * (range[1] - range[0]);
  const lo = toValue(Math.min(a, b));
  const hi = toValue(Math.max(a, b));
  return hi > lo ? [lo, hi] : null;
}

/** Wheel zoom around `at` (a data x): factor < 1 zooms in. Never wider than `full`, never narrower than `minSpan`. */
export function zoomAround(range: Range, at: number, factor: number, full: Range, minSpan = 1e-9): Range | null {
  const span = range[1] - range[0];
  const fullSpan = full[1] - full[0];
  if (!(span > 0) || !(fullSpan > 0)) return null;
  const newSpan = Math.min(fullSpan, Math.max(minSpan, span * factor));
  if (newSpan >= fullSpan) return null; // all the way out: no zoom
  const t = Math.min(1, Math.max(0, (at - range[0]) / span));
  return clampRange([at - t * newSpan, at - t * newSpan + newSpan], full);
}

/** The range moved by `delta` data units, kept inside `full` (its span unchanged). */
export function panBy(range: Range, delta: number, full: Range): Range {
  return clampRange([range[0] + delta, range[1] + delta], full);
}

/** Shifts a range back inside `full` without changing its span (or returns `full` when it is wider). */
export function clampRange(range: Range, full: Range): Range {
  const span = range[1] - range[0];
  if (span >= full[1] - full[0]) return [full[0], full[1]];
  if (range[0] < full[0]) return [full[0], full[0] + span];
  if (range[1] > full[1]) return [full[1] - span, full[1]];
  return range;
}

/** Pixels dragged as data units (dragging right moves the view left). */
export function pixelsToData(dx: number, pixelWidth: number, range: Range): number {
  return pixelWidth > 0 ? (-dx / pixelWidth) * (range[1] - range[0]) : 0;
}

/** The x extent of all points of all series (for the "full" range zoom and pan are clamped to). */
export function extentOf(series: readonly { x0: number; xs: ArrayLike<number> }[]): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const n = s.xs.length;
    if (n === 0) continue;
    lo = Math.min(lo, s.x0 + s.xs[0]);
    hi = Math.max(hi, s.x0 + s.xs[n - 1]);
  }
  return hi > lo ? [lo, hi] : null;
}
