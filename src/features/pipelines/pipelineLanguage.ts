import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../core/dvc/data/dataFormat';
import { lookupParam, readParamsFile } from '../../core/dvc/pipeline/paramsFile';
import { isDict, pythonRepr, type PyValue } from '../../core/dvc/pipeline/pyValue';
import type { SourcePos } from '../../core/dvc/pipeline/types';
import type { DepStatus, OutStatus, RecordedHash } from '../../core/dvc/status/statusTypes';
import { loadYaml } from '../../core/dvc/pipeline/yamlLoad';
import { escapeMarkdown, inlineCode } from '../../core/text/markdown';
import type { PipelineWorkspace, StageRef } from './pipelineWorkspace';
import { interpolatedName, interpolationAt, scalarEnd } from './yamlToken';

type PathHit = { ref: StageRef; role: 'dep' | 'out'; index: number };
type ParamHit = { ref: StageRef; spec: number; key: string };

const SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/dvc.yaml' };

/** Hovers on deps, outs and param keys, and go to definition from a param key or `${var}` to its value. */
export function registerPipelineLanguage(workspace: PipelineWorkspace): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (doc, pos) => hover(workspace, doc, pos) }),
    vscode.languages.registerDefinitionProvider(SELECTOR, { provideDefinition: (doc, pos) => definition(workspace, doc, pos) }),
  );
}

function within(doc: vscode.TextDocument, pos: vscode.Position, at: SourcePos | undefined): vscode.Range | undefined {
  if (!at || at.line - 1 !== pos.line || at.line - 1 >= doc.lineCount) return undefined;
  const text = doc.lineAt(pos.line).text;
  const start = at.column - 1;
  const end = scalarEnd(text, start);
  return pos.character >= start && pos.character <= end ? new vscode.Range(pos.line, start, pos.line, end) : undefined;
}

function pathsAt(workspace: PipelineWorkspace, doc: vscode.TextDocument, pos: vscode.Position): { hits: PathHit[]; range?: vscode.Range } {
  const hits: PathHit[] = [];
  let range: vscode.Range | undefined;
  for (const ref of workspace.stagesOf(doc.uri.fsPath)) {
    ref.stage.deps.forEach((d, index) => {
      const r = within(doc, pos, d.pos);
      if (!r) return;
      range = r;
      hits.push({ ref, role: 'dep', index });
    });
    ref.stage.outs.forEach((o, index) => {
      const r = within(doc, pos, o.pos);
      if (!r) return;
      range = r;
      hits.push({ ref, role: 'out', index });
    });
  }
  return { hits, range };
}

function paramAt(workspace: PipelineWorkspace, doc: vscode.TextDocument, pos: vscode.Position): { hit?: ParamHit; range?: vscode.Range } {
  for (const ref of workspace.stagesOf(doc.uri.fsPath)) {
    for (const [spec, p] of ref.stage.params.entries()) {
      for (const key of p.keys) {
        const range = within(doc, pos, p.keyPos?.[key]);
        if (range) return { hit: { ref, spec, key }, range };
      }
    }
  }
  return {};
}

async function hover(workspace: PipelineWorkspace, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
  const param = paramAt(workspace, doc, pos);
  if (param.hit) return new vscode.Hover(await paramHover(workspace, param.hit), param.range);
  const { hits, range } = pathsAt(workspace, doc, pos);
  if (!hits.length) return undefined;
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  hits.forEach((hit, i) => {
    if (i > 0) md.appendMarkdown('\n\n---\n\n');
    md.appendMarkdown(pathHover(workspace, hit));
  });
  return new vscode.Hover(md, range);
}

function pathHover(workspace: PipelineWorkspace, hit: PathHit): string {
  const s = hit.ref.stage;
  const spec = hit.role === 'dep' ? s.deps[hit.index] : s.outs[hit.index];
  const status = workspace.statusOf(s);
  const entry: DepStatus | OutStatus | undefined = hit.role === 'dep' ? status?.deps[hit.index] : status?.outs[hit.index];
  const kind = hit.role === 'dep' ? 'dependency' : ({ outs: 'output', metrics: 'metric', plots: 'plot' } as const)[s.outs[hit.index].kind];
  const lines: string[] = [];
  const verdict = !status ? 'checking…' : entry?.state === 'error' ? 'cannot check' : entry?.state ?? 'up to date';
  lines.push(`**${escapeMarkdown(spec.path)}** · ${kind} of ${inlineCode(s.name)} · ${escapeMarkdown(verdict)}`);
  if (hit.role === 'dep' && spec.repoPath !== undefined) {
    const producers = workspace.stages().filter((r) => r.repo === hit.ref.repo && r.stage.outs.some((o) => o.repoPath !== undefined && (o.repoPath === spec.repoPath || spec.repoPath!.startsWith(o.repoPath + '/'))));
    if (producers.length) lines.push(`Written by ${producers.map((p) => inlineCode(p.stage.name)).join(', ')}`);
  }
  if (hit.role === 'out' && !s.outs[hit.index].cache) lines.push('Not cached (`cache: false`): dvc.lock records its hash, git keeps the file.');
  const row = (label: string, h: { md5: string; size?: number; nfiles?: number } | undefined) =>
    h ? `| ${label} | ${inlineCode(h.md5)} | ${h.size !== undefined ? formatBytes(h.size) : ''} | ${h.nfiles ?? ''} |` : '';
  const recorded: RecordedHash | undefined = entry?.recorded;
  const current = entry?.current;
  if (recorded || current) {
    lines.push(['|  | md5 | size | files |', '|---|---|---|---|', row('dvc.lock', recorded), row('workspace', current && { md5: current.md5, size: current.size, nfiles: current.nfiles })].filter(Boolean).join('\n'));
  } else if (status) {
    lines.push(hit.role === 'dep' ? 'dvc.lock records no hash for it yet.' : 'dvc.lock records no hash for it yet: run the stage.');
  }
  if (entry?.folderChanges) {
    const c = entry.folderChanges;
    const list = (w: string, files: string[]) => (files.length ? `${files.length} ${w}: ${files.slice(0, 5).map((f) => inlineCode(f)).join(', ')}${files.length > 5 ? ', …' : ''}` : '');
    lines.push([list('added', c.added), list('deleted', c.deleted), list('modified', c.modified)].filter(Boolean).join('  \n'));
  }
  if (entry?.error) lines.push(escapeMarkdown(entry.error));
  return lines.join('\n\n');
}

