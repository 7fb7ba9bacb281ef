// One dvc.yaml understood as DVC understands it (dvc/parsing/__init__.py DataResolver, dvc/stage/loader.py):
// vars (params.yaml by default, files with `file:key1,key2` selections, inline mappings), `${...}` interpolation,
// foreach (list or mapping, inline or `${...}`) and matrix expansion with DVC's generated names, then each stage's
// cmd, wdir, deps, params, outs/metrics/plots with their options. Every problem carries its line and column.
import path from 'node:path';
import type { DepSpec, OutKind, OutSpec, ParamsSpec, PipelineProblem, PipelineStage, SourcePos } from './types';
import { checkDvcYamlSchema } from './dvcYamlSchema';
import { checkSyntax, hasInterpolation, InterpolationContext, InterpolationError, toText, type ParsingConfig } from './interpolation';
import { parseParamsText } from './paramsFile';
import { isDict, newDict, pythonStr, pyTypeName, type PyDict, type PyValue } from './pyValue';
import { loadYaml, type LoadedYaml } from './yamlLoad';

export const DEFAULT_PARAMS_FILE = 'params.yaml';
/** DVC's separator between a generating stage's name and the generated key (`train@0`, `fit@lr0.1-bs32`). */
export const GENERATED_NAME_SEPARATOR = '@';

/** Reads a file's text; undefined when it does not exist. Throws for other errors (a folder, no permission). */
export type ReadText = (absPath: string) => Promise<string | undefined>;

export interface TopLevelEntry {
  /** For artifacts (and plots given as `{id: props}`): the name. */
  name?: string;
  value: unknown;
  pos?: SourcePos;
}

/** dvc.yaml's top-level sections besides stages, after interpolation. */
export interface TopLevelSections {
  params: TopLevelEntry[];
  metrics: TopLevelEntry[];
  plots: TopLevelEntry[];
  artifacts: TopLevelEntry[];
  datasets: TopLevelEntry[];
}

export interface ParsedDvcYaml {
  /** Absolute path of the dvc.yaml. */
  file: string;
  stages: PipelineStage[];
  problems: PipelineProblem[];
  top: TopLevelSections;
  /** Absolute paths of the params/vars files read for interpolation (to watch them). */
  varsFiles: string[];
}

export interface ParseDvcYamlOptions {
  /** Absolute repo root (the folder with .dvc/ or .git/). Paths leaving it are flagged. */
  repoRoot: string;
  readText: ReadText;
  /** DVC's `[parsing]` config, from .dvc/config. */
  parsing?: ParsingConfig;
}

/** Parses one dvc.yaml's text (already read) into stages and problems. */
export async function parseDvcYaml(file: string, text: string, options: ParseDvcYamlOptions): Promise<ParsedDvcYaml> {
  const parser = new DvcYamlParser(file, options);
  return parser.parse(text);
}

class StageError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos | undefined,
  ) {
    super(message);
  }
}

class DvcYamlParser {
  private readonly dir: string;
  private readonly repoRoot: string;
  /** dvc.yaml relative to the repo root, POSIX, as DVC names it in messages. */
  private readonly relFile: string;
  private readonly problems: PipelineProblem[] = [];
  private readonly varsFiles = new Set<string>();
  private readonly parsedFiles = new Map<string, { data?: PyDict; error?: string }>();
  private loaded!: LoadedYaml;

  constructor(
    private readonly file: string,
    private readonly options: ParseDvcYamlOptions,
  ) {
    this.dir = path.dirname(file);
    this.repoRoot = path.resolve(options.repoRoot);
    this.relFile = toPosix(path.relative(this.repoRoot, file)) || 'dvc.yaml';
  }

