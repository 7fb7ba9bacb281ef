// Every pipeline of a repo, as `dvc` collects them (dvc/repo/index.py collect_files, dvc/repo/trie.py,
// dvc/repo/graph.py): the dvc.yaml files found top-down (skipping .git, .dvc, node_modules, virtual environments,
// what .dvcignore hides and folders that are outputs of stages already found), their stages in order, and the checks
// DVC makes across files: one output written by two stages, outputs inside one another, a dvc.yaml inside another
// stage's output, cycles.
// On top of DVC's errors come warnings for what `dvc status` would report as deleted: a dependency that neither
// exists nor is produced by a stage, a missing params file or key.
import fs from 'node:fs';
import path from 'node:path';
import { DvcIgnore } from '../hash/dvcIgnore';
import { buildDag, OutputsTrie, stageAddress, type PipelineDag } from './dag';
import { parseDvcYaml, toPosix, type ParsedDvcYaml, type ReadText, type TopLevelSections } from './dvcYaml';
import type { ParsingConfig } from './interpolation';
import { lookupParam, readParamsFile, type ParamsFile } from './paramsFile';
import type { PipelineProblem, PipelineStage } from './types';
import { isDict } from './pyValue';
import { loadYaml } from './yamlLoad';

export const PIPELINE_FILE = 'dvc.yaml';
const SKIPPED_DIRS = new Set(['.git', '.dvc', '.hg', 'node_modules', '__pycache__']);

export interface LoadedPipelines {
  stages: PipelineStage[];
  problems: PipelineProblem[];
  /** Absolute paths of the dvc.yaml files, in the order read. */
  dvcfiles: string[];
  /** Per dvc.yaml: its top-level params, metrics, plots, artifacts and datasets. */
  topLevel: Map<string, TopLevelSections>;
  /** Absolute paths of every params/vars file read (interpolation and params deps), to watch. */
  watchedFiles: string[];
  dag: PipelineDag;
}

export interface LoadPipelinesOptions {
  /** Reads a file's text (undefined when missing). Default: the file system. */
  readText?: ReadText;
  /** How deep to look for dvc.yaml files below the root. Default 12. */
  maxDepth?: number;
}

/** Loads every pipeline under `repoRoot`. Never throws for bad files: they become problems. */
export async function loadPipelines(repoRoot: string, signal?: AbortSignal, options: LoadPipelinesOptions = {}): Promise<LoadedPipelines> {
  const root = path.resolve(repoRoot);
  const readText = options.readText ?? readTextFile;
  const parsing = await readParsingConfig(root);
  const problems: PipelineProblem[] = [];
  const stages: PipelineStage[] = [];
  const dvcfiles: string[] = [];
  const topLevel = new Map<string, TopLevelSections>();
  const watched = new Set<string>();
  const outputDirs = new Set<string>();

  const ignore = new DvcIgnore(root);
  for await (const file of walkDvcFiles(root, outputDirs, options.maxDepth ?? 12, signal, ignore)) {
    signal?.throwIfAborted();
    let text: string | undefined;
    try {
      text = await readText(file);
    } catch (error) {
      problems.push({ severity: 'error', file, message: `Cannot read ${PIPELINE_FILE}: ${(error as Error).message}`, line: 1, column: 1 });
      continue;
    }
    if (text === undefined) continue;
    dvcfiles.push(file);
    let parsed: ParsedDvcYaml;
    try {
      parsed = await parseDvcYaml(file, text, { repoRoot: root, readText, parsing });
    } catch (error) {
      problems.push({ severity: 'error', file, message: `Cannot parse ${PIPELINE_FILE}: ${(error as Error).message}`, line: 1, column: 1 });
      continue;
    }
    problems.push(...parsed.problems);
    stages.push(...parsed.stages);
    topLevel.set(file, parsed.top);
    for (const f of parsed.varsFiles) watched.add(f);
    for (const s of parsed.stages) for (const o of s.outs) if (o.repoPath !== undefined) outputDirs.add(o.repoPath);
  }

  problems.push(...checkOutputs(stages, root));
  const dag = buildDag(stages);
  for (const cycle of dag.cycles) {
    const members = stages.filter((s) => cycle.includes(stageAddress(s)));
    for (const s of members) {
      problems.push({
        severity: 'error',
        file: s.dvcfile,
        message:
          cycle.length === 1
            ? `Stage '${cycle[0]}' depends on its own output (a cycle): remove the output from its deps or the dep from its outs.`
            : `Cycle between stages ${cycle.map((c) => `'${c}'`).join(', ')}: each depends on an output of another, so none can run first. DVC: "Same item(s) are defined as both a dependency and an output".`,
        line: s.pos.line,
        column: s.pos.column,
      });
    }
  }
  problems.push(...(await checkInputs(stages, root, watched, signal)));
  return { stages, problems, dvcfiles, topLevel, watchedFiles: [...watched], dag };
}

