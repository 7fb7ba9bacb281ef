// Messages between HashPool (main thread) and dvcHashWorker (worker threads).
import type { HashName } from './hashTypes';

export interface HashJob {
  file: string;
  name: HashName;
}

export type HashJobResult = { md5: string; size: number } | { error: string; code?: string };

export interface HashWorkerInit {
  /** Shared Int32Array: slot `epoch % length` holds `epoch` once that request is cancelled. */
  cancelled: SharedArrayBuffer;
}

export interface HashBatchRequest {
  id: number;
  epoch: number;
  jobs: HashJob[];
}

export interface HashBatchResponse {
  id: number;
  results: HashJobResult[];
}

export const CANCEL_SLOTS = 1024;