  async parse(text: string): Promise<ParsedDvcYaml> {
    const result: ParsedDvcYaml = {
      file: this.file,
      stages: [],
      problems: this.problems,
      top: { params: [], metrics: [], plots: [], artifacts: [], datasets: [] },
      varsFiles: [],
    };
    this.loaded = loadYaml(text, this.file);
    this.problems.push(...this.loaded.problems);
    const data = this.loaded.value;
    if (data === undefined) return result;
    this.problems.push(...checkDvcYamlSchema(this.loaded));
    if (!isDict(data)) return result;

    const context = new InterpolationContext();
    await this.loadGlobalVars(data, context);

    const stages = data.get('stages');
    if (isDict(stages)) {
      for (const [name, definition] of stages) {
        if (!isDict(definition)) continue;
        const pos = this.loaded.locate(stages, name) ?? this.at(1, 1);
        try {
          if (definition.has('matrix')) result.stages.push(...(await this.matrixStages(name, definition, context, pos)));
          else if (definition.has('foreach')) result.stages.push(...(await this.foreachStages(name, definition, context, pos)));
          else {
            const stage = await this.entryStage(name, definition, context, pos, undefined);
            if (stage) result.stages.push(stage);
          }
        } catch (error) {
          if (!(error instanceof StageError)) throw error;
          this.error(error.message, error.pos ?? pos);
        }
      }
    }
    this.resolveTopLevel(data, context, result.top);
    result.varsFiles = [...this.varsFiles];
    return result;
  }

  // ---- vars -------------------------------------------------------------------------------------------------

  private async loadGlobalVars(data: PyDict, context: InterpolationContext): Promise<void> {
    const defaultParams = path.join(this.dir, DEFAULT_PARAMS_FILE);
    const where = (key: string) => `failed to parse '${key}' in '${this.relFile}'`;
    try {
      const loaded = await this.readVarsFile(defaultParams);
      if (loaded) context.mergeFile(this.repoRel(defaultParams), null, loaded, DEFAULT_PARAMS_FILE);
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      this.error(`${where('vars')}: ${error.message}`, this.at(1, 1));
    }
    const vars = data.get('vars');
    if (!Array.isArray(vars)) return;
    if (this.containsInterpolation(vars)) {
      this.error(`${where('vars')}: interpolating is not allowed`, this.findString(vars, hasInterpolation) ?? this.loaded.locate(data, 'vars'));
      return;
    }
    try {
      await this.loadVars(vars, this.dir, context, undefined, (i) => this.loaded.locate(vars, i) ?? this.loaded.locate(data, 'vars'), 'vars');
    } catch (error) {
      if (!(error instanceof StageError)) throw error;
      this.error(error.message, error.pos ?? this.loaded.locate(data, 'vars'));
    }
  }

  /** Loads `vars` entries into the context, files relative to `wdir` (DVC's Context.load_from_vars). */
  private async loadVars(
    vars: PyValue[],
    wdir: string,
    context: InterpolationContext,
    stageName: string | undefined,
    posOf: (index: number) => SourcePos | undefined,
    where: string,
  ): Promise<void> {
    for (let i = 0; i < vars.length; i++) {
      const item = vars[i];
      try {
        if (typeof item === 'string') {
          const colon = item.indexOf(':');
          const filePart = colon < 0 ? item : item.slice(0, colon);
          const keysPart = colon < 0 ? '' : item.slice(colon + 1);
          const keys = keysPart ? keysPart.split(',').filter((k) => k !== '') : null;
          const abs = path.resolve(wdir, filePart);
          const rel = this.repoRel(abs);
          if (!context.imports.has(rel) || keys !== null || context.imports.get(rel) !== null) {
            const loaded = await this.readVarsFile(abs);
            if (!loaded) throw new InterpolationError(`'${rel}' does not exist`, 'vars');
            context.mergeFile(rel, keys && keys.length > 0 ? keys : null, loaded, item);
          }
        } else if (isDict(item)) {
          context.merge(item, `${stageName ? stageName + '.' : ''}vars[${i}]`);
        }
      } catch (error) {
        if (!(error instanceof InterpolationError)) throw error;
        throw new StageError(`failed to parse '${where}' in '${this.relFile}': ${error.message}`, posOf(i));
      }
    }
  }

