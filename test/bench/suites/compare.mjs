// Compare panel, host side: decimating 20 runs x 100,000 steps for the charts, re-decimating on zoom, and the size
// of the message to the webview, each beside a naive approach measured in the same process: building {x, y}
// objects and decimating them as chart.js's decimation plugin does, or sending full histories as JSON.
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';

const RUNS = 20;
const STEPS = 100_000;
const MAX_POINTS = 2000;
const REPEATS = 15;

export async function run({ row, log, build }) {
  const require = createRequire(import.meta.url);
  const load = (rel) => require(path.join(build, rel));
  const { decimateMinMax, decimateLttb } = load('src/core/compare/decimate.js');
  const { toXYSeries } = load('src/core/compare/metricSeries.js');
  const { groupBand } = load('src/core/compare/groupBands.js');

  log(`compare: generating ${RUNS} runs x ${STEPS.toLocaleString('en-US')} steps`);
  const histories = Array.from({ length: RUNS }, (_, r) => syntheticHistory(r + 1));
  const series = histories.map((h) => toXYSeries(h, 'step'));
  const toXyMs = timeMedian(() => histories.map((h) => toXYSeries(h, 'step')));

  const label = `${RUNS} runs x ${STEPS.toLocaleString('en-US')} steps to ${MAX_POINTS.toLocaleString('en-US')} points each`;
  const all = (fn) => () => series.map(fn);

  const minMaxMs = timeMedian(all((s) => decimateMinMax(s, MAX_POINTS)));
  const naiveMinMaxMs = timeMedian(all((s) => naiveMinMax(toObjects(s), MAX_POINTS)));
  row(`Compare: min-max decimation, ${label}`, {
    ours: minMaxMs, baseline: naiveMinMaxMs, unit: 'ms', goal: '≤ 30 ms', ok: minMaxMs <= 30,
    note: `${cpuNote(minMaxMs)}; baseline: {x, y} objects, then chart.js-style min-max per bucket; median of ${REPEATS}; turning the 20 histories into sorted x/y arrays (toXYSeries) takes another ${toXyMs.toFixed(1)} ms`,
  });

  const lttbMs = timeMedian(all((s) => decimateLttb(s, MAX_POINTS)));
  const naiveLttbMs = timeMedian(all((s) => naiveLttb(toObjects(s), MAX_POINTS)));
  row(`Compare: LTTB decimation, ${label}`, {
    ours: lttbMs, baseline: naiveLttbMs, unit: 'ms', goal: '≤ 30 ms', ok: lttbMs <= 30,
    note: `${cpuNote(lttbMs)}; baseline: {x, y} objects, then LTTB over them as chart.js's decimation plugin does; median of ${REPEATS}`,
  });

  const range = { xMin: STEPS * 0.45, xMax: STEPS * 0.55 };
  const zoomMs = timeMedian(all((s) => decimateMinMax(s, MAX_POINTS, range)));
  const zoomLttbMs = timeMedian(all((s) => decimateLttb(s, MAX_POINTS, range)));
  const naiveZoomMs = timeMedian(all((s) => naiveLttb(toObjects(s).filter((p) => p.x >= range.xMin && p.x <= range.xMax), MAX_POINTS)));
  row(`Compare: zoom re-decimation of a 10% x range, ${RUNS} runs (min-max)`, {
    ours: zoomMs, baseline: naiveZoomMs, unit: 'ms', goal: '≤ 50 ms', ok: Math.max(zoomMs, zoomLttbMs) <= 50,
    note: `${cpuNote(zoomMs)}; LTTB over the same range: ${zoomLttbMs.toFixed(1)} ms; baseline: {x, y} objects of the full history filtered to the range, then LTTB`,
  });

  const decimated = series.map((s) => decimateMinMax(s, MAX_POINTS));
  const messageKb = v8.serialize({ type: 'series', series: decimated.map((s, i) => ({ runId: `run${i}`, xs: s.xs, ys: s.ys })) }).length / 1024;
  const jsonKb = Buffer.byteLength(JSON.stringify(decimated.map((s, i) => ({ runId: `run${i}`, xs: [...s.xs], ys: [...s.ys] })))) / 1024;
  const naiveKb = Buffer.byteLength(JSON.stringify(series.map((s, i) => ({ runId: `run${i}`, points: toObjects(s) })))) / 1024;
  row(`Compare: message to the webview, ${RUNS} decimated series (structured clone)`, {
    ours: Math.round(messageKb), baseline: Math.round(naiveKb), unit: 'KB', goal: '≤ 1 MB (1,024 KB)', ok: messageKb <= 1024,
    note: `v8.serialize of Float64Arrays (what postMessage clones); the same points as JSON number arrays: ${Math.round(jsonKb)} KB; baseline: full histories as JSON {x, y} objects`,
  });

  const bandMs = timeMedian(() => groupBand('all', series.map((_, i) => `run${i}`), series, 'std', MAX_POINTS), 5);
  row(`Compare: group mean and std band over ${RUNS} runs, decimated to ${MAX_POINTS.toLocaleString('en-US')} points`, {
    ours: bandMs, baseline: 'none', unit: 'ms', goal: 'no goal (informational)',
    note: `${cpuNote(bandMs)}; median of 5; union of x, linear interpolation, two passes for the std`,
  });
}

