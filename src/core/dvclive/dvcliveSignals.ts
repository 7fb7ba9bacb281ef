import { readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

// dvclive's own "a run is in progress" marks (dvclive/vscode.py, written for DVC's VS Code extension, issue
// iterative/vscode-dvc#4528), in `<dvc root>/.dvc/tmp/exps/run/`:
// - DVCLIVE_ONLY {"pid", "exp_name"}: written when Live() starts outside a pipeline with save_dvc_exp, removed by
//   Live.end();
// - DVCLIVE_STEP_COMPLETED {"pid", "step"}: rewritten at every next_step() (after metrics.json), removed by end().
// A mark whose process is gone was left by a run that was killed: it means nothing.

export interface DvcliveSignal {
  /** Which mark. */
  kind: 'started' | 'step';
  pid: number;
  step?: number;
  mtimeMs: number;
}

const SIGNALS: Array<[DvcliveSignal['kind'], string]> = [
  ['started', 'DVCLIVE_ONLY'],
  ['step', 'DVCLIVE_STEP_COMPLETED'],
];
/** A file written this long before metrics.json's step mark still belongs to that step. */
const STEP_SLACK_MS = 5_000;

/** The nearest folder at or above `dir` holding a `.dvc` folder (dvclive's `_find_dvc_root`), or null. */
export async function findDvcRoot(dir: string): Promise<string | null> {
  let current = path.resolve(dir);
  for (;;) {
    const st = await stat(path.join(current, '.dvc')).catch(() => undefined);
    if (st?.isDirectory()) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** The marks of live dvclive processes in a DVC repo. Two stats when there are none. */
export function liveDvcliveSignals(dvcRoot: string): DvcliveSignal[] {
  const found: DvcliveSignal[] = [];
  for (const [kind, name] of SIGNALS) {
    const file = path.join(dvcRoot, '.dvc', 'tmp', 'exps', 'run', name);
    try {
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st) continue;
      const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!data || typeof data !== 'object') continue;
      const { pid, step } = data as { pid?: unknown; step?: unknown };
      if (typeof pid !== 'number' || !isAlive(pid)) continue;
      found.push({ kind, pid, step: typeof step === 'number' ? step : undefined, mtimeMs: st.mtimeMs });
    } catch {
      // Missing (no run in progress) or half-written: no mark.
    }
  }
  return found;
}

/**
 * Whether a dvclive folder is the one a live process is writing: its files changed after the start mark, or its
 * metrics.json holds the step of the latest step mark and was written just before it.
 */
export function signalsClaimRun(signals: readonly DvcliveSignal[], run: { lastChangeMs: number; summaryStep?: number; summaryMtimeMs?: number }): boolean {
  return signals.some((s) =>
    s.kind === 'started'
      ? run.lastChangeMs >= s.mtimeMs
      : s.step !== undefined &&
        run.summaryStep === s.step &&
        run.summaryMtimeMs !== undefined &&
        run.summaryMtimeMs <= s.mtimeMs + STEP_SLACK_MS &&
        run.summaryMtimeMs >= s.mtimeMs - STEP_SLACK_MS,
  );
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists but is another user's. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
