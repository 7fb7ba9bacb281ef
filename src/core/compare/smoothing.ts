/**
 * TensorBoard-style debiased exponential moving average, weight in [0,1); NaN passes through without poisoning
 * the average. Pure and import-free on purpose: the webview may copy this logic.
 *
 * avg_k = weight * avg_(k-1) + (1 - weight) * y_k, started at 0, then divided by (1 - weight^k) so the first
 * points are not pulled toward 0 (k counts finite points only). Non-finite points are copied as they are.
 */
export function emaSmooth(ys: Float64Array, weight: number): Float64Array {
  const out = new Float64Array(ys.length);
  // Weight 1 would never move and divide by zero in the debias term: the slider's top end is "very smooth".
  const w = weight > 0 ? Math.min(weight, 0.9999) : 0;
  let avg = 0;
  let decay = 1;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    avg = avg * w + (1 - w) * y;
    decay *= w;
    out[i] = avg / (1 - decay);
  }
  return out;
}
