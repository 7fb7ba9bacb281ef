import { parentPort, workerData } from 'node:worker_threads';
import { HashError } from './hashTypes';
import { makeHashScratch, md5FileSync } from './md5File';
import type { HashBatchRequest, HashBatchResponse, HashJobResult, HashWorkerInit } from './hashProtocol';

// Worker thread entry (bundled as dist/dvcHashWorker.js): hashes files synchronously with one pair of reusable
// buffers, so each thread streams at the speed of md5 and a file of any size costs no memory.

const init = workerData as HashWorkerInit;
const cancelled = new Int32Array(init.cancelled);
const scratch = makeHashScratch();

function run(req: HashBatchRequest): HashBatchResponse {
  const isCancelled = () => Atomics.load(cancelled, req.epoch % cancelled.length) === req.epoch;
  const results: HashJobResult[] = [];
  for (const job of req.jobs) {
    if (isCancelled()) {
      results.push({ error: 'cancelled', code: 'ABORT_ERR' });
      continue;
    }
    try {
      results.push(md5FileSync(job.file, job.name, scratch, isCancelled));
    } catch (e) {
      results.push({ error: e instanceof Error ? e.message : String(e), code: e instanceof HashError ? e.code : undefined });
    }
  }
  return { id: req.id, results };
}

const port = parentPort;
if (!port) throw new Error('dvcHashWorker.js must run as a worker thread.');
port.on('message', (req: HashBatchRequest) => port.postMessage(run(req)));
