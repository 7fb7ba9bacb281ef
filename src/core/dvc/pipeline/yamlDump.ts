// YAML written byte for byte as DVC writes dvc.lock: ruamel.yaml's round-trip dumper with
// `default_flow_style = False` (dvc/utils/serialize/_yaml.py), i.e. block style, 2-space mapping indent, list dashes
// at the parent key's column, 80-column folding of long plain and quoted scalars, quotes only where the text would
// otherwise read back as another type, double quotes for text with line breaks or non-printable characters.
// The emitter below follows ruamel/yaml/emitter.py (0.19) step by step for the events a lock file produces: block
// mappings and sequences, empty `[]`/`{}`, and scalars. Lengths and columns count code points, as Python does.
import { resolvePlainTag } from './yamlLoad';
import { isDict, originalKey, PyFloat, PyTimestamp, pythonFloatRepr, type PyScalar, type PyValue } from './pyValue';

type ScalarTag = 'str' | 'int' | 'float' | 'bool' | 'null' | 'timestamp';
type YNode =
  | { kind: 'scalar'; tag: ScalarTag; value: string }
  | { kind: 'seq'; items: YNode[] }
  | { kind: 'map'; pairs: [YNode, YNode][] };

/** The YAML text ruamel's round-trip dumper writes for `value` (a mapping or list at the top). */
export function dumpYaml(value: PyValue): string {
  const emitter = new Emitter();
  emitter.emitDocument(represent(value));
  return emitter.out;
}

function represent(v: PyValue): YNode {
  if (Array.isArray(v)) return { kind: 'seq', items: v.map(represent) };
  if (isDict(v)) return { kind: 'map', pairs: [...v].map(([k, x]) => [representScalar(originalKey(v, k)), represent(x)]) };
  return representScalar(v);
}

function representScalar(v: PyScalar): YNode {
  if (typeof v === 'string') return { kind: 'scalar', tag: 'str', value: v };
  // Inside a mapping or list ruamel's round-trip representer writes None as an empty value.
  if (v === null) return { kind: 'scalar', tag: 'null', value: '' };
  if (typeof v === 'boolean') return { kind: 'scalar', tag: 'bool', value: v ? 'true' : 'false' };
  if (typeof v === 'bigint') return { kind: 'scalar', tag: 'int', value: v.toString() };
  if (v instanceof PyTimestamp) return { kind: 'scalar', tag: 'timestamp', value: v.isoText };
  if (v instanceof PyFloat) return { kind: 'scalar', tag: 'float', value: floatText(v.value) };
  if (Number.isInteger(v)) return { kind: 'scalar', tag: 'int', value: String(v) };
  return { kind: 'scalar', tag: 'float', value: floatText(v) };
}