async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * dvc.yaml files under `root`, top-down like os.walk (a folder's file before its subfolders), names sorted so the
 * order is the same on every machine. Folders already known as stage outputs, and what .dvcignore hides, are not
 * entered, as in DVC.
 */
export async function* walkDvcFiles(
  root: string,
  outputDirs: Set<string>,
  maxDepth: number,
  signal?: AbortSignal,
  ignore: DvcIgnore = new DvcIgnore(root),
): AsyncGenerator<string> {
  const visit = async function* (dir: string, depth: number): AsyncGenerator<string> {
    signal?.throwIfAborted();
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((e) => e.isFile() && e.name === PIPELINE_FILE) && !ignore.isIgnoredIn(dir, PIPELINE_FILE, false)) yield path.join(dir, PIPELINE_FILE);
    if (depth >= maxDepth) return;
    if (entries.some((e) => e.name === 'pyvenv.cfg') && dir !== root) return;
    // Data tracked by .dvc files is an output too: DVC does not look for pipelines inside it.
    for (const e of entries) if (e.isFile() && e.name.endsWith('.dvc')) for (const out of await dvcFileOutputs(root, path.join(dir, e.name))) outputDirs.add(out);
    for (const e of entries) {
      if (!e.isDirectory() || SKIPPED_DIRS.has(e.name) || ignore.isIgnoredIn(dir, e.name, true)) continue;
      const sub = path.join(dir, e.name);
      if (outputDirs.has(toPosix(path.relative(root, sub)))) continue;
      if (await isVirtualEnv(sub)) continue;
      yield* visit(sub, depth + 1);
    }
  };
  yield* visit(root, 0);
}

/** Repo-relative paths of a .dvc file's outs (nothing when it cannot be read: its own reader reports that). */
async function dvcFileOutputs(root: string, file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return [];
  }
  const data = loadYaml(text, file).value;
  const outs = isDict(data) ? data.get('outs') : undefined;
  if (!Array.isArray(outs)) return [];
  const paths: string[] = [];
  for (const o of outs) {
    const p = isDict(o) ? o.get('path') : undefined;
    if (typeof p !== 'string') continue;
    const rel = path.relative(root, path.resolve(path.dirname(file), p));
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) paths.push(toPosix(rel));
  }
  return paths;
}

async function isVirtualEnv(dir: string): Promise<boolean> {
  try {
    await fs.promises.access(path.join(dir, 'pyvenv.cfg'));
    return true;
  } catch {
    return false;
  }
}

/** DVC's build_outs_trie checks: an output twice, outputs inside one another, a dvc.yaml inside an output. */
function checkOutputs(stages: PipelineStage[], root: string): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const seen = new Map<string, PipelineStage>();
  const trie = new OutputsTrie();
  const owners: { path: string; stage: PipelineStage }[] = [];
  stages.forEach((stage, i) => {
    for (const out of stage.outs) {
      if (out.repoPath === undefined) continue;
      const at = out.pos ?? stage.pos;
      const prior = seen.get(out.repoPath);
      if (prior) {
        const message =
          prior === stage
            ? `Output '${out.repoPath}' is listed twice in stage '${stageAddress(stage)}' (DVC: output is already specified).`
            : `Output '${out.repoPath}' is written by two stages, '${stageAddress(prior)}' and '${stageAddress(stage)}'; each output must come from one stage.`;
        problems.push({ severity: 'error', file: stage.dvcfile, message, line: at.line, column: at.column });
        continue;
      }
      const overlapping = trie.overlapping(out.repoPath).map((n) => owners[n]);
      const other = overlapping[0];
      if (other) {
        const [parent, child] = isInside(out.repoPath, other.path) ? [other, { path: out.repoPath, stage }] : [{ path: out.repoPath, stage }, other];
        problems.push({
          severity: 'error',
          file: stage.dvcfile,
          message: `The output paths '${parent.path}' ('${stageAddress(parent.stage)}') and '${child.path}' ('${stageAddress(child.stage)}') overlap: one is inside the other's tracked folder. Keep outputs in separate folders or track them individually.`,
          line: at.line,
          column: at.column,
        });
        continue;
      }
      seen.set(out.repoPath, stage);
      trie.add(out.repoPath, owners.length);
      owners.push({ path: out.repoPath, stage });
    }
    void i;
  });
  for (const stage of stages) {
    const dir = toPosix(path.relative(root, path.dirname(stage.dvcfile))) || '.';
    if (dir === '.') continue;
    const owner = owners.find((o) => isInside(dir, o.path));
    if (owner && owner.stage.dvcfile !== stage.dvcfile) {
      problems.push({
        severity: 'error',
        file: stage.dvcfile,
        message: `'${stageAddress(stage)}' is within an output '${owner.path}' of another stage ('${stageAddress(owner.stage)}').`,
        line: stage.pos.line,
        column: stage.pos.column,
      });
    }
  }
  return problems;
}

