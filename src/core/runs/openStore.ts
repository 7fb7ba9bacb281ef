import { MlflowFileStoreReader } from '../mlflow/fileStore/fileStoreReader';
import { MlflowSqliteReader } from '../mlflow/sqlite/sqliteReader';
import type { RunStoreReader, StoreRef } from './types';

export interface OpenStoreOptions {
  /** Path of the built SQLite worker script (the sqlite reader runs queries off the main thread). */
  sqliteWorkerPath?: string;
}

/** The reader for a store's kind. */
export function openStore(ref: StoreRef, opts: OpenStoreOptions = {}): RunStoreReader {
  switch (ref.kind) {
    case 'mlflow-file':
      return new MlflowFileStoreReader(ref);
    case 'mlflow-sqlite':
      return new MlflowSqliteReader(ref, { workerPath: opts.sqliteWorkerPath });
  }
}
