import { md5Bytes } from './md5File';
import { compareCodePoints, pythonJsonString } from './pythonJson';

const SURROGATE = /[\ud800-\udfff]/;

/** One file of a folder as DVC's `.dir` manifest lists it. */
export interface DirEntry {
  /** Path inside the folder, `/`-separated. */
  relpath: string;
  md5: string;
}

/**
 * The bytes of DVC's folder manifest, which are what the folder's hash is the md5 of and what
 * `.dvc/cache/files/md5/xx/yyyy.dir` holds: dvc-data's Tree.as_bytes(), i.e.
 * `json.dumps(sorted([{"md5": ..., "relpath": ...}], key=relpath), sort_keys=True)`.
 * Entries of md5-dos2unix folders are written with the key `md5` too, so one format serves both.
 */
export function dirListingBytes(entries: readonly DirEntry[]): Buffer {
  // Without surrogates (astral characters), UTF-16 order is code point order and the plain comparison is faster.
  const astral = entries.some((e) => SURROGATE.test(e.relpath));
  const sorted = [...entries].sort(astral ? (a, b) => compareCodePoints(a.relpath, b.relpath) : (a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  const parts = sorted.map((e) => `{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`);
  return Buffer.from('[' + parts.join(', ') + ']', 'utf8');
}

/** A folder's DVC hash: md5 of its manifest + `.dir`, with the manifest bytes (to store in the cache). */
export function dirHash(entries: readonly DirEntry[]): { md5: string; manifest: Buffer } {
  const manifest = dirListingBytes(entries);
  return { md5: md5Bytes(manifest) + '.dir', manifest };
}

/**
 * Reads a `.dir` manifest (as DVC's Tree.load does): a JSON list of objects with `relpath` and `md5`.
 * Returns undefined when the text is not such a list (DVC treats that as a corrupted cache entry).
 */
export function parseDirManifest(text: string): DirEntry[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const out: DirEntry[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { relpath, md5 } = item as Record<string, unknown>;
    if (typeof relpath !== 'string' || typeof md5 !== 'string') return undefined;
    out.push({ relpath, md5 });
  }
  return out;
}
