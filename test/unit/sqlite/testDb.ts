import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoreRef } from '../../../src/core/runs/types';

/** A fresh temp dir per test file; removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function sqliteRef(dbPath: string): StoreRef {
  return { kind: 'mlflow-sqlite', uri: `sqlite:///${dbPath}`, path: dbPath };
}

/** Bytes and mtime of a file and whether its side files exist, to prove a read changed nothing. */
export function fileState(dbPath: string): { bytes: Buffer; mtimeMs: number; sideFiles: string[] } {
  return {
    bytes: fs.readFileSync(dbPath),
    mtimeMs: fs.statSync(dbPath).mtimeMs,
    sideFiles: ['-journal', '-wal', '-shm'].filter((s) => fs.existsSync(dbPath + s)),
  };
}