/** SafeRepresenter.represent_float: `.nan`, `.inf`, `-.inf`, else `repr(x).lower()`. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  return pythonFloatRepr(x).toLowerCase();
}

interface Analysis {
  scalar: string[];
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
  allowDoubleQuoted: boolean;
}

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const MAX_SIMPLE_KEY_LENGTH = 128;
const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029';
const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  out = '';
  private column = 0;
  private indent: number | null = null;
  private readonly indents: [number | null, boolean | null][] = [];
  private whitespace = true;
  private indention = true;
  private noNewline = false;
  private openEnded = false;
  private flowLevel = 0;
  private rootContext = false;
  private sequenceContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private analysis: Analysis | null = null;
  private style: string | null = null;

  emitDocument(root: YNode): void {
    this.expectNode(root, { root: true });
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
  }

  private expectNode(node: YNode, ctx: { root?: boolean; sequence?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.rootContext = !!ctx.root;
    this.sequenceContext = !!ctx.sequence;
    this.mappingContext = !!ctx.mapping;
    this.simpleKeyContext = !!ctx.simpleKey;
    if (node.kind === 'scalar') {
      this.processScalarTag(node);
      this.increaseIndent(true);
      this.processScalar(node);
      this.indent = this.popIndent();
      return;
    }
    if (node.kind === 'seq') {
      if (this.flowLevel > 0 || node.items.length === 0) this.expectFlowCollection('[', ']', true);
      else this.expectBlockSequence(node);
      return;
    }
    if (this.flowLevel > 0 || node.pairs.length === 0) this.expectFlowCollection('{', '}', false);
    else this.expectBlockMapping(node);
  }

  /** Only empty collections are written in flow style here (default_flow_style is False). */
  private expectFlowCollection(open: string, close: string, sequence: boolean): void {
    const ind = this.seqFlowAlign();
    this.writeIndicator(' '.repeat(Math.max(0, ind)) + open, true, true);
    this.increaseIndent(true, sequence);
    this.flowLevel++;
    if (sequence) this.afterSequenceStart();
    this.indent = this.popIndent();
    this.flowLevel--;
    this.writeIndicator(close, false);
    if (this.flowLevel === 0) this.writeLineBreak();
  }

  private expectBlockSequence(node: Extract<YNode, { kind: 'seq' }>): void {
    const indentless = this.mappingContext ? !this.indention : false;
    this.increaseIndent(false, true, indentless);
    this.afterSequenceStart();
    for (const item of node.items) {
      const nonl = this.column === 0 ? this.noNewline : false;
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      if (nonl) this.noNewline = true;
      this.expectNode(item, { sequence: true });
    }
    this.indent = this.popIndent();
    this.noNewline = false;
  }

  /** A sequence directly inside a sequence starts its dash on the same line (`- - a`). */
  private afterSequenceStart(): void {
    const n = this.indents.length;
    if (n >= 2 && this.indents[n - 2][1] && this.indents[n - 1][1]) {
      this.indention = true;
      this.noNewline = false;
    }
  }

  private expectBlockMapping(node: Extract<YNode, { kind: 'map' }>): void {
    this.increaseIndent(false, false);
    for (const [key, value] of node.pairs) {
      this.writeIndent();
      if (this.checkSimpleKey(key)) {
        this.expectNode(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.expectNode(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.expectNode(value, { mapping: true });
    }
    this.indent = this.popIndent();
  }

  /** ruamel counts the prepared tag (`!!str`, even though it is not written) into the key's length. */
  private checkSimpleKey(key: YNode): boolean {
    if (key.kind !== 'scalar') return (key.kind === 'seq' ? key.items.length : key.pairs.length) === 0;
    if (this.analysis === null) this.analysis = analyzeScalar(key.value);
    const length = `!!${key.tag}`.length + this.analysis.scalar.length;
    return length < MAX_SIMPLE_KEY_LENGTH && !this.analysis.multiline;
  }

  private increaseIndent(flow: boolean, sequence: boolean | null = null, indentless = false): void {
    this.indents.push([this.indent, sequence]);
    if (this.indent === null) {
      this.indent = flow ? null : 0;
    } else if (!indentless) {
      this.indent += BEST_INDENT;
    }
  }

  private popIndent(): number | null {
    return this.indents.pop()![0];
  }

  private seqFlowAlign(): number {
    const n = this.indents.length;
    if (n < 2 || !this.indents[n - 1][1]) return 0;
    const base = this.indents[n - 1][0] ?? 0;
    return base + BEST_INDENT - this.column - 1;
  }

  private processScalarTag(node: Extract<YNode, { kind: 'scalar' }>): void {
    if (this.style !== null) return;
    this.style = this.chooseScalarStyle(node);
    // ruamel's alt_null: a None that would need quotes as an empty key is written `null` instead.
    if (node.value === '' && this.style === "'" && node.tag === 'null') {
      node.value = 'null';
      this.analysis = null;
      this.style = this.chooseScalarStyle(node);
    }
  }

  private chooseScalarStyle(node: Extract<YNode, { kind: 'scalar' }>): string {
    if (this.analysis === null) this.analysis = analyzeScalar(node.value);
    const a = this.analysis;
    // Plain only where reading the text back resolves to the same type (so `'2.0'` and `'true'` get quotes).
    const implicitPlain = resolvePlainTag(node.value) === node.tag;
    if (implicitPlain) {
      const plainAllowed = this.flowLevel > 0 ? a.allowFlowPlain : a.allowBlockPlain;
      if (!(this.simpleKeyContext && (a.empty || a.multiline)) && plainAllowed) return '';
    }
    if (a.allowDoubleQuoted && (node.value.includes("'") || node.value.includes('\n'))) return '"';
    if (a.allowSingleQuoted && !(this.simpleKeyContext && a.multiline)) return "'";
    return '"';
  }

  private processScalar(node: Extract<YNode, { kind: 'scalar' }>): void {
    if (this.analysis === null) this.analysis = analyzeScalar(node.value);
    if (this.style === null) this.style = this.chooseScalarStyle(node);
    const split = !this.simpleKeyContext;
    if (this.sequenceContext && this.flowLevel === 0) this.writeIndent();
    const text = this.analysis.scalar;
    if (this.style === '"') this.writeDoubleQuoted(text, split);
    else if (this.style === "'") this.writeSingleQuoted(text, split);
    else this.writePlain(text, split);
    this.analysis = null;
    this.style = null;
  }

  private write(data: string, width: number): void {
    this.column += width;
    this.out += data;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data, [...data].length);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      if (this.noNewline) this.noNewline = false;
      else this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.out += data;
  }

  private writeBreaks(chars: string[]): void {
    for (const br of chars) this.writeLineBreak(br === '\n' ? '\n' : br);
  }

  private writePlain(text: string[], split: boolean): void {
    if (this.rootContext) this.openEnded = true;
    if (text.length === 0) return;
    if (!this.whitespace) this.write(' ', 1);
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column >= BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(text.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          this.writeBreaks(text.slice(start, end));
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch)) {
        const width = end - start;
        if (width + this.column > BEST_WIDTH && this.indent !== null && this.column > this.indent) this.writeIndent();
        this.write(text.slice(start, end).join(''), width);
        start = end;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  private writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== text.length) {
            this.writeIndent();
          } else {
            this.write(text.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          this.writeBreaks(text.slice(start, end));
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end).join(''), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''", 2);
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (ch === null || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !printableInDoubleQuotes(ch)) {
        if (start < end) {
          this.write(text.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== null) {
          const code = ch.codePointAt(0)!;
          let data: string;
          if (ch in ESCAPES) data = '\\' + ESCAPES[ch];
          else if (code <= 0xff) data = '\\x' + hex(code, 2);
          else if (code <= 0xffff) data = '\\u' + hex(code, 4);
          else data = '\\U' + hex(code, 8);
          this.write(data, data.length);
          start = end + 1;
        }
      }
      if (0 < end && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const needBackslash = needsBackslash(text, start, end);
        const data = text.slice(start, end).join('') + (needBackslash ? '\\' : '');
        const width = end - start + (needBackslash ? 1 : 0);
        if (start < end) start = end;
        this.write(data, width);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') {
          if (!needBackslash) start += 1;
          if (needBackslash) this.write('\\', 1);
        }
      }
    }
    this.writeIndicator('"', false);
  }
}

