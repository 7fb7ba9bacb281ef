// dvc.lock read and written as DVC 3 does (dvc/dvcfile.py Lockfile, dvc/stage/serialize.py to_single_stage_lockfile,
// dvc/schema.py LOCKFILE_SCHEMA). Writing follows DVC's order: `schema: '2.0'` then `stages`; per stage cmd, deps,
// params, outs (empty ones left out); deps and outs sorted by path; entries path, hash, md5, size, nfiles, isexec;
// params with params.yaml first, then the other files by name, keys sorted. The YAML text is ruamel's (yamlDump.ts).
import fs from 'node:fs';
import { writeFileAtomic } from '../../index/atomicWrite';
import type { DvcLock, HashEntry, LockStage, PipelineProblem } from './types';
import { cloneValue, isDict, newDict, PyDict, type PyValue } from './pyValue';
import { dumpYaml } from './yamlDump';
import { loadYaml, type LoadedYaml } from './yamlLoad';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';

export const LOCK_SCHEMA = '2.0';
const DEFAULT_PARAMS_FILE = 'params.yaml';
const STAGE_KEYS = new Set(['cmd', 'deps', 'params', 'outs']);
/** Entry keys in the order DVC writes them: path, hash name, hash value, then dvc-data's Meta.to_dict order. */
const ENTRY_ORDER = ['path', 'hash', 'files', 'md5', 'etag', 'checksum', 'size', 'nfiles', 'isexec', 'version_id', 'cloud'];

export interface ParsedDvcLock {
  /** Undefined when the file cannot be used at all (invalid YAML, wrong schema); see problems. */
  lock: DvcLock | undefined;
  problems: PipelineProblem[];
}

/** Thrown when dvc.lock cannot be updated without losing what is in it. */
export class LockFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'LockFileError';
  }
}

