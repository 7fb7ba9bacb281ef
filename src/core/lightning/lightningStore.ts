import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { logFolderStoreRef } from '../runs/logFolderRuns';
import type { StoreRef } from '../runs/types';

// Which folders hold PyTorch Lightning CSVLogger runs: `<save_dir>/<name>/<version>/metrics.csv` (+ hparams.yaml),
// `lightning_logs/version_N/` by default (lightning/pytorch/loggers/csv_logs.py). The store is the folder of
// versions; a version folder named by the user (CSVLogger(version="baseline")) is found by its two files.
// TensorBoardLogger uses the same layout with event files instead of metrics.csv: those are not ours.

export function lightningCsvStoreRef(absPath: string): StoreRef {
  return logFolderStoreRef('lightning-csv', absPath);
}

export const METRICS_CSV = 'metrics.csv';
export const HPARAMS_YAML = 'hparams.yaml';
export const VERSION_DIR = /^version_\d+$/;

/**
 * The CSVLogger folder of versions that `dir` is (it holds version_N folders with a metrics.csv) or is in (it is a
 * version folder), or undefined. At most two stats.
 */
export async function detectLightningCsvStore(dir: string, entryNames: ReadonlySet<string>): Promise<string | undefined> {
  const abs = path.resolve(dir);
  if (entryNames.has(METRICS_CSV) && (entryNames.has(HPARAMS_YAML) || VERSION_DIR.test(path.basename(abs)))) return path.dirname(abs);
  let tries = 0;
  for (const name of entryNames) {
    if (!VERSION_DIR.test(name)) continue;
    if (await isFile(path.join(abs, name, METRICS_CSV))) return abs;
    if (++tries === 2) break;
  }
  return undefined;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