function isInside(p: string, dir: string): boolean {
  return dir === '.' || p === dir || p.startsWith(dir + '/');
}

/** Warnings for deps and params that `dvc status` would report as deleted. */
async function checkInputs(stages: PipelineStage[], root: string, watched: Set<string>, signal?: AbortSignal): Promise<PipelineProblem[]> {
  const problems: PipelineProblem[] = [];
  const trie = new OutputsTrie();
  stages.forEach((s, i) => s.outs.forEach((o) => o.repoPath !== undefined && trie.add(o.repoPath, i)));
  const exists = new Map<string, Promise<boolean>>();
  const existsOnDisk = (rel: string) => {
    let p = exists.get(rel);
    if (!p) {
      p = fs.promises.lstat(path.join(root, rel)).then(
        () => true,
        () => false,
      );
      exists.set(rel, p);
    }
    return p;
  };
  const paramsFiles = new Map<string, Promise<ParamsFile>>();
  for (const stage of stages) {
    signal?.throwIfAborted();
    for (const dep of stage.deps) {
      if (dep.repoPath === undefined || trie.touches(dep.repoPath)) continue;
      if (await existsOnDisk(dep.repoPath)) continue;
      const at = dep.pos ?? stage.pos;
      problems.push({
        severity: 'warning',
        file: stage.dvcfile,
        message: `Dependency '${dep.path}' of stage '${stageAddress(stage)}' does not exist and no stage writes it; \`dvc status\` reports it as deleted and the stage cannot run.`,
        line: at.line,
        column: at.column,
      });
    }
    for (const spec of stage.params) {
      if (spec.repoPath === undefined || trie.touches(spec.repoPath)) continue;
      const abs = path.join(root, spec.repoPath);
      let loading = paramsFiles.get(abs);
      if (!loading) paramsFiles.set(abs, (loading = readParamsFile(abs)));
      const params = await loading;
      const at = spec.pos ?? stage.pos;
      if (!params.exists) {
        problems.push({
          severity: 'warning',
          file: stage.dvcfile,
          message: `Params file '${spec.file}' of stage '${stageAddress(stage)}' does not exist; \`dvc status\` reports its params as deleted.`,
          line: at.line,
          column: at.column,
        });
        continue;
      }
      watched.add(abs);
      if (params.value === undefined) continue; // its own problems are reported once below
      for (const key of spec.keys) {
        if (lookupParam(params, key).found) continue;
        const keyAt = spec.keyPos?.[key] ?? at;
        problems.push({
          severity: 'warning',
          file: stage.dvcfile,
          message: `Param '${key}' of stage '${stageAddress(stage)}' is not in '${spec.file}'; DVC stops with "Parameters '${key}' are missing".`,
          line: keyAt.line,
          column: keyAt.column,
        });
      }
    }
  }
  for (const loading of paramsFiles.values()) problems.push(...(await loading).problems);
  return problems;
}

/** DVC's `[parsing]` section from .dvc/config and .dvc/config.local (later wins). */
export async function readParsingConfig(root: string): Promise<ParsingConfig> {
  const config: ParsingConfig = {};
  for (const name of ['config', 'config.local']) {
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(root, '.dvc', name), 'utf8');
    } catch {
      continue;
    }
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
      if (header) {
        section = header[1].replace(/^['"]|['"]$/g, '');
        continue;
      }
      const kv = /^([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (section === 'parsing' && kv && (kv[1] === 'bool' || kv[1] === 'list')) config[kv[1]] = kv[2].replace(/^['"]|['"]$/g, '');
    }
  }
  return config;
}
