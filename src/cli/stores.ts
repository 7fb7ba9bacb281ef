import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { findStores } from '../core/discovery/findStores';
import { isRemoteTrackingUri, parseTrackingUri, remoteStoreRef } from '../core/discovery/trackingUri';
import { openStore } from '../core/runs/openStore';
import { StoreError, type RunStoreReader, type StoreProblem, type StoreRef, type StoreSnapshot } from '../core/runs/types';
import { stringOption, type ParsedArgs } from './args';
import { CliError, type CliIo } from './cliIo';
import { remoteReaderOptions } from './remoteOptions';
import { sanitizeCell } from './table';

export interface StoreSelection {
  refs: StoreRef[];
  problems: StoreProblem[];
  /** For messages: where the stores came from. */
  source: string;
}

/**
 * Which stores to read: --tracking-uri, else --workspace (searched), else MLFLOW_TRACKING_URI, else the working
 * directory (searched). Explicit flags win over the environment, as with MLflow's own CLI options.
 */
export async function selectStores(opts: { trackingUri?: string; workspace?: string }, io: CliIo, signal?: AbortSignal): Promise<StoreSelection> {
  if (opts.trackingUri !== undefined && opts.workspace !== undefined) {
    throw new CliError('use either --tracking-uri or --workspace, not both', true);
  }
  if (opts.trackingUri !== undefined) {
    return { refs: [storeRefForUri(opts.trackingUri, io.cwd)], problems: [], source: `--tracking-uri ${opts.trackingUri}` };
  }
  const envUri = io.env.MLFLOW_TRACKING_URI?.trim();
  if (opts.workspace === undefined && envUri) {
    try {
      return { refs: [storeRefForUri(envUri, io.cwd)], problems: [], source: `MLFLOW_TRACKING_URI=${envUri}` };
    } catch (e) {
      if (e instanceof StoreError) {
        throw new StoreError(`MLFLOW_TRACKING_URI: ${e.message} Unset it, or pass --workspace DIR or --tracking-uri PATH.`, e.file);
      }
      throw e;
    }
  }
  const dir = path.resolve(io.cwd, opts.workspace ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--workspace ${dir} is not a directory`);
  // The environment's tracking URI is left out on purpose: an explicit --workspace means this folder only.
  const found = await findStores(dir, { signal, env: {} });
  return { refs: found.stores, problems: found.problems, source: dir };
}

/** A local store's path or URI, or a tracking server's http(s) URL. */
function storeRefForUri(uri: string, cwd: string): StoreRef {
  return isRemoteTrackingUri(uri) ? remoteStoreRef(uri) : parseTrackingUri(uri, cwd);
}

export interface OpenStore {
  reader: RunStoreReader;
  snapshot: StoreSnapshot;
}

export interface ReadResult {
  stores: OpenStore[];
  problems: StoreProblem[];
  /** Stores that could not be read at all. */
  errors: StoreError[];
}

/** The options for openStore: in the bundle the SQLite worker sits beside cli.js. */
function openOptions(): { sqliteWorkerPath?: string } {
  const worker = path.join(__dirname, 'sqliteWorker.js');
  return existsSync(worker) ? { sqliteWorkerPath: worker } : {};
}

/**
 * Opens and reads every store, fresh (no cache), then runs `use` and closes every reader, whatever happens:
 * the SQLite reader holds a worker thread that would keep the process alive.
 */
export async function withStores<T>(
  refs: readonly StoreRef[], use: (result: ReadResult) => Promise<T>, signal?: AbortSignal, env: Readonly<Record<string, string | undefined>> = {},
): Promise<T> {
  const result: ReadResult = { stores: [], problems: [], errors: [] };
  const readers: RunStoreReader[] = [];
  try {
    for (const ref of refs) {
      try {
        const reader = openStore(ref, ref.kind === 'mlflow-rest' ? { rest: remoteReaderOptions(ref, env, result.problems) } : openOptions());
        readers.push(reader);
        const snapshot = await reader.readAll(signal);
        result.stores.push({ reader, snapshot });
        result.problems.push(...snapshot.problems);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        result.errors.push(e);
      }
    }
    return await use(result);
  } finally {
    await Promise.allSettled(readers.map((r) => r.close()));
  }
}

/**
 * `warning: /abs/file:3: message` on stderr, one line per problem. Even 'error' problems are warnings here:
 * they cost one run or file, the rest is listed and the exit code stays 0.
 */
export function reportProblems(problems: readonly StoreProblem[], io: CliIo): void {
  for (const p of problems) {
    const where = oneLine(p.line !== undefined ? `${p.file}:${p.line}` : p.file);
    io.stderr.write(`mlops-workbench: warning: ${where}: ${oneLine(p.message)}\n`);
  }
}

export function reportStoreErrors(errors: readonly StoreError[], io: CliIo): void {
  for (const e of errors) io.stderr.write(`mlops-workbench: error: ${oneLine(e.file)}: ${oneLine(e.message)}\n`);
}

// Messages can quote file content: keep each report on one line, with no terminal control characters.
function oneLine(text: string): string {
  return sanitizeCell(text.replace(/\r?\n/g, ' '));
}

/**
 * What every command does first: pick the stores its --tracking-uri / --workspace name, read them, and report on
 * stderr each problem and each unusable store; `use` gets what could be read.
 */
export async function readSelectedStores<T>(args: ParsedArgs, io: CliIo, use: (result: ReadResult, selection: StoreSelection) => Promise<T>): Promise<T> {
  const selection = await selectStores({ trackingUri: stringOption(args, 'tracking-uri'), workspace: stringOption(args, 'workspace') }, io);
  reportProblems(selection.problems, io);
  return withStores(selection.refs, async (result) => {
    reportProblems(result.problems, io);
    reportStoreErrors(result.errors, io);
    return use(result, selection);
  }, undefined, io.env);
}
