import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheObjectPath } from '../../../src/core/dvc/hash/dvcCache';
import { DvcHasher, type HashedTree } from '../../../src/core/dvc/hash/dvcHasher';
import { HashPool } from '../../../src/core/dvc/hash/hashPool';
import type { DvcLock, HashEntry, LockStage, OutSpec, PipelineStage } from '../../../src/core/dvc/pipeline/types';

/** A temp repository with a `.dvc/` folder, files written from a map. */
export function makeRepo(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-status-')));
  fs.mkdirSync(path.join(root, '.dvc', 'cache'), { recursive: true });
  write(root, files);
  return root;
}

export function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function inlineHasher(): DvcHasher {
  return new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
}

type OutInit = string | (Partial<OutSpec> & { path: string });

/** A PipelineStage as the parser would make it, with DVC's defaults. */
export function stage(root: string, name: string, init: { cmd?: string | string[]; deps?: string[]; params?: { file: string; keys: string[] }[]; outs?: OutInit[]; frozen?: boolean; alwaysChanged?: boolean; dir?: string } = {}): PipelineStage {
  const dir = path.join(root, init.dir ?? '');
  return {
    name,
    dvcfile: path.join(dir, 'dvc.yaml'),
    wdir: dir,
    cmd: init.cmd ?? `make ${name}`,
    deps: (init.deps ?? []).map((p) => ({ path: p })),
    params: init.params ?? [],
    outs: (init.outs ?? []).map((o) => ({ kind: 'outs', cache: true, persist: false, push: true, ...(typeof o === 'string' ? { path: o } : o) })),
    frozen: init.frozen ?? false,
    alwaysChanged: init.alwaysChanged ?? false,
    pos: { file: path.join(dir, 'dvc.yaml'), line: 1, column: 1 },
  };
}

/**
 * What `dvc repro` would record for the stage as the files are now: dvc.lock entries (hash: md5), params values,
 * and cached outputs stored read-only in the cache (folders with their .dir manifest).
 */
export async function lockNow(root: string, stages: PipelineStage[], params: Record<string, Record<string, Record<string, unknown>>> = {}): Promise<DvcLock> {
  const hasher = inlineHasher();
  const entry = async (wdir: string, p: string, store: boolean): Promise<HashEntry> => {
    const h = await hasher.hashPath(path.join(wdir, p), 'md5');
    if (store) {
      const put = (md5: string, bytes: Buffer) => {
        const obj = cacheObjectPath(path.join(root, '.dvc', 'cache'), md5, 'md5');
        fs.mkdirSync(path.dirname(obj), { recursive: true });
        if (!fs.existsSync(obj)) {
          fs.writeFileSync(obj, bytes);
          fs.chmodSync(obj, 0o444);
        }
      };
      if (h.isDir) {
        const t = h as HashedTree;
        for (const e of t.entries) put(e.md5, fs.readFileSync(path.join(wdir, p, e.relpath)));
        put(t.md5, t.manifest);
      } else put(h.md5, fs.readFileSync(path.join(wdir, p)));
    }
    return { path: p, hash: 'md5', md5: h.md5, size: h.size, ...(h.isDir ? { nfiles: h.nfiles } : {}) };
  };
  const stagesOut: Record<string, LockStage> = {};
  for (const s of stages) {
    stagesOut[s.name] = {
      cmd: s.cmd,
      deps: await Promise.all(s.deps.map((d) => entry(s.wdir, d.path, false))),
      params: params[s.name] ?? {},
      outs: await Promise.all(s.outs.map((o) => entry(s.wdir, o.path, o.cache))),
    };
  }
  await hasher.close();
  return { file: stages[0].dvcfile.replace(/\.yaml$/, '.lock'), schema: '2.0', stages: stagesOut };
}
