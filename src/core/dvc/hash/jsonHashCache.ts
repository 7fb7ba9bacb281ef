import fs from 'node:fs';
import { writeFileAtomic } from '../../index/atomicWrite';
import { MemoryHashCache } from './hashCache';

const FORMAT = 'mlops-workbench/dvc-hash-cache';
const VERSION = 1;
/** Beyond this many files the oldest entries are dropped on save (about 150 bytes each on disk). */
const DEFAULT_MAX_ENTRIES = 1_000_000;

type Row = [file: string, ino: number, mtimeMs: number, size: number, md5: string | null, dos2unix: string | null];

/**
 * A MemoryHashCache saved as one JSON file (in the extension's storage), replaced atomically. A missing,
 * corrupt or foreign file starts an empty cache: it only ever costs a re-hash, never a wrong answer, because
 * every entry is checked against the file's inode, mtime and size before use.
 */
export class JsonHashCache extends MemoryHashCache {
  private savedAt = 0;

  private constructor(readonly file: string, private readonly maxEntries: number) {
    super();
  }

  static async open(file: string, opts: { maxEntries?: number } = {}): Promise<JsonHashCache> {
    const cache = new JsonHashCache(file, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    let text: string | undefined;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const data = JSON.parse(text) as { format?: string; version?: number; files?: Row[] };
        if (data.format === FORMAT && data.version === VERSION && Array.isArray(data.files)) {
          for (const row of data.files) {
            if (!Array.isArray(row) || typeof row[0] !== 'string') continue;
            const [f, ino, mtimeMs, size, md5, dos2unix] = row;
            cache.restore(f, { ino, mtimeMs, size, md5: md5 ?? undefined, dos2unix: dos2unix ?? undefined });
          }
        }
      } catch {
        // Unreadable: start empty (see the class comment).
      }
    }
    cache.savedAt = cache.changeCount;
    return cache;
  }

  /** Writes the cache if anything changed since it was opened or last saved. */
  async save(): Promise<boolean> {
    const changes = this.changeCount;
    if (changes === this.savedAt) return false;
    const rows: Row[] = [];
    for (const [f, e] of this.entries()) rows.push([f, e.ino, e.mtimeMs, e.size, e.md5 ?? null, e.dos2unix ?? null]);
    const kept = rows.length > this.maxEntries ? rows.slice(rows.length - this.maxEntries) : rows;
    const body = `{"format":"${FORMAT}","version":${VERSION},"files":[\n${kept.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
    await writeFileAtomic(this.file, Buffer.from(body, 'utf8'));
    this.savedAt = changes;
    return true;
  }
}
