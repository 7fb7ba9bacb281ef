import { pythonJsonDumps, type PythonJsonValue } from '../hash/pythonJson';
import type { StageStatus, StatusResult } from './statusTypes';

/** One item of a stage's list; dicts are Maps so that their key order is DVC's (see PythonJsonValue). */
export type DvcStatusEntry = string | Map<string, PythonJsonValue>;

/**
 * One stage's list as `dvc status --json` prints it (Stage.status): `{"changed deps": {...}}` (files, then params
 * files with `{key: state}`), `{"changed outs": {...}}`, "always changed", then "changed command" (pipeline stages)
 * or "changed checksum" (.dvc files). Empty when the stage is up to date. Entries that could not be checked are
 * left out (DVC would have stopped with an error; see the result's problems).
 */
export function dvcStatusEntries(s: StageStatus): DvcStatusEntry[] {
  const out: DvcStatusEntry[] = [];
  if (!s.frozen) {
    // Python dict.update semantics: a later entry with the same name replaces the value in place; so does Map.set.
    const deps = new Map<string, PythonJsonValue>();
    for (const d of s.deps) if (d.state && d.state !== 'error') deps.set(d.display, d.state);
    for (const p of s.params) {
      if (p.state === 'deleted' || p.state === 'new') deps.set(p.display, p.state);
      else if (p.state === 'changed') deps.set(p.display, new Map(p.changes.map((c) => [c.key, c.state])));
    }
    if (deps.size) out.push(new Map([['changed deps', deps]]));
  }
  const outs = new Map<string, PythonJsonValue>();
  for (const o of s.outs) if (o.state && o.state !== 'error') outs.set(o.display, o.state);
  if (outs.size) out.push(new Map([['changed outs', outs]]));
  if (s.alwaysChanged) out.push('always changed');
  if (s.kind === 'pipeline' && s.commandChanged) out.push('changed command');
  if (s.kind === 'dvcfile' && s.checksumChanged) out.push('changed checksum');
  return out;
}

/** Stage address -> its list, for the stages `dvc status` lists (those with something to report), in result order. */
export function dvcStatusMap(result: StatusResult): Map<string, DvcStatusEntry[]> {
  const map = new Map<string, DvcStatusEntry[]>();
  for (const s of result.stages) {
    const entries = dvcStatusEntries(s);
    if (entries.length) map.set(s.address, entries);
  }
  return map;
}

/**
 * Exactly the text `dvc status --json` writes (without its final newline). DVC lists stages in the order it walks
 * the repository (the file system's order, which differs between machines); ours is the result's order.
 */
export function toDvcStatusJson(result: StatusResult): string {
  return pythonJsonDumps(dvcStatusMap(result));
}
