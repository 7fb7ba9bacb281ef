// dvc.yaml checked against DVC's own schema (dvc/schema.py MULTI_STAGE_SCHEMA, STAGE_DEFINITION, FOREACH_IN,
// PLOT/ARTIFACT schemas), before interpolation, as DVC validates the raw file. DVC rejects the whole file on the first
// mismatch; here every mismatch becomes a problem at its line and column, and the rest of the file still loads.
import type { PipelineProblem } from './types';
import type { LoadedYaml } from './yamlLoad';
import { isDict, pyTypeName, type PyDict, type PyValue } from './pyValue';

const TOP_KEYS = ['stages', 'vars', 'params', 'metrics', 'plots', 'artifacts', 'datasets'];
export const STAGE_KEYS = ['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta', 'vars', 'matrix'];
const OUT_OPTION_TYPES: Record<string, Check> = {
  desc: isStr,
  type: isStr,
  labels: listOf(isStr),
  meta: () => true,
  cache: isBool,
  persist: isBool,
  checkpoint: isBool,
  remote: isStr,
  push: isBool,
};
const PLOT_PROP_TYPES: Record<string, Check> = {
  ...OUT_OPTION_TYPES,
  template: isStr,
  x: isStr,
  y: isStr,
  x_label: isStr,
  y_label: isStr,
  title: isStr,
  header: isBool,
};
const TOP_PLOT_TYPES: Record<string, Check> = {
  x: (v) => isStr(v) || (isDict(v) && [...v.values()].every(isStr)),
  y: (v) => isStr(v) || listOf(isStr)(v) || (isDict(v) && [...v.values()].every((x) => isStr(x) || listOf(isStr)(x))),
  x_label: isStr,
  y_label: isStr,
  title: isStr,
  template: isStr,
};
const ARTIFACT_TYPES: Record<string, Check> = { path: isStr, desc: isStr, type: isStr, labels: listOf(isStr), meta: () => true };

type Check = (v: PyValue) => boolean;

function isStr(v: PyValue): boolean {
  return typeof v === 'string';
}
function isBool(v: PyValue): boolean {
  return typeof v === 'boolean';
}
function listOf(check: Check): Check {
  return (v) => Array.isArray(v) && v.every(check);
}

/** Checks a loaded dvc.yaml against DVC's schema; returns the mismatches as problems. */
export function checkDvcYamlSchema(loaded: LoadedYaml): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const data = loaded.value;
  const at = (container: PyValue, key?: string | number) => loaded.locate(container, key) ?? { line: 1, column: 1 };
  const add = (message: string, pos: { line: number; column: number }) =>
    problems.push({ severity: 'error', file: loaded.file, message, line: pos.line, column: pos.column });
  if (!isDict(data)) {
    add(`dvc.yaml must be a mapping (with 'stages'), found ${pyTypeName(data)}.`, { line: 1, column: 1 });
    return problems;
  }
  for (const key of data.keys()) {
    if (!TOP_KEYS.includes(key)) add(`Unknown top-level key '${key}' in dvc.yaml (extra keys not allowed; allowed: ${TOP_KEYS.join(', ')}).`, at(data, key));
  }
  const stages = data.get('stages');
  if (stages !== undefined) {
    if (!isDict(stages)) add(`'stages' must be a mapping of stage names to definitions, found ${pyTypeName(stages)}.`, at(data, 'stages'));
    else for (const [name, def] of stages) checkStageEntry(name, def, stages, loaded, add);
  }
  const vars = data.get('vars');
  if (vars !== undefined) checkVars(vars, 'vars', data, loaded, add);
  for (const key of ['params', 'metrics'] as const) {
    const v = data.get(key);
    if (v === undefined) continue;
    if (!Array.isArray(v)) add(`Top-level '${key}' must be a list of file paths.`, at(data, key));
    else v.forEach((item, i) => isStr(item) || add(`Top-level '${key}[${i}]' must be a file path (string), found ${pyTypeName(item)}.`, at(v, i)));
  }
  const plots = data.get('plots');
  if (plots !== undefined) {
    if (!Array.isArray(plots)) add("Top-level 'plots' must be a list.", at(data, 'plots'));
    else {
      plots.forEach((item, i) => {
        if (isStr(item)) return;
        if (!isDict(item) || item.size === 0) {
          add(`Top-level 'plots[${i}]' must be a path or a mapping of a plot id to its definition.`, at(plots, i));
          return;
        }
        for (const [id, def] of item) {
          if (def === null) continue;
          if (!isDict(def)) add(`Plot '${id}' must be a mapping of plot properties (x, y, template, title, x_label, y_label) or empty.`, at(item, id));
          else checkProps(def, TOP_PLOT_TYPES, `plot '${id}'`, loaded, add);
        }
      });
    }
  }
  const artifacts = data.get('artifacts');
  if (artifacts !== undefined) {
    if (!isDict(artifacts)) add("'artifacts' must be a mapping of artifact names to {path, type, desc, labels, meta}.", at(data, 'artifacts'));
    else {
      for (const [name, def] of artifacts) {
        if (!isDict(def)) add(`Artifact '${name}' must be a mapping with a 'path'.`, at(artifacts, name));
        else {
          if (!def.has('path')) add(`Artifact '${name}' has no 'path' (required).`, at(artifacts, name));
          checkProps(def, ARTIFACT_TYPES, `artifact '${name}'`, loaded, add);
        }
      }
    }
  }
  return problems;
}

