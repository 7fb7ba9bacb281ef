import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { StoreProblem } from '../runs/types';
import { isEventFileName } from './detectTensorboardStore';

// Every folder under a log dir that holds event files is a run (TensorBoard's io_wrapper.GetLogdirSubdirectories).
// One readdir per folder; symbolic links to folders are followed once (a link loop is not walked twice).

/** Folders that never hold a user's runs, however deep. */
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv', 'site-packages']);
const MAX_DEPTH = 12;
const MAX_ENTRIES = 200_000;

export interface RunFolders {
  /** Absolute run folder -> its event file names, sorted. */
  runs: Map<string, string[]>;
  problems: StoreProblem[];
}

export async function findRunFolders(root: string, signal?: AbortSignal): Promise<RunFolders> {
  const runs = new Map<string, string[]>();
  const problems: StoreProblem[] = [];
  const visited = new Set<string>();
  let entriesSeen = 0;
  let level = [root];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      signal?.throwIfAborted();
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (depth > 0 || !isNotFound(err)) {
          problems.push({ severity: 'warning', file: dir, message: `Can't list this folder of TensorBoard logs (${errorCode(err)}); its runs are not shown.` });
        }
        continue;
      }
      entriesSeen += entries.length;
      if (entriesSeen > MAX_ENTRIES) {
        problems.push({ severity: 'warning', file: dir, message: `Stopped looking for TensorBoard runs after ${MAX_ENTRIES} folder entries; runs deeper in ${root} are not shown.` });
        return { runs, problems };
      }
      const events: string[] = [];
      for (const e of entries) {
        if (e.isFile() && isEventFileName(e.name)) events.push(e.name);
        else if (e.isDirectory() && !SKIP_DIRS.has(e.name)) next.push(path.join(dir, e.name));
        else if (e.isSymbolicLink()) {
          const target = path.join(dir, e.name);
          const st = await stat(target).catch(() => undefined);
          if (st?.isDirectory()) {
            const real = await realpath(target).catch(() => target);
            if (!visited.has(real)) {
              visited.add(real);
              next.push(target);
            }
          } else if (st?.isFile() && isEventFileName(e.name)) events.push(e.name);
        }
      }
      if (events.length > 0) runs.set(dir, events.sort());
    }
    level = next;
  }
  return { runs, problems };
}

/** The event file names in one folder, sorted (none if it can't be listed). */
export async function listEventFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter(isEventFileName).sort();
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err instanceof Error ? err.message : String(err));
}
