// Benchmark sizes, from the goals, scaled by BENCH_SCALE (default 1; 0.1 for a quick run).
// Only run counts scale: a run's shape (metrics, steps, params, tags) stays what the goal names.

export function benchScale(env = process.env) {
  const raw = env.BENCH_SCALE ?? '1';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
    throw new Error(`BENCH_SCALE=${raw}: expected a number in (0, 1], e.g. 0.1 for a quick run`);
  }
  return scale;
}

export function benchSizes(scale) {
  const runs = (n) => Math.max(10, Math.round(n * scale));
  return {
    /** Cold listing, reopen, live append, top-100 and host memory. */
    wideFileStore: { runs: runs(10_000), metrics: 10, steps: 100, params: 20, tags: 5 },
    /** Long histories. */
    deepFileStore: { runs: runs(500), metrics: 10, steps: 1000, params: 20, tags: 5 },
    /** mlflow.db: 10,000 runs x 10 metrics x 100 steps = 10 million metric rows. */
    sqliteDb: { runs: runs(10_000), metrics: 10, steps: 100, params: 20, tags: 5 },
  };
}
