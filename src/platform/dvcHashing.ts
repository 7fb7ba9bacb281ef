import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { DvcHasher } from '../core/dvc/hash/dvcHasher';
import { HashPool } from '../core/dvc/hash/hashPool';
import { JsonHashCache } from '../core/dvc/hash/jsonHashCache';

const SAVE_DELAY_MS = 5000;

/**
 * One DVC hasher for the whole extension: one pool of hashing threads and one hash cache (by inode, mtime and size)
 * shared by the Pipelines and Data views and the runner, so a file one of them hashed is never hashed again by another.
 * Created on first use: nothing of it runs at activation.
 */
export class SharedDvcHashing implements vscode.Disposable {
  private hasherPromise?: Promise<DvcHasher>;
  private cache?: JsonHashCache;
  private saveTimer?: NodeJS.Timeout;

  constructor(private readonly storageDir: string, private readonly workerPath: string, private readonly log: vscode.LogOutputChannel) {}

  hasher(): Promise<DvcHasher> {
    this.hasherPromise ??= (async () => {
      await fs.promises.mkdir(this.storageDir, { recursive: true }).catch(() => undefined);
      this.cache = await JsonHashCache.open(path.join(this.storageDir, 'dvc-hash-cache.json'));
      const pool = new HashPool(fs.existsSync(this.workerPath) ? { workerPath: this.workerPath } : {});
      return new DvcHasher({ cache: this.cache, pool });
    })();
    return this.hasherPromise;
  }

  /** Writes the hash cache a little later (many status checks in a row write it once). */
  saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  async save(): Promise<void> {
    try {
      await this.cache?.save();
    } catch (e) {
      this.log.warn(`Could not save the DVC hash cache: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    const hasher = this.hasherPromise;
    void this.save().finally(() => hasher?.then((h) => h.close()).catch(() => undefined));
  }
}
