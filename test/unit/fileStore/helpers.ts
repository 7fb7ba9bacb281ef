import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { storeRefFor } from '../../../src/core/discovery/trackingUri';
import type { StoreRef } from '../../../src/core/runs/types';

export const FIXTURE = path.join(process.cwd(), 'test', 'fixtures', 'handmade', 'mlruns');
export const RUN_A = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
export const RUN_B = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';
export const RUN_C = 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3';
export const RUN_D = 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4';
/** In experiment 7, which was deleted (moved to .trash/7). */
export const RUN_E = 'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5';

/** A writable copy of the hand-made store in a temp folder. */
export async function copyFixture(): Promise<{ tmp: string; root: string; ref: StoreRef }> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlops-fs-'));
  const root = path.join(tmp, 'mlruns');
  await cp(FIXTURE, root, { recursive: true });
  return { tmp, root, ref: storeRefFor('mlflow-file', root) };
}

/** meta.yaml text for a run, in MLflow's layout. */
export function runMeta(runId: string, experimentId: string, name = 'r'): string {
  return `artifact_uri: file:///x\nend_time: null\nexperiment_id: '${experimentId}'\nlifecycle_stage: active\nrun_id: ${runId}\nrun_name: ${name}\nrun_uuid: ${runId}\nstart_time: 1700000000000\nstatus: 1\nuser_id: u\n`;
}