async function paramHover(workspace: PipelineWorkspace, hit: ParamHit): Promise<vscode.MarkdownString> {
  const s = hit.ref.stage;
  const spec = s.params[hit.spec];
  const file = path.resolve(s.wdir, spec.file);
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(hit.key)}** · param of ${inlineCode(s.name)} from ${inlineCode(spec.file)}\n\n`);
  const params = await readParamsFile(file);
  const found = params.value !== undefined ? lookupParam(params, hit.key) : { found: false };
  md.appendMarkdown(found.found ? `Value: ${inlineCode(pythonRepr(found.value as PyValue))}` : `Not in ${inlineCode(spec.file)}: DVC stops with "Parameters '${escapeMarkdown(hit.key)}' are missing".`);
  const change = workspace.statusOf(s)?.params.find((p) => p.path === file)?.changes.find((c) => c.key === hit.key);
  if (change?.state === 'modified') md.appendMarkdown(`  \nChanged since the last run: dvc.lock has ${inlineCode(pythonRepr(change.old as PyValue))}`);
  else if (change?.state === 'new') md.appendMarkdown('  \nNot in dvc.lock yet.');
  return md;
}

async function definition(workspace: PipelineWorkspace, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Definition | vscode.LocationLink[] | undefined> {
  const param = paramAt(workspace, doc, pos);
  if (param.hit) {
    const spec = param.hit.ref.stage.params[param.hit.spec];
    const file = path.resolve(param.hit.ref.stage.wdir, spec.file);
    const found = lookupParam(await readParamsFile(file), param.hit.key);
    if (!found.found) return undefined;
    return link(param.range!, file, found.pos);
  }
  const line = doc.lineAt(pos.line).text;
  const interp = interpolationAt(line, pos.character);
  if (interp) {
    const name = interpolatedName(interp.expression);
    if (!name) return undefined;
    const origin = new vscode.Range(pos.line, interp.start, pos.line, interp.end);
    // Local `vars:` entries first, then params.yaml and the other vars files, as DVC merges them.
    const local = loadYaml(doc.getText(), doc.uri.fsPath);
    if (isDict(local.value)) {
      const vars = local.value.get('vars');
      for (const entry of Array.isArray(vars) ? vars : []) {
        if (!isDict(entry)) continue;
        const at = lookupParam({ ...local, value: entry }, name);
        if (at.found) return link(origin, doc.uri.fsPath, at.pos);
      }
    }
    const repo = workspace.stagesOf(doc.uri.fsPath)[0]?.repo ?? workspace.repos.find((r) => doc.uri.fsPath.startsWith(r.root + path.sep));
    const candidates = [path.join(path.dirname(doc.uri.fsPath), 'params.yaml'), ...(repo?.loaded.watchedFiles ?? [])];
    for (const file of [...new Set(candidates)]) {
      const params = await readParamsFile(file);
      if (params.value === undefined) continue;
      const at = lookupParam(params, name);
      if (at.found) return link(origin, file, at.pos);
    }
    return undefined;
  }
  const { hits, range } = pathsAt(workspace, doc, pos);
  const targets = [...new Set(hits.map((h) => path.resolve(h.ref.stage.wdir, h.role === 'dep' ? h.ref.stage.deps[h.index].path : h.ref.stage.outs[h.index].path)))];
  const files = targets.filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile());
  return files.map((f) => ({ originSelectionRange: range, targetUri: vscode.Uri.file(f), targetRange: new vscode.Range(0, 0, 0, 0) }));
}

function link(origin: vscode.Range, file: string, at: SourcePos | undefined): vscode.LocationLink[] {
  const line = Math.max(0, (at?.line ?? 1) - 1);
  const col = Math.max(0, (at?.column ?? 1) - 1);
  const target = new vscode.Range(line, col, line, col);
  return [{ originSelectionRange: origin, targetUri: vscode.Uri.file(at?.file ?? file), targetRange: target, targetSelectionRange: target }];
}