/** ruamel's choice (SO 75634614) between a backslash line continuation and a plain fold in double-quoted text. */
function needsBackslash(text: string[], start: number, end: number): boolean {
  let spacePos = indexOf(text, ' ', end, text.length);
  if (spacePos < 0) return true;
  const nl = indexOf(text, '\n', end, spacePos);
  if (nl >= 0) spacePos = nl;
  if (spacePos + 1 >= text.length) return true; // Python's IndexError, caught: keep the backslash
  if (text[spacePos] === '\n' && text[spacePos + 1] !== ' ') return true;
  const between = text.slice(end, spacePos);
  const before = text.slice(end - 1, end + 1).join('');
  if (!between.includes('"') && !between.includes("'") && !' \n'.includes(text[spacePos + 1]) && before !== '  ' && start !== end) {
    return false;
  }
  return true;
}

function indexOf(text: string[], ch: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text[i] === ch) return i;
  return -1;
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** Printable without escaping in a double-quoted scalar (allow_unicode is on in ruamel's YAML()). */
function printableInDoubleQuotes(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** ruamel's Emitter.analyze_scalar with allow_unicode on and YAML 1.2 rules. */
function analyzeScalar(value: string): Analysis {
  const scalar = [...value];
  if (scalar.length === 0) {
    return { scalar, empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true, allowDoubleQuoted: true };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = scalar.length === 1 || SPACE_OR_BREAK.includes(scalar[1]);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < scalar.length; index++) {
    const ch = scalar[index];
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        if (scalar.length === 1) flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const c = ch.codePointAt(0)!;
    if (!(ch === '\n' || (c >= 0x20 && c <= 0x7e))) {
      const unicodePrintable = (c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)) && c !== 0xfeff;
      if (!unicodePrintable) specialCharacters = true;
    }
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === scalar.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === scalar.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = index + 2 >= scalar.length || SPACE_OR_BREAK.includes(scalar[index + 2]);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false;
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (specialCharacters) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  else if (spaceBreak) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { scalar, empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted, allowDoubleQuoted: true };
}