/** A loss-like curve with noise and rare spikes, as the index stores a history (columnar). */
function syntheticHistory(seed) {
  let state = seed * 2654435761;
  const random = () => ((state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);
  const steps = new Float64Array(STEPS);
  const timestamps = new Float64Array(STEPS);
  const values = new Float64Array(STEPS);
  let t = 1_714_000_000_000;
  for (let i = 0; i < STEPS; i++) {
    steps[i] = i;
    t += 50 + Math.floor(random() * 20);
    timestamps[i] = t;
    values[i] = 2 * Math.exp(-i / 20_000) + (random() - 0.5) * 0.05 + (random() < 0.0005 ? random() * 3 : 0);
  }
  return { steps, timestamps, values };
}

/** Median wall time in ms; the median CPU time of the same calls is kept in `cpuOf` (the machine may be shared). */
const cpuOf = new Map();
function timeMedian(fn, repeats = REPEATS) {
  for (let i = 0; i < 3; i++) fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ms = median(wall);
  cpuOf.set(ms, median(cpu));
  return ms;
}

function cpuNote(ms) {
  return `CPU time ${cpuOf.get(ms)?.toFixed(1)} ms`;
}

function toObjects(s) {
  const out = new Array(s.xs.length);
  for (let i = 0; i < s.xs.length; i++) out[i] = { x: s.xs[i], y: s.ys[i] };
  return out;
}

/** The naive min-max: per bucket of points, its first, min, max and last, over objects. */
function naiveMinMax(points, maxPoints) {
  const perBucket = Math.ceil(points.length / (maxPoints / 4));
  const out = [];
  for (let start = 0; start < points.length; start += perBucket) {
    const bucket = points.slice(start, start + perBucket);
    let min = bucket[0];
    let max = bucket[0];
    for (const p of bucket) {
      if (p.y < min.y) min = p;
      if (p.y > max.y) max = p;
    }
    const picked = [bucket[0], min, max, bucket[bucket.length - 1]];
    for (const p of [...new Set(picked)].sort((a, b) => a.x - b.x)) out.push(p);
  }
  return out;
}

/** LTTB over {x, y} objects, bucket slices and all, as a straightforward port of the paper would do it. */
function naiveLttb(points, threshold) {
  if (points.length <= threshold) return points;
  const every = (points.length - 2) / (threshold - 2);
  const out = [points[0]];
  let anchor = points[0];
  for (let k = 0; k < threshold - 2; k++) {
    const bucket = points.slice(Math.floor(k * every) + 1, Math.floor((k + 1) * every) + 1);
    const next = points.slice(Math.floor((k + 1) * every) + 1, Math.min(points.length, Math.floor((k + 2) * every) + 1));
    const c = next.length
      ? { x: next.reduce((s, p) => s + p.x, 0) / next.length, y: next.reduce((s, p) => s + p.y, 0) / next.length }
      : points[points.length - 1];
    let best = bucket[0];
    let bestArea = -1;
    for (const p of bucket) {
      const area = Math.abs((anchor.x - c.x) * (p.y - anchor.y) - (anchor.x - p.x) * (c.y - anchor.y)) / 2;
      if (area > bestArea) {
        bestArea = area;
        best = p;
      }
    }
    out.push(best);
    anchor = best;
  }
  out.push(points[points.length - 1]);
  return out;
}