/** Python's `sorted()` on str: by code point (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

export function parseDvcLock(text: string, file: string): ParsedDvcLock {
  const loaded = loadYaml(text, file);
  const problems = [...loaded.problems];
  if (loaded.value === undefined) return { lock: undefined, problems };
  const data = loaded.value;
  const err = (message: string, at?: { line: number; column: number }) =>
    problems.push({ severity: 'error', file, message, line: at?.line ?? 1, column: at?.column ?? 1 });
  if (!isDict(data)) {
    err(`dvc.lock must be a mapping with 'schema' and 'stages', found a ${Array.isArray(data) ? 'list' : 'scalar'}.`);
    return { lock: undefined, problems };
  }
  if (!data.has('schema')) {
    const looksV1 = data.size > 0 && [...data.values()].every((v) => isDict(v) && v.has('cmd'));
    err(
      looksV1
        ? "dvc.lock was written by DVC 1.x (no `schema: '2.0'`), which DVC 3 cannot read. Run `dvc repro` (or `dvc commit`) with DVC 2 or later to rewrite it, or delete it to record the pipeline afresh."
        : "dvc.lock has no 'schema' key; DVC 3 expects `schema: '2.0'` at the top.",
    );
    return { lock: undefined, problems };
  }
  if (data.get('schema') !== LOCK_SCHEMA) {
    err(`dvc.lock has schema ${JSON.stringify(data.get('schema'))}; this version understands only '${LOCK_SCHEMA}' (invalid schema version).`, loaded.locate(data, 'schema'));
    return { lock: undefined, problems };
  }
  const lock: DvcLock = { file, schema: LOCK_SCHEMA, stages: {} };
  const keyOrder = [...data.keys()];
  const extra: Record<string, unknown> = {};
  for (const key of keyOrder) {
    if (key === 'schema' || key === 'stages') continue;
    if (key !== 'datasets') err(`Unknown key '${key}' in dvc.lock (extra keys not allowed).`, loaded.locate(data, key));
    extra[key] = data.get(key);
  }
  if (Object.keys(extra).length > 0) lock.extra = extra;
  if (keyOrder.join() !== 'schema,stages') lock.keyOrder = keyOrder;
  const stages = data.get('stages');
  if (stages !== undefined && stages !== null) {
    if (!isDict(stages)) err("'stages' in dvc.lock must be a mapping of stage names.", loaded.locate(data, 'stages'));
    else {
      for (const [name, raw] of stages) {
        const stage = parseLockStage(raw, name, loaded, stages, err);
        if (stage) lock.stages[name] = stage;
      }
      lock.stageOrder = [...stages.keys()];
    }
  }
  return { lock, problems };
}

type ErrFn = (message: string, at?: { line: number; column: number }) => void;

function parseLockStage(raw: PyValue, name: string, loaded: LoadedYaml, parent: PyDict, err: ErrFn): LockStage | undefined {
  const at = loaded.locate(parent, name);
  if (!isDict(raw)) {
    err(`Stage '${name}' in dvc.lock must be a mapping (cmd, deps, params, outs).`, at);
    return undefined;
  }
  for (const key of raw.keys()) {
    if (!STAGE_KEYS.has(key)) err(`Unknown key '${key}' in stage '${name}' of dvc.lock (extra keys not allowed).`, loaded.locate(raw, key));
  }
  const cmd = raw.get('cmd');
  if (typeof cmd !== 'string' && !Array.isArray(cmd)) {
    err(`Stage '${name}' in dvc.lock has no 'cmd' (required: a string or a list).`, at);
    return undefined;
  }
  const stage: LockStage = { cmd: Array.isArray(cmd) ? (cmd.map((c) => c) as string[]) : cmd, deps: [], params: {}, outs: [] };
  for (const kind of ['deps', 'outs'] as const) {
    const list = raw.get(kind);
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      err(`'${kind}' of stage '${name}' in dvc.lock must be a list.`, loaded.locate(raw, kind));
      continue;
    }
    list.forEach((item, i) => {
      const entry = parseEntry(item, `${kind}[${i}] of stage '${name}'`, loaded.locate(list, i), err);
      if (entry) stage[kind].push(entry);
    });
  }
  const params = raw.get('params');
  if (params !== undefined) {
    if (!isDict(params)) err(`'params' of stage '${name}' in dvc.lock must be a mapping of params files.`, loaded.locate(raw, 'params'));
    else {
      for (const [f, values] of params) {
        if (!isDict(values)) {
          err(`'params.${f}' of stage '${name}' in dvc.lock must be a mapping of keys to values.`, loaded.locate(params, f));
          continue;
        }
        stage.params[f] = Object.fromEntries(values);
      }
    }
  }
  return stage;
}

function parseEntry(raw: PyValue, where: string, at: { line: number; column: number } | undefined, err: ErrFn): HashEntry | undefined {
  const path = isDict(raw) ? raw.get('path') : undefined;
  if (!isDict(raw) || typeof path !== 'string') {
    err(`${where} in dvc.lock must be a mapping with a 'path'.`, at);
    return undefined;
  }
  const entry: HashEntry = { path, md5: '' };
  const extra: Record<string, unknown> = {};
  for (const [key, v] of raw) {
    switch (key) {
      case 'path':
        break;
      case 'hash':
        if (v === 'md5') entry.hash = 'md5';
        else err(`${where} in dvc.lock has hash ${JSON.stringify(v)}; only 'md5' is known.`, at);
        break;
      case 'md5':
        // DVC's CHECKSUM_SCHEMA: a string (or an int read from YAML) of 3+ characters, lowercased; empty means none.
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') entry.md5 = String(v).toLowerCase();
        else if (v !== null) err(`${where} in dvc.lock has an md5 that is not a string.`, at);
        break;
      case 'size':
      case 'nfiles':
        if (typeof v === 'number' && Number.isInteger(v)) entry[key] = v;
        else err(`${where} in dvc.lock has a ${key} that is not an integer.`, at);
        break;
      case 'isexec':
        if (typeof v === 'boolean') entry.isexec = v;
        else err(`${where} in dvc.lock has an isexec that is not a boolean.`, at);
        break;
      default:
        extra[key] = v;
    }
  }
  if (Object.keys(extra).length > 0) entry.extra = extra;
  return entry;
}

/** dvc.lock's text as DVC writes it for this content (see the header for the order rules). */
export function serializeDvcLock(lock: DvcLock): string {
  const top = newDict();
  const order = lock.keyOrder ?? ['schema', ...Object.keys(lock.extra ?? {}), 'stages'];
  for (const key of order) {
    if (key === 'schema') top.set('schema', lock.schema || LOCK_SCHEMA);
    else if (key === 'stages') top.set('stages', stagesValue(lock));
    else if (lock.extra && key in lock.extra) top.set(key, lock.extra[key] as PyValue);
  }
  if (!top.has('schema')) top.set('schema', lock.schema || LOCK_SCHEMA);
  if (!top.has('stages')) top.set('stages', stagesValue(lock));
  return dumpYaml(top);
}

