import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Run } from '../../core/runs/types';

/**
 * Where a run's source file is: `mlflow.source.name` as MLflow recorded it (absolute, or relative to where
 * the script ran), tried as is, then against the workspace folders and the store's parent folder.
 */
export function resolveRunSource(run: Run, workspaceRoots: readonly string[]): { path?: string; recorded?: string } {
  const recorded = run.tags['mlflow.source.name'];
  if (!recorded) return {};
  const candidates = path.isAbsolute(recorded)
    ? [recorded]
    : [...workspaceRoots.map((r) => path.join(r, recorded)), path.join(path.dirname(storeFolder(run)), recorded)];
  // A run made on another machine records that machine's absolute path: try its base name in the workspace too.
  if (path.isAbsolute(recorded)) candidates.push(...workspaceRoots.map((r) => path.join(r, path.basename(recorded))), path.join(path.dirname(storeFolder(run)), path.basename(recorded)));
  return { recorded, path: candidates.find((c) => isFile(c)) };
}

/** The run's artifacts folder on disk, if its artifact URI is local. */
export function resolveArtifactsFolder(run: Run): string | undefined {
  const uri = run.artifactUri;
  if (uri) {
    try {
      const p = uri.startsWith('file:') ? fileURLToPath(uri) : path.isAbsolute(uri) ? uri : undefined;
      if (p && fs.existsSync(p)) return p;
    } catch {
      // not a local URI
    }
  }
  // File stores keep artifacts beside meta.yaml, even when the recorded absolute URI is from another machine.
  if (run.metaPath) {
    const local = path.join(path.dirname(run.metaPath), 'artifacts');
    if (fs.existsSync(local)) return local;
  }
  return undefined;
}

function storeFolder(run: Run): string {
  return run.store.kind === 'mlflow-sqlite' ? path.dirname(run.store.path) : run.store.path;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
