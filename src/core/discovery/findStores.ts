import type { Dirent } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { StoreError, type StoreProblem, type StoreRef } from '../runs/types';
import { parseDotEnv } from './dotEnv';
import { STORE_DETECTORS, type StoreDetector } from './storeDetectors';
import { isRemoteTrackingUri, parseTrackingUri, remoteStoreRef, storeRefFor } from './trackingUri';

export interface FindStoresOptions {
  signal?: AbortSignal;
  /** Folder levels below the workspace to look in. Default 6. */
  maxDepth?: number;
  /** Directory entries to look at before giving up. Default 200,000. */
  maxEntries?: number;
  /** Environment to read MLFLOW_TRACKING_URI from (default: none). */
  env?: Record<string, string | undefined>;
  /** The mlops.trackingUri setting: wins over the environment and .env. */
  trackingUri?: string;
  /** Log-folder sources to look for (default: all known). */
  detectors?: readonly StoreDetector[];
}

export interface FoundStores {
  stores: StoreRef[];
  problems: StoreProblem[];
}

/** Folders that hold installed packages or tool caches, never a user's runs. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', 'env', '__pycache__', '.tox', '.mypy_cache', 'site-packages', 'dist-packages']);
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Finds the run stores in a workspace: mlruns folders, mlflow.db files, log folders of other tools (dvclive, Lightning,
 * TensorBoard), and the configured tracking URI (a local store or a tracking server).
 */
export async function findStores(workspaceDir: string, opts: FindStoresOptions = {}): Promise<FoundStores> {
  const maxDepth = opts.maxDepth ?? 6;
  const maxEntries = opts.maxEntries ?? 200_000;
  const problems: StoreProblem[] = [];
  const found: StoreRef[] = [];
  const visited = new Set<string>();
  let entriesSeen = 0;
  let stopped = false;

  // Breadth first, so the entry bound cuts the deepest folders first.
  let level: string[] = [path.resolve(workspaceDir)];
  for (let depth = 0; depth <= maxDepth && level.length > 0 && !stopped; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      opts.signal?.throwIfAborted();
      const real = await realpath(dir).catch(() => dir);
      if (visited.has(real)) continue;
      visited.add(real);
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (depth === 0) throw new StoreError(`Can't read the workspace folder ${dir}: ${err instanceof Error ? err.message : String(err)}`, dir);
        problems.push({ severity: 'warning', file: dir, message: `Can't look for runs in this folder (${errCode(err)}); give your user read access or ignore this.` });
        continue;
      }
      if (depth > 0 && entries.some((e) => e.name === 'pyvenv.cfg')) continue; // a Python virtual environment
      entriesSeen += entries.length;
      await detectLogStores(dir, entries, opts.detectors ?? STORE_DETECTORS, found);
      if (entriesSeen > maxEntries) {
        problems.push({ severity: 'warning', file: dir, message: `Stopped looking for MLflow stores after ${maxEntries} folder entries. Set mlops.trackingUri to name your store.` });
        stopped = true;
        break;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        const isDir = e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(full)));
        if (isDir) {
          if (SKIP_DIRS.has(e.name)) continue;
          if (e.name === 'mlruns' && (await looksLikeMlruns(full))) {
            found.push(storeRefFor('mlflow-file', full));
            continue; // its sub-folders are experiments and runs, not more stores
          }
          if (depth < maxDepth) next.push(full);
        } else if (e.name === 'mlflow.db') {
          const problem = await checkSqliteHeader(full);
          if (problem) problems.push(problem);
          else found.push(storeRefFor('mlflow-sqlite', full));
        }
      }
    }
    level = next;
  }

  const configured = await configuredStore(workspaceDir, opts, problems);
  if (configured) found.push(configured);
  return { stores: dropNestedLogStores(await dedupeByRealPath(found)), problems };
}

/**
 * A log folder's readers find nested runs themselves (TensorBoard's `run/hparams/`, Keras' `train/`), so a store of
 * one kind inside another store of the same kind is part of it, not a store of its own.
 */
function dropNestedLogStores(refs: StoreRef[]): StoreRef[] {
  const isLog = (r: StoreRef) => !r.kind.startsWith('mlflow-');
  return refs.filter((r) => !isLog(r) || !refs.some((o) => o !== r && o.kind === r.kind && r.path.startsWith(o.path + path.sep)));
}

