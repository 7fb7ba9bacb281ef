import { parseDocument } from 'yaml';
import type { Experiment, LifecycleStage, Run, RunStatus, StoreProblem } from '../../runs/types';
import { parseRunStatus } from '../../runs/statusNames';

// The meta.yaml files MLflow's file store writes with PyYAML (mlflow/store/tracking/file_store.py):
// experiments {experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time},
// runs {run_id, run_uuid, run_name, experiment_id, status (int), start_time, end_time, lifecycle_stage,
// artifact_uri, user_id, ...}. Old stores lack run_name, lifecycle_stage and status; ids may be ints.

/** What a run's meta.yaml holds; the name may be missing (old stores keep it in the mlflow.runName tag). */
export type RunMeta = Pick<Run, 'runId' | 'experimentId' | 'status' | 'startTime' | 'endTime' | 'lifecycleStage' | 'artifactUri' | 'userId'> & {
  runName: string | null;
};

export type ExperimentMeta = Pick<Experiment, 'experimentId' | 'name' | 'artifactLocation' | 'lifecycleStage' | 'creationTime' | 'lastUpdateTime'>;

export interface MetaResult<T> {
  meta?: T;
  problems: StoreProblem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and parses YAML into a mapping, or explains why it can't. */
function readMapping(bytes: Uint8Array, file: string, what: string): { map?: Record<string, unknown>; problems: StoreProblem[] } {
  const error = (message: string, line?: number): { problems: StoreProblem[] } => ({ problems: [{ severity: 'error', file, line, message }] });
  if (bytes.includes(0)) return error(`This ${what} meta.yaml is binary, not YAML. Restore it from a backup or delete the folder.`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return error(`This ${what} meta.yaml is not valid UTF-8 text. Restore it from a backup or delete the folder.`);
  }
  const fast = fastYamlMapping(text);
  if (fast) return { map: fast, problems: [] };
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line;
    return error(`This ${what} meta.yaml is not valid YAML${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`, line);
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return error(`This ${what} meta.yaml should be a YAML mapping of fields (experiment_id, ...), but it is ${value === null ? 'empty' : typeof value}.`);
  }
  return { map: value as Record<string, unknown>, problems: [] };
}

const NOT_SIMPLE = Symbol('not simple');
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAFE_INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
/** Plain scalars without spaces, quotes, comments or indicators; a string unless NUMBER_LIKE (hex run ids start with digits). */
const PLAIN_STRING = /^[A-Za-z0-9_/][^\s#'"]*$/;
/** What YAML 1.2's core schema reads as a number. */
const NUMBER_LIKE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^0o[0-7]+$|^0x[0-9a-fA-F]+$/;
const NULLS = new Set(['null', 'Null', 'NULL', '~']);
const BOOLS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

function simpleScalar(v: string): unknown {
  if (SAFE_INT.test(v)) return Number(v);
  if (NULLS.has(v)) return null;
  if (v === '[]') return [];
  if (v.length >= 2 && v[0] === "'" && v[v.length - 1] === "'") {
    const inner = v.slice(1, -1);
    if (inner.replaceAll("''", '').includes("'")) return NOT_SIMPLE;
    return inner.replaceAll("''", "'");
  }
  if (PLAIN_STRING.test(v) && !v.endsWith(':') && !BOOLS.has(v) && !NUMBER_LIKE.test(v)) return v;
  return NOT_SIMPLE;
}

/**
 * The flat `key: scalar` mapping PyYAML writes for MLflow's meta.yaml, parsed directly: the YAML library costs
 * ~100 us a file, which adds up over 10,000 runs. Undefined for anything else (nesting, comments, long folded
 * strings, unusual scalars): the YAML library reads those. Exported for tests that compare the two.
 */
export function fastYamlMapping(text: string): Record<string, unknown> | undefined {
  const lines = text.split('\n');
  if (lines.length < 2 || lines[lines.length - 1] !== '') return undefined;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    const colon = line.indexOf(': ');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon);
    if (!KEY.test(key) || key === '__proto__' || Object.hasOwn(out, key)) return undefined;
    const value = simpleScalar(line.slice(colon + 2));
    if (value === NOT_SIMPLE) return undefined;
    out[key] = value;
  }
  return out;
}

function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isInteger(v)) return String(v); // legacy stores wrote ints
  return undefined;
}

function optString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

function optTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return null;
}

function lifecycle(v: unknown, file: string, problems: StoreProblem[]): LifecycleStage {
  if (v === undefined || v === null || v === 'active') return 'active';
  if (v === 'deleted') return 'deleted';
  problems.push({ severity: 'warning', file, message: `lifecycle_stage should be "active" or "deleted", found ${JSON.stringify(v)}; treated as active.` });
  return 'active';
}

export function parseRunMeta(bytes: Uint8Array, file: string): MetaResult<RunMeta> {
  const { map, problems } = readMapping(bytes, file, 'run');
  if (!map) return { problems };
  const runId = idString(map.run_id) ?? idString(map.run_uuid);
  const experimentId = idString(map.experiment_id);
  const missing = [runId ? '' : 'run_id', experimentId ? '' : 'experiment_id'].filter(Boolean);
  if (!runId || !experimentId) {
    problems.push({ severity: 'error', file, message: `This run meta.yaml lacks ${missing.join(' and ')}, so the run can't be listed. Fix the file or delete the run folder.` });
    return { problems };
  }
  // MLflow reads a missing status as RUNNING (_read_persisted_run_info_dict).
  let status: RunStatus = 'RUNNING';
  if (map.status !== undefined && map.status !== null) {
    const parsed = parseRunStatus(map.status);
    if (parsed) status = parsed;
    else problems.push({ severity: 'warning', file, message: `status should be 1..5 (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED), found ${JSON.stringify(map.status)}; shown as RUNNING.` });
  }
  const runName = optString(map.run_name);
  return {
    problems,
    meta: {
      runId,
      runName: runName === '' ? null : runName,
      experimentId,
      status,
      startTime: optTime(map.start_time),
      endTime: optTime(map.end_time),
      lifecycleStage: lifecycle(map.lifecycle_stage, file, problems),
      artifactUri: optString(map.artifact_uri),
      userId: optString(map.user_id),
    },
  };
}

export function parseExperimentMeta(bytes: Uint8Array, file: string): MetaResult<ExperimentMeta> {
  const { map, problems } = readMapping(bytes, file, 'experiment');
  if (!map) return { problems };
  const experimentId = idString(map.experiment_id);
  const name = map.name === undefined || map.name === null ? undefined : String(map.name);
  if (!experimentId || name === undefined) {
    const missing = [experimentId ? '' : 'experiment_id', name === undefined ? 'name' : ''].filter(Boolean);
    problems.push({ severity: 'error', file, message: `This experiment meta.yaml lacks ${missing.join(' and ')}, so the experiment can't be listed. Fix the file.` });
    return { problems };
  }
  return {
    problems,
    meta: {
      experimentId,
      name,
      artifactLocation: optString(map.artifact_location),
      lifecycleStage: lifecycle(map.lifecycle_stage, file, problems),
      creationTime: optTime(map.creation_time),
      lastUpdateTime: optTime(map.last_update_time),
    },
  };
}
