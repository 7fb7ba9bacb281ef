import { MlflowFileStoreReader } from '../mlflow/fileStore/fileStoreReader';
import { MlflowSqliteReader } from '../mlflow/sqlite/sqliteReader';
import { MlflowRestReader, type MlflowRestReaderOptions } from '../mlflow/rest/mlflowRestReader';
import { DvcliveReader } from '../dvclive/dvcliveReader';
import { LightningCsvReader } from '../lightning/lightningCsvReader';
import { TensorboardReader } from '../tensorboard/tensorboardReader';
import type { RunStoreReader, StoreRef } from './types';

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
    case 'dvclive':
      return new DvcliveReader(ref);
    case 'lightning-csv':
      return new LightningCsvReader(ref);
  }
}
