// Params files (params.yaml, .json, .toml, .py) read as DVC reads them (dvc/utils/serialize, dvc/dependency/param.py):
// the loader is picked by suffix (anything that is not .json/.toml/.py is YAML), dotted keys are looked up as
// dpath.get does (`train.lr`, `layers.0.units`, negative list indexes), and each key's value comes with its line and
// column for go-to-definition. TOML and Python params are read for the common, simple forms (see tomlLoad.ts and
// pyParamsLoad.ts); anything beyond them is reported as a problem rather than guessed.
import fs from 'node:fs';
import path from 'node:path';
import type { PipelineProblem, SourcePos } from './types';
import { loadJson, type LoadedData } from './jsonLoad';
import { loadPyParams } from './pyParamsLoad';
import { loadToml } from './tomlLoad';
import { loadYaml } from './yamlLoad';
import { isDict, newDict, parsePythonInt, type PyDict, type PyValue } from './pyValue';

export type { LoadedData };

export interface ParamsFile extends LoadedData {
  /** False when the file does not exist (value undefined, no problem: DVC reports such params as deleted). */
  exists: boolean;
}

/** Parses a params file's text with the loader DVC picks for its suffix. */
export function parseParamsText(text: string, file: string): LoadedData {
  const suffix = path.extname(file).toLowerCase();
  if (suffix === '.json') return loadJson(text, file);
  if (suffix === '.toml') return loadToml(text, file);
  if (suffix === '.py') return loadPyParams(text, file);
  return loadYaml(text, file);
}

/** Reads and parses a params file. A missing file gives `exists: false`; a folder or unreadable file, a problem. */
export async function readParamsFile(file: string): Promise<ParamsFile> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const base: ParamsFile = { file, value: undefined, problems: [], exists: code !== 'ENOENT', locate: () => undefined, posAt: (o) => ({ file, line: 1, column: o + 1 }) };
    if (code === 'EISDIR') base.problems.push(problem(file, `'${file}' is a directory, expected a parameters file.`));
    else if (code !== 'ENOENT') base.problems.push(problem(file, `Cannot read parameters file: ${(error as Error).message}`));
    return base;
  }
  const loaded = parseParamsText(text, file);
  if (loaded.value !== undefined && !isDict(loaded.value)) {
    // DVC's `or {}`: an empty JSON list or number loads as no params; anything else non-mapping is unusable.
    const empty = (Array.isArray(loaded.value) && loaded.value.length === 0) || loaded.value === null || loaded.value === 0 || loaded.value === false || loaded.value === '';
    if (empty) loaded.value = newDict();
    else loaded.problems.push(problem(file, `expected a dictionary, got '${Array.isArray(loaded.value) ? 'list' : typeof loaded.value}' in file '${file}'`));
  }
  return { ...loaded, exists: true };
}

export interface ParamLookup {
  found: boolean;
  value?: PyValue;
  /** Where the key is written in the params file. */
  pos?: SourcePos;
}

/** `dpath.get(data, key, separator='.')`: each dotted part a mapping key, or a list index (negative allowed). */
export function lookupParam(params: LoadedData, dottedKey: string): ParamLookup {
  let node: PyValue | undefined = params.value;
  let parent: PyValue | undefined;
  let last: string | number | undefined;
  for (const part of dottedKey.split('.')) {
    parent = node;
    if (isDict(node)) {
      if (!node.has(part)) return { found: false };
      node = node.get(part);
      last = part;
    } else if (Array.isArray(node)) {
      const index = parsePythonInt(part);
      if (index === undefined || typeof index === 'bigint') return { found: false };
      const i = index < 0 ? node.length + index : index;
      if (i < 0 || i >= node.length) return { found: false };
      node = node[i];
      last = i;
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node, pos: parent === undefined ? undefined : params.locate(parent, last) };
}

/**
 * The values DVC records for a params dependency: the listed dotted keys that exist (flattened, `{'train.lr': 0.1}`),
 * or, with no keys, the whole file (top-level keys, nested values as they are).
 */
export function paramValues(params: LoadedData, keys: string[]): PyDict {
  const out = newDict();
  if (!isDict(params.value)) return out;
  if (keys.length === 0) {
    for (const [k, v] of params.value) out.set(k, v);
    return out;
  }
  for (const key of keys) {
    if (out.has(key)) continue;
    const found = lookupParam(params, key);
    if (found.found) out.set(key, found.value!);
  }
  return out;
}

function problem(file: string, message: string): PipelineProblem {
  return { severity: 'error', file, message, line: 1, column: 1 };
}
