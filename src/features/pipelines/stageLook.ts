// How a stage looks in the tree, the CodeLens and the DAG: one state, a short summary and every reason, from
// `dvc status`'s verdict (computeStatus) and what we know of our own runs. Pure: no `vscode`, unit-tested.
import type { StageStatus } from '../../core/dvc/status/statusTypes';
import { STAGE_STATE_LABELS, type StageState } from '../../protocol/dag';

/** What we remember of a run we started (kept in workspace state, so it survives a reload). */
export interface LastRunRecord {
  /** When it finished (epoch ms). */
  at: number;
  ms: number;
  ok: boolean;
  exitCode?: number;
  /** Why it failed, when it did: the runner's message. */
  error?: string;
  runner: 'dvc' | 'builtin';
}

export interface StageOverlay {
  /** A run is executing this stage now. */
  running?: boolean;
  /** A run will execute this stage later. */
  queued?: boolean;
  /** Status is being computed and there is no verdict yet. */
  checking?: boolean;
  /** The stage ran in the run still going: its dvc.lock entry was just written (status is read again at the end). */
  justRan?: boolean;
  lastRun?: LastRunRecord;
}

export interface StageLook {
  state: StageState;
  /** One short line for a tree description or a CodeLens. */
  summary: string;
  /** Every reason, as sentences. */
  reasons: string[];
}

const SUMMARY_MAX = 90;

/** The stage's state and reasons; `status` undefined means no verdict yet (being checked, or it failed). */
export function stageLook(status: StageStatus | undefined, overlay: StageOverlay = {}): StageLook {
  const reasons = status ? status.reasons.map((r) => r.message) : [];
  if (overlay.running) return { state: 'running', summary: STAGE_STATE_LABELS.running, reasons };
  if (overlay.queued) return { state: 'queued', summary: STAGE_STATE_LABELS.queued, reasons };
  if (overlay.justRan) return { state: 'upToDate', summary: 'Ran just now', reasons: ['Ran in the current run; dvc.lock records it. Its status is checked again when the run ends.'] };
  if (!status) return { state: 'checking', summary: STAGE_STATE_LABELS.checking, reasons };
  const state = stateOf(status);
  const last = overlay.lastRun;
  if (last && !last.ok && state !== 'upToDate' && state !== 'frozen') {
    const why = last.exitCode !== undefined ? `exit code ${last.exitCode}` : last.error ?? 'stopped';
    return { state: 'failed', summary: `Failed (${why})`, reasons: [`The last run failed: ${last.error ?? why}.`, ...reasons] };
  }
  switch (state) {
    case 'upToDate':
      return { state, summary: STAGE_STATE_LABELS.upToDate, reasons: reasons.length ? reasons : ['Everything matches dvc.lock.'] };
    case 'neverRun':
      return { state, summary: STAGE_STATE_LABELS.neverRun, reasons };
    case 'frozen':
      return { state, summary: STAGE_STATE_LABELS.frozen, reasons };
    default: {
      const first = (status.reasons.find((r) => r.kind !== 'not-in-lock') ?? status.reasons[0])?.message ?? STAGE_STATE_LABELS[state];
      const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : '';
      return { state, summary: shorten(first.replace(/\.$/, ''), SUMMARY_MAX - more.length) + more, reasons };
    }
  }
}

/** `dvc status`'s verdict as one state. */
export function stateOf(status: StageStatus): StageState {
  const cannotCheck = status.problems.some((p) => p.severity === 'error');
  if (cannotCheck) return 'error';
  if (status.kind === 'pipeline' && !status.inLock) return 'neverRun';
  if (status.frozen && !status.changed) return 'frozen';
  return status.changed ? 'changed' : 'upToDate';
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d} day${d === 1 ? '' : 's'} ago`;
  return `on ${new Date(then).toISOString().slice(0, 10)}`;
}

/**
 * When the stage last ran, said honestly: our own record of a run when there is one ("ran 5 min ago, 12s"), else
 * the newest modification time of its outputs ("outputs written 3 h ago", which a checkout also updates).
 */
export function lastRanText(lastRun: LastRunRecord | undefined, outputsWrittenAt: number | undefined, now: number, formatMs: (ms: number) => string): string | undefined {
  if (lastRun && (outputsWrittenAt === undefined || lastRun.at >= outputsWrittenAt - 2000)) {
    return `${lastRun.ok ? 'ran' : 'failed'} ${formatAgo(lastRun.at, now)}${lastRun.ms >= 0 ? `, ${formatMs(lastRun.ms)}` : ''}`;
  }
  if (outputsWrittenAt !== undefined) return `outputs written ${formatAgo(outputsWrittenAt, now)}`;
  return undefined;
}

/** The stage's commands as lines (a list `cmd` runs one after another). */
export function commandLines(cmd: string | string[]): string[] {
  return Array.isArray(cmd) ? cmd : [cmd];
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