/** Stages in the order read (JS objects would put names like `2020` first), then any added since. */
function stageNames(lock: DvcLock): string[] {
  const names = (lock.stageOrder ?? []).filter((n) => n in lock.stages);
  for (const n of Object.keys(lock.stages)) if (!names.includes(n)) names.push(n);
  return names;
}

function stagesValue(lock: DvcLock): PyDict {
  const out = newDict();
  for (const name of stageNames(lock)) out.set(name, lockStageValue(lock.stages[name]));
  return out;
}

/** One stage as DVC's to_single_stage_lockfile builds it. */
export function lockStageValue(stage: LockStage): PyDict {
  const out = newDict();
  out.set('cmd', Array.isArray(stage.cmd) ? [...stage.cmd] : stage.cmd);
  const deps = sortEntries(stage.deps);
  if (deps.length > 0) out.set('deps', deps.map(entryValue));
  const params = paramsValue(stage.params);
  if (params.size > 0) out.set('params', params);
  const outs = sortEntries(stage.outs);
  if (outs.length > 0) out.set('outs', outs.map(entryValue));
  return out;
}

function sortEntries(entries: HashEntry[]): HashEntry[] {
  return [...entries].sort((a, b) => compareCodePoints(a.path, b.path));
}

function entryValue(e: HashEntry): PyDict {
  const known: Record<string, PyValue | undefined> = {
    path: e.path,
    hash: e.hash,
    md5: e.md5 || undefined,
    size: e.size,
    nfiles: e.nfiles,
    isexec: e.isexec || undefined,
  };
  const extra = (e.extra ?? {}) as Record<string, PyValue>;
  const out = newDict();
  for (const key of ENTRY_ORDER) {
    const v = key in known ? known[key] : extra[key];
    if (v !== undefined) out.set(key, cloneValue(v));
  }
  for (const key of Object.keys(extra)) if (!ENTRY_ORDER.includes(key)) out.set(key, cloneValue(extra[key]));
  return out;
}

/** params.yaml first, then the other files by name; inside each, keys sorted (values themselves as they are). */
function paramsValue(params: Record<string, Record<string, unknown>>): PyDict {
  const files = Object.keys(params).sort(compareCodePoints);
  const ordered = files.includes(DEFAULT_PARAMS_FILE) ? [DEFAULT_PARAMS_FILE, ...files.filter((f) => f !== DEFAULT_PARAMS_FILE)] : files;
  const out = newDict();
  for (const f of ordered) {
    const values = params[f] as Record<string, PyValue>;
    const sorted = newDict();
    for (const k of Object.keys(values).sort(compareCodePoints)) sorted.set(k, cloneValue(values[k]));
    out.set(f, sorted);
  }
  return out;
}

/**
 * The dvc.lock text after recording `stage` under `stageName`, as `dvc repro` leaves it: the stage replaced in place,
 * or added after the last one; every other stage and key kept exactly as it was in `existingText`.
 * `existingText` undefined or empty: a new lock file. Throws LockFileError when the existing file cannot be read as a
 * DVC 3 lock file (it is then left for the user to fix, never overwritten).
 */
