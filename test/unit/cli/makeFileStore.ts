import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Writes a small MLflow file store (mlruns/) in MLflow's layout, for end-to-end CLI tests.

export interface ExperimentSpec {
  id: string;
  name: string;
  deleted?: boolean;
}

export interface RunSpec {
  id: string;
  experimentId: string;
  name: string;
  /** MLflow's RunStatus number: 1 RUNNING, 3 FINISHED, 4 FAILED, 5 KILLED. */
  status?: number;
  start: number;
  end?: number | null;
  deleted?: boolean;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Metric key to "timestamp value step" lines. */
  metrics?: Record<string, string[]>;
}

export function writeExperiment(mlruns: string, e: ExperimentSpec): void {
  const dir = path.join(mlruns, e.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'meta.yaml'), [
    `artifact_location: file://${dir}`,
    'creation_time: 1700000000000',
    `experiment_id: '${e.id}'`,
    'last_update_time: 1700000000000',
    `lifecycle_stage: ${e.deleted ? 'deleted' : 'active'}`,
    `name: ${e.name}`,
    '',
  ].join('\n'));
}

export function writeRun(mlruns: string, r: RunSpec): string {
  const dir = path.join(mlruns, r.experimentId, r.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'meta.yaml'), [
    `artifact_uri: file://${dir}/artifacts`,
    `end_time: ${r.end ?? 'null'}`,
    'entry_point_name: \'\'',
    `experiment_id: '${r.experimentId}'`,
    `lifecycle_stage: ${r.deleted ? 'deleted' : 'active'}`,
    'name: \'\'',
    `run_id: ${r.id}`,
    `run_name: ${r.name}`,
    `run_uuid: ${r.id}`,
    'source_name: \'\'',
    'source_type: 4',
    'source_version: \'\'',
    `start_time: ${r.start}`,
    `status: ${r.status ?? 3}`,
    'tags: []',
    'user_id: tester',
    '',
  ].join('\n'));
  writeKeyed(path.join(dir, 'params'), r.params ?? {});
  writeKeyed(path.join(dir, 'tags'), { 'mlflow.runName': r.name, ...r.tags });
  const metrics: Record<string, string> = {};
  for (const [k, lines] of Object.entries(r.metrics ?? {})) metrics[k] = lines.map((l) => l + '\n').join('');
  writeKeyed(path.join(dir, 'metrics'), metrics);
  return dir;
}

/** One file per key; '/' in a key is a sub-folder, as MLflow writes it. */
function writeKeyed(dir: string, values: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [key, value] of Object.entries(values)) {
    const file = path.join(dir, ...key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, value);
  }
}