  /** A vars/params file's mapping (cached), undefined when missing; InterpolationError when unusable. */
  private async readVarsFile(abs: string): Promise<PyDict | undefined> {
    let cached = this.parsedFiles.get(abs);
    if (!cached) {
      cached = {};
      let text: string | undefined;
      try {
        text = await this.options.readText(abs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        cached.error = code === 'EISDIR' ? `'${this.repoRel(abs)}' is a directory` : `cannot read '${this.repoRel(abs)}': ${(error as Error).message}`;
      }
      if (text !== undefined) {
        this.varsFiles.add(abs);
        const parsed = parseParamsText(text, abs);
        if (parsed.value === undefined) {
          const p = parsed.problems[0];
          cached.error = `unable to read: '${this.repoRel(abs)}'${p ? ` (line ${p.line}): ${p.message}` : ''}`;
        } else if (!isDict(parsed.value)) {
          const empty = parsed.value === null || (Array.isArray(parsed.value) && parsed.value.length === 0);
          if (empty) cached.data = newDict();
          else cached.error = `expected a dictionary, got '${pyTypeName(parsed.value)}' in file '${this.repoRel(abs)}'`;
        } else {
          cached.data = parsed.value;
        }
      }
      this.parsedFiles.set(abs, cached);
    }
    if (cached.error) throw new InterpolationError(cached.error, 'vars');
    return cached.data;
  }

  // ---- stages -----------------------------------------------------------------------------------------------

  private async foreachStages(name: string, definition: PyDict, context: InterpolationContext, pos: SourcePos): Promise<PipelineStage[]> {
    const template = definition.get('do');
    if (!isDict(template)) return [];
    this.checkTemplateSyntax(name, template);
    const foreachRaw = definition.get('foreach')!;
    let iterable: PyValue;
    try {
      iterable = context.resolve(foreachRaw, undefined, this.options.parsing);
    } catch (error) {
      throw this.interpolationFailure(error, `stages.${name}.foreach`, definition, 'foreach');
    }
    if (!Array.isArray(iterable) && !isDict(iterable)) {
      throw new StageError(`failed to resolve 'stages.${name}.foreach' in '${this.relFile}': expected list/dictionary, got ${pyTypeName(iterable)}`, this.loaded.locate(definition, 'foreach'));
    }
    const inserted = isDict(iterable) ? ['item', 'key'] : ['item'];
    this.warnIfOverwriting(inserted, context, name, pos);
    const members = new Map<string, PyValue>();
    if (isDict(iterable)) {
      for (const [k, v] of iterable) members.set(k, v);
    } else if (iterable.some((v) => Array.isArray(v) || isDict(v))) {
      iterable.forEach((v, i) => members.set(String(i), v));
    } else {
      for (const v of iterable) members.set(toText(v), v);
    }
    const out: PipelineStage[] = [];
    const reported = new Set<string>();
    for (const [key, value] of members) {
      const generated = `${name}${GENERATED_NAME_SEPARATOR}${key}`;
      const temporary: [string, PyValue][] = [['item', value]];
      if (isDict(iterable)) temporary.push(['key', key]);
      try {
        const stage = await context.withTemporary(temporary, () => this.entryStage(generated, template, context, pos, name));
        if (stage) out.push(stage);
      } catch (error) {
        if (!(error instanceof StageError)) throw error;
        this.generatedError(error, pos, reported);
      }
    }
    return out;
  }

  private async matrixStages(name: string, definition: PyDict, context: InterpolationContext, pos: SourcePos): Promise<PipelineStage[]> {
    const template = newDict();
    for (const [k, v] of definition) if (k !== 'matrix') template.set(k, v);
    this.checkTemplateSyntax(name, template);
    const matrixRaw = definition.get('matrix')!;
    let matrix: PyValue;
    try {
      matrix = context.resolve(matrixRaw, undefined, this.options.parsing);
    } catch (error) {
      throw this.interpolationFailure(error, `stages.${name}.matrix`, definition, 'matrix');
    }
    if (!isDict(matrix)) {
      throw new StageError(`failed to resolve 'stages.${name}.matrix' in '${this.relFile}': expected a mapping of names to lists, got ${pyTypeName(matrix)}`, this.loaded.locate(definition, 'matrix'));
    }
    this.warnIfOverwriting(['key', 'item'], context, name, pos);
    const axes: { name: string; values: PyValue[] }[] = [];
    for (const [axis, values] of matrix) {
      if (Array.isArray(values)) axes.push({ name: axis, values });
      else if (isDict(values)) axes.push({ name: axis, values: [...values.keys()] });
      else {
        const at = isDict(matrixRaw) ? this.loaded.locate(matrixRaw, axis) : this.loaded.locate(definition, 'matrix');
        throw new StageError(`failed to resolve 'stages.${name}.matrix' in '${this.relFile}': '${axis}' must be a list, got ${pyTypeName(values)}`, at);
      }
    }
    // itertools.product over the axes in order; the key names each value, or `<axis><index>` for a list/dict value.
    const combos: { key: string; item: PyDict }[] = [];
    const walk = (n: number, fragments: string[], item: PyDict) => {
      if (n === axes.length) {
        combos.push({ key: fragments.join('-'), item });
        return;
      }
      axes[n].values.forEach((v, i) => {
        const next = newDict();
        for (const [k, x] of item) next.set(k, x);
        next.set(axes[n].name, v);
        walk(n + 1, [...fragments, Array.isArray(v) || isDict(v) ? `${axes[n].name}${i}` : toText(v)], next);
      });
    };
    walk(0, [], newDict());
    const unique = new Map<string, PyDict>();
    for (const c of combos) unique.set(c.key, c.item);
    const out: PipelineStage[] = [];
    const reported = new Set<string>();
    for (const [key, item] of unique) {
      const generated = `${name}${GENERATED_NAME_SEPARATOR}${key}`;
      try {
        const stage = await context.withTemporary(
          [
            ['key', key],
            ['item', item],
          ],
          () => this.entryStage(generated, template, context, pos, name),
        );
        if (stage) out.push(stage);
      } catch (error) {
        if (!(error instanceof StageError)) throw error;
        this.generatedError(error, pos, reported);
      }
    }
    return out;
  }

  /** One problem per place for a foreach/matrix template: the first generated stage that fails there names it. */
  private generatedError(error: StageError, fallback: SourcePos, reported: Set<string>): void {
    const at = error.pos ?? fallback;
    const place = `${at.line}:${at.column}`;
    if (reported.has(place)) return;
    reported.add(place);
    this.error(error.message, at);
  }

  private warnIfOverwriting(keys: string[], context: InterpolationContext, name: string, pos: SourcePos): void {
    const present = keys.filter((k) => context.has(k));
    if (present.length === 0) return;
    this.problems.push({
      severity: 'warning',
      file: this.file,
      message: `${present.join(' and ')} ${present.length === 1 ? 'is' : 'are'} already specified, will be overwritten for stages generated from '${name}'`,
      line: pos.line,
      column: pos.column,
    });
  }

  private checkTemplateSyntax(name: string, template: PyDict): void {
    for (const [key, value] of template) {
      try {
        checkSyntax(value);
      } catch (error) {
        throw this.interpolationFailure(error, `stages.${name}.${key}`, template, key);
      }
    }
  }

  /** One stage from a (template) definition, resolved in `context` (DVC's EntryDefinition.resolve_stage). */
  private async entryStage(
    name: string,
    definition: PyDict,
    context: InterpolationContext,
    pos: SourcePos,
    generatedFrom: string | undefined,
  ): Promise<PipelineStage | undefined> {
    if (!generatedFrom) this.checkTemplateSyntax(name, definition);
    const config = this.options.parsing;
    let wdirRel = '';
    const rawWdir = definition.get('wdir');
    if (typeof rawWdir === 'string' && rawWdir !== '') {
      try {
        wdirRel = toText(context.resolveString(rawWdir, undefined, config), config);
      } catch (error) {
        throw this.interpolationFailure(error, `stages.${name}.wdir`, definition, 'wdir');
      }
    }
    const wdirAbs = path.resolve(this.dir, wdirRel);

    let stageContext = context;
    const vars = definition.get('vars');
    if (Array.isArray(vars) && vars.length > 0) {
      if (this.containsInterpolation(vars)) {
        throw new StageError(`failed to parse 'stages.${name}.vars' in '${this.relFile}': interpolating is not allowed`, this.findString(vars, hasInterpolation) ?? this.loaded.locate(definition, 'vars'));
      }
      stageContext = context.clone();
      await this.loadVars(vars, wdirAbs, stageContext, name, (i) => this.loaded.locate(vars, i), `stages.${name}.vars`);
    }

    const resolved = newDict();
    for (const [key, value] of definition) {
      if (key === 'vars') continue;
      try {
        resolved.set(key, stageContext.resolve(value, key, config));
      } catch (error) {
        throw this.interpolationFailure(error, `stages.${name}.${key}`, definition, key, stageContext);
      }
    }
    return this.buildStage(name, resolved, definition, wdirAbs, pos, generatedFrom);
  }

  private buildStage(name: string, data: PyDict, raw: PyDict, wdir: string, pos: SourcePos, generatedFrom: string | undefined): PipelineStage | undefined {
    const where = (key: string) => this.loaded.locate(raw, key) ?? pos;
    const cmdValue = data.get('cmd');
    // A missing `cmd` key is the schema check's problem already; an empty one (after interpolation) is reported here.
    if (cmdValue === undefined) return undefined;
    if (cmdValue === null || cmdValue === '' || (Array.isArray(cmdValue) && cmdValue.length === 0)) {
      throw new StageError(`'cmd' of stage '${name}' is empty: add the command that produces its outputs.`, where('cmd'));
    }
    let cmd: string | string[];
    if (typeof cmdValue === 'string') cmd = cmdValue;
    else if (Array.isArray(cmdValue)) cmd = cmdValue.map((c) => (typeof c === 'string' ? c : pythonStr(c)));
    else throw new StageError(`'cmd' of stage '${name}' must be a string or a list, found ${pyTypeName(cmdValue)}.`, where('cmd'));

    const repoWdir = this.repoRel(wdir);
    const stage: PipelineStage = {
      name,
      dvcfile: this.file,
      wdir,
      cmd,
      deps: [],
      params: [],
      outs: [],
      frozen: data.get('frozen') === true,
      alwaysChanged: data.get('always_changed') === true,
      pos,
      address: this.relFile === 'dvc.yaml' ? name : `${this.relFile}:${name}`,
      repoWdir: repoWdir.startsWith('..') ? undefined : repoWdir,
    };
    if (generatedFrom) stage.generatedFrom = generatedFrom;
    const desc = data.get('desc');
    if (typeof desc === 'string') stage.desc = desc;
    if (data.has('meta')) stage.meta = data.get('meta');

    const deps = data.get('deps');
    const rawDeps = raw.get('deps');
    if (Array.isArray(deps)) {
      deps.forEach((d, i) => {
        const at = Array.isArray(rawDeps) ? this.loaded.locate(rawDeps, i) : where('deps');
        if (typeof d !== 'string' || d === '') {
          this.error(`Dependency ${i + 1} of stage '${name}' must be a path, found ${d === '' ? 'an empty string' : pyTypeName(d)}.`, at ?? pos);
          return;
        }
        const dep: DepSpec = { path: d, pos: at };
        const rp = this.pathInRepo(wdir, d);
        if (rp.repoPath !== undefined) dep.repoPath = rp.repoPath;
        else if (rp.outside) this.warning(`Dependency '${d}' of stage '${name}' is outside the repository; DVC treats it as an external dependency.`, at ?? pos);
        stage.deps.push(dep);
      });
    }

    stage.params = this.paramsOf(name, data.get('params'), raw.get('params'), wdir, where('params'));

    for (const kind of ['outs', 'metrics', 'plots'] as const) {
      const list = data.get(kind);
      if (Array.isArray(list)) stage.outs.push(...this.outsOf(name, kind, list, raw.get(kind), wdir, where(kind)));
    }
    return stage;
  }

  /** DVC's _merge_params: plain keys read params.yaml (unless it is tracked whole), `{file: [keys]}` or `{file: }`. */
  private paramsOf(name: string, list: PyValue | undefined, rawList: PyValue | undefined, wdir: string, fallback: SourcePos): ParamsSpec[] {
    if (!Array.isArray(list)) return [];
    const rawAt = (i: number) => (Array.isArray(rawList) ? this.loaded.locate(rawList, i) : undefined) ?? fallback;
    const wholly = new Set<string>();
    list.forEach((entry) => {
      if (isDict(entry)) for (const [f, keys] of entry) if (keys === null || (Array.isArray(keys) && keys.length === 0)) wholly.add(f);
    });
    const specs = new Map<string, ParamsSpec>();
    const spec = (file: string, at: SourcePos): ParamsSpec => {
      let s = specs.get(file);
      if (!s) {
        s = { file, keys: [], pos: at, keyPos: {} };
        const rp = this.pathInRepo(wdir, file);
        if (rp.repoPath !== undefined) s.repoPath = rp.repoPath;
        specs.set(file, s);
      }
      return s;
    };
    list.forEach((entry, i) => {
      const at = rawAt(i);
      if (typeof entry === 'string') {
        if (wholly.has(DEFAULT_PARAMS_FILE)) return;
        const s = spec(DEFAULT_PARAMS_FILE, at);
        s.keys.push(entry);
        s.keyPos![entry] ??= at;
        return;
      }
      if (!isDict(entry)) {
        this.error(`Params of stage '${name}' must be keys or {file: [keys]}, found ${pyTypeName(entry)}.`, at);
        return;
      }
      const rawEntry = Array.isArray(rawList) ? rawList[i] : undefined;
      for (const [file, keys] of entry) {
        const fileAt = (isDict(rawEntry) ? this.loaded.locate(rawEntry, file) : undefined) ?? at;
        if (wholly.has(file)) {
          spec(file, fileAt).keys = [];
          continue;
        }
        if (!Array.isArray(keys)) {
          this.error(`Expected list of params for custom params file '${file}' in stage '${name}', got '${pyTypeName(keys)}'.`, fileAt);
          continue;
        }
        const s = spec(file, fileAt);
        const rawKeys = isDict(rawEntry) ? rawEntry.get(file) : undefined;
        keys.forEach((k, j) => {
          const keyText = typeof k === 'string' ? k : pythonStr(k);
          s.keys.push(keyText);
          s.keyPos![keyText] ??= (Array.isArray(rawKeys) ? this.loaded.locate(rawKeys, j) : undefined) ?? fileAt;
        });
      }
    });
    for (const s of specs.values()) {
      s.keys = [...new Set(s.keys)];
      if (s.keys.length === 0) delete s.keyPos;
    }
    return [...specs.values()];
  }

  /** DVC's _merge_data + load_from_pipeline: `path` or `{path: {options}}`, repeated paths merged. */
  private outsOf(name: string, kind: OutKind, list: PyValue[], rawList: PyValue | undefined, wdir: string, fallback: SourcePos): OutSpec[] {
    const merged = new Map<string, { flags: PyDict; at: SourcePos }>();
    list.forEach((entry, i) => {
      const at = (Array.isArray(rawList) ? this.loaded.locate(rawList, i) : undefined) ?? fallback;
      if (typeof entry === 'string') {
        if (!merged.has(entry)) merged.set(entry, { flags: newDict(), at });
        return;
      }
      if (!isDict(entry)) {
        this.error(`'${kind}' entry ${i + 1} of stage '${name}' must be a path or {path: {options}}, found ${pyTypeName(entry)}.`, at);
        return;
      }
      for (const [p, flags] of entry) {
        if (kind === 'plots' && Array.isArray(flags)) {
          // A plot with several definitions: the output's options come from the mappings, in order.
          const m = merged.get(p) ?? { flags: newDict(), at };
          for (const f of flags) if (isDict(f)) for (const [k, v] of f) m.flags.set(k, v);
          merged.set(p, m);
          continue;
        }
        if (!isDict(flags)) {
          this.error(`Expected dict for '${p}' in '${kind}' of stage '${name}', got: '${pyTypeName(flags)}'.`, at);
          continue;
        }
        const m = merged.get(p) ?? { flags: newDict(), at };
        for (const [k, v] of flags) m.flags.set(k, v);
        merged.set(p, m);
      }
    });
    const outs: OutSpec[] = [];
    for (const [p, { flags, at }] of merged) {
      const out: OutSpec = {
        path: p,
        kind,
        cache: flags.get('cache') !== false,
        persist: flags.get('persist') === true,
        push: flags.get('push') !== false,
        pos: at,
      };
      const remote = flags.get('remote');
      if (typeof remote === 'string') out.remote = remote;
      const desc = flags.get('desc');
      if (typeof desc === 'string') out.desc = desc;
      const extra: Record<string, unknown> = {};
      for (const [k, v] of flags) if (!['cache', 'persist', 'push', 'remote', 'desc'].includes(k)) extra[k] = v;
      if (Object.keys(extra).length > 0) out.extra = extra;
      const rp = this.pathInRepo(wdir, p);
      if (rp.repoPath !== undefined) out.repoPath = rp.repoPath;
      else if (rp.outside) {
        if (out.cache) this.error(`Cached output '${p}' of stage '${name}' is outside the repository (DVC: "Cached output(s) outside of DVC project"). Keep outputs inside the repo, or set 'cache: false'.`, at);
        else this.warning(`Output '${p}' of stage '${name}' is outside the repository.`, at);
      }
      outs.push(out);
    }
    return outs;
  }

  // ---- top level --------------------------------------------------------------------------------------------

  private resolveTopLevel(data: PyDict, context: InterpolationContext, top: TopLevelSections): void {
    const config = this.options.parsing;
    for (const key of ['params', 'metrics', 'plots', 'datasets'] as const) {
      const list = data.get(key);
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        const pos = this.loaded.locate(list, i);
        try {
          checkSyntax(item);
          const value = context.resolve(item, undefined, config);
          const entry: TopLevelEntry = { value, pos };
          if (key === 'plots' && isDict(value) && value.size === 1) entry.name = [...value.keys()][0];
          top[key].push(entry);
        } catch (error) {
          if (!(error instanceof InterpolationError)) throw error;
          this.error(`failed to parse '${key}.${i}' in '${this.relFile}': ${error.message}`, pos);
        }
      });
    }
    const artifacts = data.get('artifacts');
    if (isDict(artifacts)) {
      for (const [name, def] of artifacts) {
        const pos = this.loaded.locate(artifacts, name);
        try {
          checkSyntax(name);
          checkSyntax(def);
          const resolvedName = context.resolve(name, undefined, config);
          if (typeof resolvedName !== 'string') {
            this.error(`failed to resolve 'artifacts.${name}' in '${this.relFile}': expected str, got ${pyTypeName(resolvedName)}`, pos);
            continue;
          }
          top.artifacts.push({ name: resolvedName, value: context.resolve(def, undefined, config), pos });
        } catch (error) {
          if (!(error instanceof InterpolationError)) throw error;
          this.error(`failed to parse 'artifacts.${name}' in '${this.relFile}': ${error.message}`, pos);
        }
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /**
   * A StageError for an interpolation failure under `key`, placed on the exact string (or key) that fails when it
   * can be found, else on `key` itself. Messages follow DVC: "failed to parse 'stages.train.cmd' in 'dvc.yaml': ...".
   */
  private interpolationFailure(error: unknown, where: string, container: PyDict, key: string, context?: InterpolationContext): StageError {
    if (!(error instanceof InterpolationError)) throw error;
    const prefix = error.kind === 'syntax' || error.kind === 'missing' || error.kind === 'type' ? 'failed to parse' : 'failed to resolve';
    const message = `${prefix} '${where}' in '${this.relFile}': ${error.message}`;
    let pos = this.loaded.locate(container, key);
    if (context) pos = this.findFailing(container.get(key), context, key) ?? pos;
    else pos = this.findSyntaxFailure(container.get(key)) ?? pos;
    return new StageError(message, pos);
  }

  private findFailing(value: PyValue | undefined, context: InterpolationContext, stageKey: string): SourcePos | undefined {
    const fails = (s: string) => {
      try {
        context.resolveString(s, stageKey, this.options.parsing);
        return false;
      } catch {
        return true;
      }
    };
    return this.findString(value, (s) => hasInterpolation(s) && fails(s));
  }

  private findSyntaxFailure(value: PyValue | undefined): SourcePos | undefined {
    return this.findString(value, (s) => {
      try {
        checkSyntax(s);
        return false;
      } catch {
        return true;
      }
    });
  }

  private findString(value: PyValue | undefined, test: (s: string) => boolean): SourcePos | undefined {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (typeof v === 'string' && test(v)) return this.loaded.locate(value, i);
        const inner = this.findString(v, test);
        if (inner) return inner;
      }
    } else if (isDict(value)) {
      for (const [k, v] of value) {
        if (test(k) || (typeof v === 'string' && test(v))) return this.loaded.locate(value, k);
        const inner = this.findString(v, test);
        if (inner) return inner;
      }
    }
    return undefined;
  }

