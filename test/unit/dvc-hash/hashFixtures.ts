import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Answers computed by DVC's own code (test/fixtures/dvc-hash/hashCases.py), committed as hashCases.json. */
export interface HashCases {
  files: Record<string, { segments: Segment[]; md5: string; 'md5-dos2unix': string; size: number }>;
  trees: Record<string, { entries: { relpath: string; md5: string }[]; manifest: string; md5: string }>;
  ignore: { pattern: string; path: string; isDir: boolean; ignored: boolean }[];
}

export interface Segment {
  text?: string;
  hex?: string;
  repeat: number;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export function hashCases(): HashCases {
  // Compiled tests live in <outDir>/test/unit/dvc-hash; the fixture stays in the source tree.
  const candidates = [path.join(repoRoot, 'test/fixtures/dvc-hash/hashCases.json'), path.resolve(process.cwd(), 'test/fixtures/dvc-hash/hashCases.json')];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`hashCases.json not found (looked in ${candidates.join(', ')})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as HashCases;
}

/** The bytes a fixture describes, built exactly as hashCases.py builds them. */
export function buildBytes(segments: Segment[]): Buffer {
  return Buffer.concat(segments.map((s) => {
    const part = s.text !== undefined ? Buffer.from(s.text, 'utf8') : Buffer.from(s.hex!, 'hex');
    return Buffer.concat(Array.from({ length: s.repeat }, () => part));
  }));
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}
