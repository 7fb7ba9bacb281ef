import type { RunStatus } from './types';

/** The file store writes RunStatus as its protobuf number (mlflow/protos/service.proto). */
const BY_NUMBER: Record<number, RunStatus> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
const NAMES = new Set<string>(Object.values(BY_NUMBER));

/** A status from either store: the number (file store) or the name (SQL store). Undefined if it is neither. */
export function parseRunStatus(raw: unknown): RunStatus | undefined {
  if (typeof raw === 'number') return BY_NUMBER[raw];
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (/^\d+$/.test(t)) return BY_NUMBER[Number(t)];
    return NAMES.has(t) ? (t as RunStatus) : undefined;
  }
  return undefined;
}
