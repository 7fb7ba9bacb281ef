// Messages between MetricReadPool and its worker threads (metricReadWorker.ts).

export interface MetricReadRequest {
  id: number;
  file: string;
}

export type MetricReadResponse =
  /** The columns' buffers are transferred, not copied. */
  | { id: number; ok: true; steps: ArrayBuffer; timestamps: ArrayBuffer; values: ArrayBuffer }
  /** `code` is the Node error code (ENOENT, EACCES...), so the caller decides as it would for its own read. */
  | { id: number; ok: false; message: string; code?: string };
