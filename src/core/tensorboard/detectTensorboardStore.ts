import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { StoreRef } from '../runs/types';

// Which folder is a TensorBoard store. TensorBoard itself has no store: `tensorboard --logdir DIR` shows every folder
// under DIR that holds event files as a run named by its path relative to DIR. We take as the store root the DIR
// people pass in practice, from the run folder where the workspace search first meets event files:
//
//   1. A folder holding `events.out.tfevents.*` files is a run folder.
//   2. Its parent is the store root (torch's `runs/Nov26_08-00-00_host/`, Lightning's `lightning_logs/version_0/`,
//      `tf.summary.create_file_writer('logs/exp1')`: the roots are `runs/`, `lightning_logs/`, `logs/`).
//      For Keras's TensorBoard callback, which writes `<log_dir>/train/` and `<log_dir>/validation/` and whose docs
//      use log_dir = `logs/fit/<timestamp>` with `tensorboard --logdir logs/fit`, a run folder named `train` or
//      `validation` takes its grandparent first, so every fit is in one store (`logs/fit`, runs `<timestamp>/train`).
//   3. A candidate root that looks like a project folder rather than a log folder (it holds `.git`, `pyproject.toml`,
//      `setup.py`, `requirements.txt`, `package.json`, `.py`/`.ipynb` files...) or is the filesystem root is passed
//      over; when every candidate is, the run folder is its own store (event files written straight into `logs/`).
//
// The reader then finds every run folder below the root, at any depth (torch's add_hparams and add_scalars write
// runs inside a run folder). The workspace search should not look for more stores inside a root it was given.

export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

/** Keras's TensorBoard callback writes each fit into these two sub-folders of its log_dir. */
const KERAS_SPLITS = new Set(['train', 'validation']);

/** Entries that make a folder a project (or workspace) folder, not a folder of logs. */
const PROJECT_MARKERS = new Set([
  '.git',
  '.hg',
  '.svn',
  '.vscode',
  '.idea',
  '.dvc',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'requirements.txt',
  'environment.yml',
  'Pipfile',
  'MLproject',
  'dvc.yaml',
  'package.json',
  'Makefile',
]);
const PROJECT_FILE = /\.(py|ipynb)$/;

export function isEventFileName(name: string): boolean {
  return name.startsWith(EVENT_FILE_PREFIX);
}

/**
 * The store root that folder `dir` belongs to if it holds event files (`entryNames` are its entries' names), else
 * undefined. At most two readdir calls (of the candidate roots).
 */
export async function detectTensorboardStore(dir: string, entryNames: ReadonlySet<string>): Promise<string | undefined> {
  let hasEvents = false;
  for (const name of entryNames) {
    if (isEventFileName(name)) {
      hasEvents = true;
      break;
    }
  }
  if (!hasEvents) return undefined;
  const runDir = path.resolve(dir);
  const parent = path.dirname(runDir);
  const candidates = KERAS_SPLITS.has(path.basename(runDir)) ? [path.dirname(parent), parent] : [parent];
  for (const candidate of candidates) {
    if (candidate === runDir || path.dirname(candidate) === candidate) continue; // filesystem root
    if (!(await looksLikeProjectFolder(candidate))) return candidate;
  }
  return runDir;
}

async function looksLikeProjectFolder(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return true; // unreadable: don't make it a store
  }
  return names.some((n) => PROJECT_MARKERS.has(n) || PROJECT_FILE.test(n));
}

/** The StoreRef of a TensorBoard log dir: `tensorboard://` + its absolute path. */
export function tensorboardStoreRef(absPath: string): StoreRef {
  const p = path.resolve(absPath);
  return { kind: 'tensorboard', path: p, uri: `tensorboard://${p}` };
}
