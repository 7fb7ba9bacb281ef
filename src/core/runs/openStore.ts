import { MlflowFileStoreReader } from '../mlflow/fileStore/fileStoreReader';
import { MlflowSqliteReader } from '../mlflow/sqlite/sqliteReader';
import { MlflowRestReader, type MlflowRestReaderOptions } from '../mlflow/rest/mlflowRestReader';
import { TensorboardReader } from '../tensorboard/tensorboardReader';
import { StoreError, type RunStoreReader, type StoreRef } from './types';

export interface OpenStoreOptions {
  /** Path of the built SQLite worker script (the sqlite reader runs queries off the main thread). */
  sqliteWorkerPath?: string;
  /** For a tracking server (mlflow-rest): credentials, timeout. */
  rest?: MlflowRestReaderOptions;
}

/** The reader for a store's kind. */
export function openStore(ref: StoreRef, opts: OpenStoreOptions = {}): RunStoreReader {
  switch (ref.kind) {
    case 'mlflow-file':
      return new MlflowFileStoreReader(ref);
    case 'mlflow-sqlite':
      return new MlflowSqliteReader(ref, { workerPath: opts.sqliteWorkerPath });
    case 'mlflow-rest':
      return new MlflowRestReader(ref, opts.rest);
    case 'tensorboard':
      return new TensorboardReader(ref);
    default:
      throw new StoreError(`Reading ${ref.kind} stores is not supported yet.`, ref.path);
  }
}