type Add = (message: string, pos: { line: number; column: number }) => void;

function checkStageEntry(name: string, def: PyValue, stages: PyDict, loaded: LoadedYaml, add: Add): void {
  const at = (container: PyValue, key?: string | number) => loaded.locate(container, key) ?? { line: 1, column: 1 };
  if (!isDict(def)) {
    add(`Stage '${name}' must be a mapping with at least 'cmd', found ${pyTypeName(def)}.`, at(stages, name));
    return;
  }
  // DVC's either_or: a definition with `foreach` or `do` follows FOREACH_IN, anything else STAGE_DEFINITION.
  if (def.has('foreach') || def.has('do')) {
    for (const key of def.keys()) {
      if (key !== 'foreach' && key !== 'do') add(`Unknown key '${key}' in foreach stage '${name}': only 'foreach' and 'do' are allowed there (put '${key}' inside 'do').`, at(def, key));
    }
    if (!def.has('foreach')) add(`Stage '${name}' has 'do' but no 'foreach' (required).`, at(stages, name));
    else {
      const f = def.get('foreach')!;
      if (!(Array.isArray(f) || isDict(f) || isStr(f))) add(`'foreach' of stage '${name}' must be a list, a mapping or a \${...} reference, found ${pyTypeName(f)}.`, at(def, 'foreach'));
    }
    if (!def.has('do')) add(`Stage '${name}' has 'foreach' but no 'do' (required).`, at(stages, name));
    else {
      const body = def.get('do')!;
      if (!isDict(body)) add(`'do' of stage '${name}' must be a stage definition (a mapping with 'cmd').`, at(def, 'do'));
      else checkStageDefinition(name, body, def, 'do', loaded, add);
    }
    return;
  }
  checkStageDefinition(name, def, stages, name, loaded, add);
}