export function updateLockStage(existingText: string | undefined, stageName: string, stage: LockStage, file = 'dvc.lock'): string {
  const block = stageBlock(stageName, stage);
  if (existingText === undefined || existingText.trim() === '') {
    return `schema: '${LOCK_SCHEMA}'\nstages:\n${block}`;
  }
  const parsed = parseDvcLock(existingText, file);
  const fatal = parsed.problems.find((p) => p.severity === 'error');
  if (!parsed.lock || fatal) {
    const p = fatal ?? parsed.problems[0];
    throw new LockFileError(`${file} cannot be updated: ${p?.message ?? 'it is not a DVC 3 lock file'} Fix or remove it, then run again.`, file, p?.line);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(existingText, { schema: 'failsafe', lineCounter, keepSourceTokens: false });
  const root = doc.contents as YAMLMap;
  const stagesPair = root.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'stages') as Pair<Node, Node> | undefined;
  const text = existingText.endsWith('\n') ? existingText : existingText + '\n';
  if (!stagesPair || !isMap(stagesPair.value) || (stagesPair.value as YAMLMap).flow || (stagesPair.value as YAMLMap).items.length === 0) {
    // No block mapping of stages to splice into: rewrite the whole file through the model (nothing else is lost).
    const lock = parsed.lock;
    lock.stages = { ...lock.stages, [stageName]: stage };
    return serializeDvcLock(lock);
  }
  const stagesMap = stagesPair.value as YAMLMap;
  const existing = stagesMap.items.find((p) => isScalar(p.key) && String((p.key as { value: unknown }).value) === stageName) as Pair<Node, Node> | undefined;
  let spliced: string;
  if (existing) {
    const start = lineStart(text, (existing.key as Node).range![0]);
    const end = blockEnd(text, existing);
    spliced = text.slice(0, start) + block + text.slice(end);
  } else {
    const last = stagesMap.items[stagesMap.items.length - 1] as Pair<Node, Node>;
    const insertAt = blockEnd(text, last);
    spliced = text.slice(0, insertAt) + block + text.slice(insertAt);
  }
  // A lock indented otherwise than DVC writes (hand-edited) cannot take DVC's block as is: then the whole file is
  // written the way DVC would rewrite it.
  const check = parseDvcLock(spliced, file);
  const expectedNames = [...(parsed.lock.stageOrder ?? Object.keys(parsed.lock.stages)).filter((n) => n !== stageName), stageName].sort();
  if (!check.lock || check.problems.length > 0 || (check.lock.stageOrder ?? []).slice().sort().join('\u0000') !== expectedNames.join('\u0000')) {
    const lock = parsed.lock;
    lock.stages = { ...lock.stages, [stageName]: stage };
    return serializeDvcLock(lock);
  }
  return spliced;
}

/** The lines `  <name>:\n    cmd: ...` for one stage, exactly as in a whole dvc.lock dump (stages are at indent 2). */
function stageBlock(stageName: string, stage: LockStage): string {
  const stages = PyDict.from([[stageName, lockStageValue(stage)]]);
  const whole = dumpYaml(PyDict.from([['schema', LOCK_SCHEMA], ['stages', stages]]));
  const marker = '\nstages:\n';
  return whole.slice(whole.indexOf(marker) + marker.length);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the last line of a mapping entry (its value's last line, including the newline). */
function blockEnd(text: string, pair: Pair<Node, Node>): number {
  const node = (pair.value ?? pair.key) as Node;
  const end = node.range ? node.range[1] : (pair.key as Node).range![1];
  const nl = text.indexOf('\n', Math.max(0, end - 1));
  return nl < 0 ? text.length : nl + 1;
}

/** Reads and parses `file`; a missing file is no lock at all (undefined) with no problem, as in DVC. */
export async function loadDvcLock(file: string): Promise<ParsedDvcLock | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { lock: undefined, problems: [{ severity: 'error', file, message: `Cannot read dvc.lock: ${(error as Error).message}`, line: 1, column: 1 }] };
  }
  return parseDvcLock(text, file);
}

/**
 * Records one stage in the dvc.lock at `file` (creating it if needed), written atomically (temp file + rename) so that
 * a crash leaves the old lock or the new one, never a partial one.
 */
export async function writeLockStage(file: string, stageName: string, stage: LockStage): Promise<void> {
  let existing: string | undefined;
  try {
    existing = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = updateLockStage(existing, stageName, stage, file);
  await writeFileAtomic(file, Buffer.from(text, 'utf8'));
}

/** A LockStage from plain data (deep-copied), for callers that build one from hashes and params values. */
export function makeLockStage(cmd: string | string[], deps: HashEntry[], params: Record<string, PyDict>, outs: HashEntry[]): LockStage {
  const p: Record<string, Record<string, unknown>> = {};
  for (const f of Object.keys(params)) p[f] = Object.fromEntries(cloneValue(params[f]));
  return { cmd: Array.isArray(cmd) ? [...cmd] : cmd, deps: deps.map((d) => ({ ...d })), params: p, outs: outs.map((o) => ({ ...o })) };
}
