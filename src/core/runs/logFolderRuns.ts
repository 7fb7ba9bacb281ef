import { createHash } from 'node:crypto';
import type { RunStatus, StoreKind, StoreProblem, StoreRef } from './types';

// What the readers of training-log folders (dvclive, Lightning CSVLogger, TensorBoard) share: how a store and a
// run are named, and the status rule for tools that leave no "run ended" mark in their files.

/** `<kind>://` + the absolute folder, as StoreRef documents. */
export function logFolderStoreRef(kind: StoreKind, absPath: string): StoreRef {
  return { kind, uri: `${kind}://${absPath}`, path: absPath };
}

/** Unique across the workspace and stable across reloads: md5 of `<kind>:<absolute run folder>`, 32 hex digits. */
export function logFolderRunId(kind: StoreKind, absRunFolder: string): string {
  return createHash('md5').update(`${kind}:${absRunFolder}`).digest('hex');
}

export interface LogFolderReaderOptions {
  /** The clock, for tests. */
  now?: () => number;
  /** How long after its last change a run still counts as RUNNING. Default LIVE_WINDOW_MS. */
  liveWindowMs?: number;
}

/** A run whose files changed this recently is taken as still training. */
export const LIVE_WINDOW_MS = 60_000;

/**
 * The status of a run whose tool writes no end marker: RUNNING while its files changed within the window,
 * FINISHED after. Nothing in the files tells a crash from a clean end, so FAILED and KILLED are never guessed.
 * The status changes with time alone: a caller that shows it should read again once the window has passed.
 */
export function statusFromActivity(lastChangeMs: number, nowMs: number, windowMs = LIVE_WINDOW_MS): RunStatus {
  return nowMs - lastChangeMs < windowMs ? 'RUNNING' : 'FINISHED';
}

/** Problems of one file: the first few with their lines, then how many more, so a broken file cannot flood the view. */
export class FileProblems {
  private listed: StoreProblem[] = [];
  private more = 0;

  constructor(
    private readonly file: string,
    private readonly max = 5,
  ) {}

  add(message: string, line?: number, severity: StoreProblem['severity'] = 'warning'): void {
    if (this.listed.length < this.max) this.listed.push({ severity, file: this.file, ...(line !== undefined ? { line } : {}), message });
    else this.more++;
  }

  clear(): void {
    this.listed = [];
    this.more = 0;
  }

  list(): StoreProblem[] {
    if (this.more === 0) return this.listed;
    return [...this.listed, { severity: 'warning', file: this.file, message: `${this.more} more problems in this file were not listed.` }];
  }
}