/** The store named by the setting, else MLFLOW_TRACKING_URI in the environment, else in the workspace's .env. */
async function configuredStore(workspaceDir: string, opts: FindStoresOptions, problems: StoreProblem[]): Promise<StoreRef | undefined> {
  let uri = opts.trackingUri?.trim() || opts.env?.MLFLOW_TRACKING_URI?.trim();
  let source = opts.trackingUri?.trim() ? 'the mlops.trackingUri setting' : 'the MLFLOW_TRACKING_URI environment variable';
  const envFile = path.join(workspaceDir, '.env');
  if (!uri) {
    const text = await readFile(envFile, 'utf8').catch(() => undefined);
    uri = text === undefined ? undefined : parseDotEnv(text).MLFLOW_TRACKING_URI?.trim();
    source = `MLFLOW_TRACKING_URI in ${envFile}`;
  }
  if (!uri) return undefined;
  let ref: StoreRef;
  try {
    if (isRemoteTrackingUri(uri)) return remoteStoreRef(uri);
    ref = parseTrackingUri(uri, workspaceDir);
  } catch (err) {
    problems.push({ severity: 'warning', file: source.includes(envFile) ? envFile : workspaceDir, message: `${err instanceof Error ? err.message : String(err)} (from ${source})` });
    return undefined;
  }
  try {
    const st = await stat(ref.path);
    if (ref.kind === 'mlflow-file' ? !st.isDirectory() : !st.isFile()) throw new Error('wrong type');
  } catch {
    const what = ref.kind === 'mlflow-file' ? 'an mlruns folder' : 'an mlflow.db file';
    problems.push({ severity: 'warning', file: ref.path, message: `${source} names ${ref.path}, which is not ${what} (yet). It is shown once MLflow creates it.` });
    return undefined;
  }
  if (ref.kind === 'mlflow-sqlite') {
    const problem = await checkSqliteHeader(ref.path);
    if (problem) {
      problems.push(problem);
      return undefined;
    }
  }
  return ref;
}

/** An mlruns folder MLflow made: it has the default experiment 0/, a .trash/, or an experiment meta.yaml. */
async function looksLikeMlruns(dir: string): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => e.name === '0' || e.name === '.trash')) return true;
  for (const e of entries.slice(0, 50)) {
    if ((e.isDirectory() || e.isSymbolicLink()) && (await isFile(path.join(dir, e.name, 'meta.yaml')))) return true;
  }
  return false;
}

async function checkSqliteHeader(file: string): Promise<StoreProblem | undefined> {
  const header = Buffer.alloc(16);
  let bytesRead = 0;
  try {
    const fh = await open(file, 'r');
    try {
      ({ bytesRead } = await fh.read(header, 0, 16, 0));
    } finally {
      await fh.close();
    }
  } catch (err) {
    return { severity: 'warning', file, message: `Can't read this mlflow.db (${errCode(err)}); give your user read access to it.` };
  }
  // Empty, or a header still being written: MLflow (or a copy) is creating it. It is a store; the reader says when
  // it has no tables yet, and its change-counter polling picks it up once they exist.
  if (bytesRead < 16 && header.subarray(0, bytesRead).equals(SQLITE_MAGIC.subarray(0, bytesRead))) return undefined;
  if (bytesRead < 16 || !header.equals(SQLITE_MAGIC)) {
    return { severity: 'warning', file, message: `This mlflow.db is not a SQLite database (its header is not "SQLite format 3"), so it is not read as an MLflow store.` };
  }
  return undefined;
}

/** The same folder can hold two kinds of logs (Lightning writes CSV and TensorBoard logs side by side): one store each. */
async function dedupeByRealPath(refs: StoreRef[]): Promise<StoreRef[]> {
  const byReal = new Map<string, StoreRef>();
  for (const ref of refs) {
    const real = ref.kind === 'mlflow-rest' ? ref.uri : await realpath(ref.path).catch(() => ref.path);
    const key = `${ref.kind === 'mlflow-file' || ref.kind === 'mlflow-sqlite' ? 'mlflow' : ref.kind}:${real}`;
    if (!byReal.has(key)) byReal.set(key, ref);
  }
  return [...byReal.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function detectLogStores(dir: string, entries: Dirent[], detectors: readonly StoreDetector[], found: StoreRef[]): Promise<void> {
  if (detectors.length === 0) return;
  const names = new Set(entries.map((e) => e.name));
  for (const detector of detectors) {
    const root = await detector.detect(dir, names).catch(() => undefined);
    if (root && !found.some((f) => f.kind === detector.kind && f.path === root)) found.push(storeRefFor(detector.kind, root));
  }
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

function errCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'error';
}