function checkStageDefinition(name: string, def: PyDict, parent: PyDict, keyInParent: string, loaded: LoadedYaml, add: Add): void {
  const at = (container: PyValue, key?: string | number) => loaded.locate(container, key) ?? { line: 1, column: 1 };
  for (const key of def.keys()) {
    if (!STAGE_KEYS.includes(key)) add(`Unknown key '${key}' in stage '${name}' (extra keys not allowed; allowed: ${STAGE_KEYS.join(', ')}).`, at(def, key));
  }
  if (!def.has('cmd')) add(`Stage '${name}' has no 'cmd' (required).`, at(parent, keyInParent));
  const typed: [string, Check, string][] = [
    ['cmd', (v) => isStr(v) || Array.isArray(v), 'a string or a list of commands'],
    ['wdir', isStr, 'a path (string)'],
    ['deps', listOf(isStr), 'a list of paths'],
    ['params', (v) => Array.isArray(v) && v.every((x) => isStr(x) || isDict(x)), 'a list of keys or {file: [keys]} entries'],
    ['frozen', isBool, 'true or false'],
    ['always_changed', isBool, 'true or false'],
    ['desc', isStr, 'a string'],
  ];
  for (const [key, check, expected] of typed) {
    if (!def.has(key)) continue;
    const v = def.get(key)!;
    if (!check(v)) add(`'${key}' of stage '${name}' must be ${expected}, found ${describe(v)}.`, at(def, key));
  }
  if (def.has('vars')) checkVars(def.get('vars')!, `stages.${name}.vars`, def, loaded, add);
  if (def.has('matrix')) {
    const m = def.get('matrix')!;
    if (!isDict(m)) add(`'matrix' of stage '${name}' must be a mapping of names to lists (or \${...} references).`, at(def, 'matrix'));
    else for (const [k, v] of m) if (!(isStr(v) || Array.isArray(v))) add(`'matrix.${k}' of stage '${name}' must be a list or a \${...} reference, found ${describe(v)}.`, at(m, k));
  }
  for (const kind of ['outs', 'metrics', 'plots'] as const) {
    if (!def.has(kind)) continue;
    const list = def.get(kind)!;
    if (!Array.isArray(list)) {
      add(`'${kind}' of stage '${name}' must be a list of paths (or {path: {options}} entries), found ${describe(list)}.`, at(def, kind));
      continue;
    }
    list.forEach((item, i) => {
      if (isStr(item)) return;
      if (!isDict(item)) {
        add(`'${kind}[${i}]' of stage '${name}' must be a path or {path: {options}}, found ${describe(item)}.`, at(list, i));
        return;
      }
      for (const [p, opts] of item) {
        const types = kind === 'plots' ? PLOT_PROP_TYPES : OUT_OPTION_TYPES;
        if (kind === 'plots' && Array.isArray(opts)) {
          opts.forEach((o) => (isDict(o) ? checkProps(o, types, `plot '${p}' of stage '${name}'`, loaded, add) : add(`Plot '${p}' of stage '${name}' has a non-mapping entry.`, at(item, p))));
        } else if (!isDict(opts)) {
          add(`Options of '${p}' in '${kind}' of stage '${name}' must be a mapping (like {cache: false}), found ${describe(opts)}.`, at(item, p));
        } else {
          checkProps(opts, types, `'${p}' in '${kind}' of stage '${name}'`, loaded, add);
        }
      }
    });
  }
}

function checkProps(def: PyDict, types: Record<string, Check>, what: string, loaded: LoadedYaml, add: Add): void {
  for (const [key, v] of def) {
    const at = loaded.locate(def, key) ?? { line: 1, column: 1 };
    const check = types[key];
    if (!check) add(`Unknown option '${key}' for ${what} (allowed: ${Object.keys(types).join(', ')}).`, at);
    else if (!check(v)) add(`Option '${key}' for ${what} has the wrong type (${describe(v)}).`, at);
  }
}

function checkVars(vars: PyValue, where: string, parent: PyDict, loaded: LoadedYaml, add: Add): void {
  const at = (container: PyValue, key?: string | number) => loaded.locate(container, key) ?? { line: 1, column: 1 };
  if (!Array.isArray(vars)) {
    add(`'${where}' must be a list of files (like params.yaml or conf.yaml:train) and mappings.`, at(parent, 'vars'));
    return;
  }
  vars.forEach((item, i) => {
    if (!(isStr(item) || isDict(item))) add(`'${where}[${i}]' must be a file path or a mapping, found ${describe(item)}.`, at(vars, i));
  });
}

function describe(v: PyValue): string {
  if (v === null) return 'nothing (null)';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return pyTypeName(v);
}