  private containsInterpolation(value: PyValue): boolean {
    if (typeof value === 'string') return hasInterpolation(value);
    if (Array.isArray(value)) return value.some((v) => this.containsInterpolation(v));
    if (isDict(value)) return [...value].some(([k, v]) => hasInterpolation(k) || this.containsInterpolation(v));
    return false;
  }

  /** Repo-relative POSIX path of `p` (relative to `wdir`); `outside` when it leaves the repo; neither for URLs. */
  private pathInRepo(wdir: string, p: string): { repoPath?: string; outside: boolean } {
    if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(p) || /^remote:\/\//.test(p)) return { outside: false };
    const abs = path.resolve(wdir, p);
    const rel = path.relative(this.repoRoot, abs);
    if (rel === '') return { repoPath: '.', outside: false };
    if (rel.startsWith('..') || path.isAbsolute(rel)) return { outside: true };
    return { repoPath: toPosix(rel), outside: false };
  }

  private repoRel(abs: string): string {
    return toPosix(path.relative(this.repoRoot, abs)) || '.';
  }

  private at(line: number, column: number): SourcePos {
    return { file: this.file, line, column };
  }

  private error(message: string, pos: SourcePos | undefined): void {
    this.problems.push({ severity: 'error', file: this.file, message, line: pos?.line ?? 1, column: pos?.column ?? 1 });
  }

  private warning(message: string, pos: SourcePos | undefined): void {
    this.problems.push({ severity: 'warning', file: this.file, message, line: pos?.line ?? 1, column: pos?.column ?? 1 });
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
