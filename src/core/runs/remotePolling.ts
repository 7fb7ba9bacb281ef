// When to ask a tracking server again. Running runs are asked about often at first and less while nothing changes;
// errors back off so an unreachable server is not hammered, and the last good data stays shown meanwhile.

export interface RemotePollState {
  /** performance.now() of the next ask. */
  nextAt: number;
  /** Asks in a row that failed. */
  failures: number;
  /** The wait that was chosen, for messages ("trying again in 8 s"). */
  retryInMs: number;
  /** Date.now() of the last answer. */
  lastOkAt?: number;
  /** Date.now() of the last whole listing (running runs alone are asked about in between). */
  lastFullAt?: number;
  /** Current wait while runs are running and nothing changes. */
  runningWaitMs?: number;
}

export interface RemotePollTimes {
  /** First wait while runs are running; doubles while nothing changes, up to `idleMs`. */
  runningMs: number;
  /** Wait when nothing runs (new runs still appear within this). */
  idleMs: number;
  /** First wait after a failure; doubles per failure up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_REMOTE_POLL: RemotePollTimes = { runningMs: 2000, idleMs: 30_000, backoffMs: 2000, maxBackoffMs: 120_000 };

export function nextRemotePoll(
  state: RemotePollState,
  outcome: { ok: boolean; running: boolean; changed?: boolean; full?: boolean; now: number },
  times: RemotePollTimes = DEFAULT_REMOTE_POLL,
): RemotePollState {
  if (!outcome.ok) {
    const failures = state.failures + 1;
    const retryInMs = Math.min(times.maxBackoffMs, times.backoffMs * 2 ** (failures - 1));
    return { ...state, failures, retryInMs, nextAt: outcome.now + retryInMs };
  }
  const lastOkAt = Date.now();
  const lastFullAt = outcome.full === false ? state.lastFullAt : lastOkAt;
  if (!outcome.running) return { ...state, failures: 0, lastOkAt, lastFullAt, retryInMs: times.idleMs, runningWaitMs: undefined, nextAt: outcome.now + times.idleMs };
  const previous = state.runningWaitMs;
  const runningWaitMs = outcome.changed || previous === undefined ? times.runningMs : Math.min(times.idleMs, previous * 2);
  return { ...state, failures: 0, lastOkAt, lastFullAt, runningWaitMs, retryInMs: runningWaitMs, nextAt: outcome.now + runningWaitMs };
}

/** Whether the next ask should list everything (new runs, deletions) rather than re-read the running runs only. */
export function wantsFullListing(state: RemotePollState, idleMs = DEFAULT_REMOTE_POLL.idleMs): boolean {
  return state.lastFullAt === undefined || Date.now() - state.lastFullAt >= idleMs;
}
