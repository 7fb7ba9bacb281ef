import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { logFolderStoreRef } from '../runs/logFolderRuns';
import type { StoreRef } from '../runs/types';
import { parsePythonJson } from '../text/pythonJson';

// Which folders are dvclive output folders (Live(dir=...), `dvclive` by default). dvclive writes metrics.json,
// params.yaml and plots/metrics/**/*.tsv there; a project's own params.yaml + metrics.json (a DVC pipeline's)
// look the same, so a folder not named `dvclive` needs dvclive's plots/metrics tree or its top-level "step".

export function dvcliveStoreRef(absPath: string): StoreRef {
  return logFolderStoreRef('dvclive', absPath);
}

/** metrics.json is read only if this small: dvclive's summary is a few KB. */
const MAX_SUMMARY_PEEK = 64 * 1024;

/**
 * The dvclive folder `dir` is or is inside (when `dir` is its plots/ or plots/metrics/ folder), or undefined.
 * At most two file system calls.
 */
export async function detectDvcliveStore(dir: string, entryNames: ReadonlySet<string>): Promise<string | undefined> {
  const abs = path.resolve(dir);
  const name = path.basename(abs);
  const hasSummary = entryNames.has('metrics.json');
  if (name === 'dvclive' && (hasSummary || entryNames.has('params.yaml') || entryNames.has('plots'))) return abs;
  if (hasSummary && entryNames.has('plots') && (await isDir(path.join(abs, 'plots', 'metrics')))) return abs;
  if (hasSummary && entryNames.has('params.yaml') && (await summaryHasStep(path.join(abs, 'metrics.json')))) return abs;
  // Reached plots/ or plots/metrics/ of a folder whose summary is not written yet (before the first next_step).
  const parent = path.dirname(abs);
  if (name === 'metrics' && path.basename(parent) === 'plots' && [...entryNames].some((e) => e.endsWith('.tsv'))) return path.dirname(parent);
  if (name === 'plots' && entryNames.has('metrics') && (await isFile(path.join(parent, 'metrics.json')))) return parent;
  return undefined;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

/** dvclive's make_summary puts the Live step at the top level as an integer. */
async function summaryHasStep(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_SUMMARY_PEEK + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_SUMMARY_PEEK) return false;
      const parsed = parsePythonJson(buf.toString('utf8', 0, bytesRead));
      if (!('value' in parsed)) return false;
      const data = parsed.value;
      return !!data && typeof data === 'object' && Number.isInteger((data as { step?: unknown }).step);
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}
