// Worker thread of MetricReadPool: reads and parses whole metric files, sending the columns back transferred.
import { parentPort } from 'node:worker_threads';
import type { MetricReadRequest, MetricReadResponse } from './metricReadProtocol';
import { tailMetricFile } from './metricFileTail';

const port = parentPort;
if (!port) throw new Error('metricReadWorker.js runs as a worker thread');

port.on('message', (request: MetricReadRequest) => {
  void tailMetricFile(request.file, undefined).then(
    ({ series }) => {
      // toSeries() made compact copies: each column owns its whole buffer, so transferring it hands over nothing else.
      const columns = [series.steps, series.timestamps, series.values].map((c) => c.buffer as ArrayBuffer);
      const [steps, timestamps, values] = columns;
      const reply: MetricReadResponse = { id: request.id, ok: true, steps, timestamps, values };
      port.postMessage(reply, columns);
    },
    (e: unknown) => {
      const reply: MetricReadResponse = { id: request.id, ok: false, message: e instanceof Error ? e.message : String(e), code: (e as NodeJS.ErrnoException)?.code };
      port.postMessage(reply);
    },
  );
});
