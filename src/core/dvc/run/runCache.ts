// DVC's run cache (dvc/stage/cache.py StageCache.save), so that after our run the cache holds what `dvc repro`
// leaves: `<cache>/runs/<k[:2]>/<k>/<v>`, a YAML copy of the stage's lock entry, where k is the sha256 of the entry
// with outputs reduced to their paths and v the sha256 of the whole entry, both without `size` and `nfiles` keys
// (at any depth, as dvc.utils.dict_filter drops them) as `json.dumps(..., sort_keys=True)` writes them.
// Outputs with `cache: false` are committed to the object store when the entry is saved, as DVC does.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pythonJsonString } from '../hash/pythonJson';
import { compareCodePoints, lockStageValue } from '../pipeline/lockFile';
import { isDict, PyFloat, pythonFloatRepr, type PyValue } from '../pipeline/pyValue';
import type { LockStage, PipelineStage } from '../pipeline/types';
import { dumpYaml } from '../pipeline/yamlDump';
import { makeCacheDirs } from './cacheStore';

/** Why DVC would not save a run-cache entry for this stage (StageCache._can_hash), or undefined when it would. */
export function runCacheRefusal(stage: PipelineStage, lock: LockStage): string | undefined {
  const paramsDeps = Object.values(lock.params);
  const hasDeps = stage.deps.length > 0 || stage.params.length > 0;
  if (stage.alwaysChanged) return 'always_changed';
  if (hasDeps === false && stage.outs.length === 0) return 'callback stage';
  if (!stage.cmd || !hasDeps || stage.outs.length === 0) return 'needs a command, dependencies and outputs';
  if (stage.deps.some((d) => d.repoPath === undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(d.path))) return 'a dependency is not local';
  // A params dependency with no values hashes to an empty (false) HashInfo.
  if (paramsDeps.some((values) => Object.keys(values).length === 0)) return 'a params dependency has no values';
  if (stage.outs.some((o) => o.persist || o.repoPath === undefined)) return 'a persistent output or one outside the repository';
  // Stage.run: a cache: false output that is not a metric or plot turns the run cache off.
  if (stage.outs.some((o) => !o.cache && o.kind === 'outs')) return 'an output with cache: false';
  return undefined;
}

/** The run-cache key and value names for a recorded stage; undefined when a value cannot be written as JSON by DVC. */
export function runCacheNames(lock: LockStage): { key: string; value: string } | undefined {
  const full = lockStageValue(lock);
  let keyJson: string;
  let valueJson: string;
  try {
    valueJson = sortedJson(full);
    const keyed = new Map(full);
    const outs = keyed.get('outs');
    if (Array.isArray(outs)) keyed.set('outs', outs.map((o) => (isDict(o) ? (o.get('path') as PyValue) : o)));
    keyJson = sortedJson(keyed as Map<string, PyValue>);
  } catch {
    return undefined;
  }
  return { key: sha256(keyJson), value: sha256(valueJson) };
}

/**
 * Writes the run-cache entry for `lock` unless it exists (StageCache.save): a temporary file in the entry's folder,
 * renamed, with DVC's file mode. Returns the entry's path, or undefined when DVC would not write one.
 */
export async function saveRunCache(cacheDir: string, lock: LockStage, modes: { fileMode: number; dirMode: number }): Promise<string | undefined> {
  const names = runCacheNames(lock);
  if (!names) return undefined;
  const folder = path.join(cacheDir, 'runs', names.key.slice(0, 2), names.key);
  const file = path.join(folder, names.value);
  if (fs.existsSync(file)) return file;
  await makeCacheDirs(folder, modes);
  const temp = path.join(folder, `.${randomBytes(12).toString('base64url')}.tmp`);
  try {
    await fs.promises.writeFile(temp, dumpYaml(lockStageValue(lock)), { flag: 'wx' });
    await fs.promises.rename(temp, file);
    await fs.promises.chmod(file, modes.fileMode);
  } catch (error) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  return file;
}

const EXCLUDED = new Set(['size', 'nfiles']);

/** `json.dumps(dict_filter(v, ['size', 'nfiles']), sort_keys=True)`; throws for what Python's json cannot write. */
function sortedJson(v: PyValue | Map<string, PyValue>): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return pythonJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatJson(v);
  if (v instanceof PyFloat) return floatJson(v.value);
  if (Array.isArray(v)) return '[' + v.map(sortedJson).join(', ') + ']';
  if (v instanceof Map) {
    if (isDict(v) && v.nonStringKeys?.size) throw new Error('non-string keys');
    const keys = [...v.keys()].filter((k) => !EXCLUDED.has(k)).sort(compareCodePoints);
    return '{' + keys.map((k) => `${pythonJsonString(k)}: ${sortedJson(v.get(k)!)}`).join(', ') + '}';
  }
  throw new Error(`cannot write ${String(v)} as JSON`); // dates: DVC's json.dumps raises too
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pythonFloatRepr(x);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
