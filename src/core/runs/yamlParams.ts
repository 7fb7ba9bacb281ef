import type { ParseResult } from './rewrittenFile';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

// Params from a YAML file a training tool wrote (dvclive's params.yaml, Lightning's hparams.yaml), flattened to
// MLflow-style strings: nested keys joined with '.', lists as JSON, scalars as the text written in the file
// (`1.0e-05`, `true`, `null` stay as they are: YAML is what the user reads, and a reformatted number would differ
// from what `dvc params diff` shows). Empty mappings add nothing, as the tools' own flatteners do.
// Lightning writes hparams with PyYAML's full dumper, so python tags appear (`!!python/tuple`,
// `!!python/object/apply:...`, `!!python/name:...`): a tuple is a list; any other tagged value is kept as its text,
// tag included, rather than guessed at.

export interface YamlParams {
  params: Record<string, string>;
  /** Why the file gave no params; `line` is 1-based. */
  problem?: { line?: number; message: string };
}

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'python/tuple', 'python/str', 'python/unicode'].map((t) => `tag:yaml.org,2002:${t}`),
);
const TUPLE = 'tag:yaml.org,2002:python/tuple';
const MERGE = '<<';
/** Aliases nest at most this deep (a YAML bomb is not worth flattening). */
const MAX_DEPTH = 64;

/** yamlParams in the shape RewrittenFile takes. */
export function parseYamlParams(text: string): ParseResult<Record<string, string>> {
  const r = yamlParams(text);
  return r.problem ? { problem: r.problem } : { value: r.params };
}

export function yamlParams(text: string): YamlParams {
  if (text.trim() === '') return { params: {} };
  const doc = parseDocument(text, { uniqueKeys: false, merge: true });
  const error = doc.errors[0];
  if (error) return { params: {}, problem: { line: error.linePos?.[0].line, message: `Not valid YAML: ${firstLine(error.message)}` } };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { params: {} };
  if (!isMap(root)) return { params: {}, problem: { line: 1, message: 'Expected a mapping of parameter names to values at the top of the file.' } };
  const params: Record<string, string> = {};
  new Flattener(doc, text, params).walk(root, '', 0);
  return { params };
}

class Flattener {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly out: Record<string, string>,
  ) {}

  walk(node: unknown, key: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (isAlias(node)) {
      this.walk(node.resolve(this.doc), key, depth + 1);
      return;
    }
    if (!node || typeof node !== 'object') {
      if (key) this.out[key] = node === null || node === undefined ? '' : String(node);
      return;
    }
    const n = node as Node;
    if (n.tag && !CORE_TAGS.has(n.tag)) {
      if (key) this.out[key] = this.taggedText(n);
      return;
    }
    if (isMap(n)) {
      // Merged mappings first, so the mapping's own keys win (YAML merge semantics).
      for (const pair of n.items) if (isPair(pair) && this.keyText(pair.key) === MERGE) this.walkMerge(pair.value, key, depth + 1);
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = this.keyText(pair.key);
        if (k === MERGE) continue;
        this.walk(pair.value, key ? `${key}.${k}` : k, depth + 1);
      }
      return;
    }
    if (isSeq(n) || n.tag === TUPLE) {
      if (key) this.out[key] = JSON.stringify(n.toJS(this.doc, { maxAliasCount: 1000 }));
      return;
    }
    if (isScalar(n) && key) {
      this.out[key] = n.type === 'PLAIN' && typeof n.source === 'string' ? n.source : n.value === null ? '' : String(n.value);
    }
  }

  private walkMerge(value: unknown, key: string, depth: number): void {
    if (isSeq(value)) for (const item of value.items) this.walk(item, key, depth);
    else this.walk(value, key, depth);
  }

  private keyText(key: unknown): string {
    if (isScalar(key)) return key.type === 'PLAIN' && typeof key.source === 'string' ? key.source : String(key.value);
    if (key && typeof key === 'object' && 'range' in key) return this.slice(key as Node);
    return String(key);
  }

  private taggedText(n: Node): string {
    const tag = n.tag!.replace(/^tag:yaml\.org,2002:/, '!!');
    return `${tag} ${this.slice(n)}`.trim();
  }

  private slice(n: Node): string {
    return n.range ? this.text.slice(n.range[0], n.range[1]).trim() : '';
  }
}

/** The parser's message without its code excerpt and position (the problem carries the line). */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}
