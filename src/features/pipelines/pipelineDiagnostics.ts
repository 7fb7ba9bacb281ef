import * as vscode from 'vscode';
import fs from 'node:fs';
import type { PipelineProblem } from '../../core/dvc/pipeline/types';
import type { PipelineWorkspace } from './pipelineWorkspace';
import { scalarEnd } from './yamlToken';

/**
 * The pipelines' problems in the Problems panel, at their line and column: YAML and schema errors, cycles, two
 * stages writing one output, missing deps or params, unreadable dvc.lock, files the status could not check.
 */
export class PipelineDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dvc');

  constructor(private readonly workspace: PipelineWorkspace) {}

  update(): void {
    const byFile = new Map<string, PipelineProblem[]>();
    const seen = new Set<string>();
    for (const p of this.workspace.problems()) {
      const id = `${p.file}\0${p.line}\0${p.column}\0${p.message}`;
      if (seen.has(id)) continue; // a foreach template's problem is found once per generated stage
      seen.add(id);
      let list = byFile.get(p.file);
      if (!list) byFile.set(p.file, (list = []));
      list.push(p);
    }
    this.collection.clear();
    for (const [file, problems] of byFile) {
      const uri = vscode.Uri.file(file);
      const lines = linesOf(uri);
      this.collection.set(uri, problems.map((p) => {
        const d = new vscode.Diagnostic(rangeOf(p, lines), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'DVC';
        return d;
      }));
    }
  }

  /** For the in-host tests. */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** The file's lines: an open editor's text (it may be unsaved), else the disk's. */
function linesOf(uri: vscode.Uri): string[] {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc) return doc.getText().split(/\r?\n/);
  try {
    return fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/);
  } catch {
    return [];
  }
}

/** From the problem's column to the end of the scalar written there; a whole line when only the line is known. */
function rangeOf(p: PipelineProblem, lines: string[]): vscode.Range {
  const line = Math.max(0, (p.line ?? 1) - 1);
  const text = lines[line] ?? '';
  if (p.column === undefined) {
    const first = text.search(/\S/);
    return new vscode.Range(line, Math.max(0, first), line, Math.max(text.length, first + 1));
  }
  const start = Math.max(0, p.column - 1);
  const end = Math.max(start + 1, scalarEnd(text, start));
  return new vscode.Range(line, start, line, end);
}
