// The few settings of .dvc/config (and config.local, which wins) that change how a run records its results:
// where the cache is, whether it is shared by a group (file and folder modes), and whether DVC uses Git.
import fs from 'node:fs';
import path from 'node:path';
import { resolveCacheDir } from '../hash/dvcCache';

export interface DvcRepoConfig {
  /** Whether the repository has a `.dvc/` folder, i.e. a DVC cache to store outputs in. */
  isDvcRepo: boolean;
  cacheDir: string;
  /** `core.no_scm`: DVC leaves .gitignore alone. */
  noScm: boolean;
  /** Mode of files DVC writes outside the object store (run-cache entries, unprotected outputs): 0o666 less the umask, 0o664 when shared. */
  fileMode: number;
  /** Mode of the cache's folders: 0o777 less the umask, 0o2775 when shared. */
  dirMode: number;
  /** Whether `cache.shared = group` is set (modes are then exact, not reduced by the umask). */
  shared: boolean;
}

/** Reads the settings (missing files or keys give DVC's defaults). */
export function readDvcRepoConfig(repoRoot: string): DvcRepoConfig {
  const dvcDir = path.join(repoRoot, '.dvc');
  const isDvcRepo = fs.statSync(dvcDir, { throwIfNoEntry: false })?.isDirectory() === true;
  const values = new Map<string, string>();
  for (const name of ['config', 'config.local']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dvcDir, name), 'utf8');
    } catch {
      continue;
    }
    for (const [key, value] of iniEntries(text)) values.set(key, value);
  }
  const shared = (values.get('cache.shared') ?? '').toLowerCase() === 'group';
  return {
    isDvcRepo,
    cacheDir: resolveCacheDir(repoRoot),
    noScm: isTrue(values.get('core.no_scm')),
    shared,
    fileMode: shared ? 0o664 : 0o666 & ~currentUmask(),
    dirMode: shared ? 0o2775 : 0o777 & ~currentUmask(),
  };
}

let processUmask: number | undefined;
/** The process umask, read once (DVC reads it once at import too). */
export function currentUmask(): number {
  processUmask ??= process.umask();
  return processUmask;
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'yes', '1', 'on'].includes(v.toLowerCase());
}

/** `section.key` -> value for a configobj-style INI (`['remote "x"']` sections keep their name). */
function iniEntries(text: string): [string, string][] {
  const out: [string, string][] = [];
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      section = header[1].replace(/^['"]|['"]$/g, '');
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv) out.push([`${section}.${kv[1]}`, kv[2].replace(/^(['"])(.*)\1$/, '$2')]);
  }
  return out;
}
