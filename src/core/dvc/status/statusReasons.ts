import { pythonRepr, type PyValue } from '../pipeline/pyValue';
import type { DepStatus, OutStatus, ParamsStatus, StageStatus, StatusReason } from './statusTypes';

// Sentences a person can act on, one per thing `dvc status` reports, in its order: dependencies (files, then
// params), outputs, always changed, then the command or checksum. Values are shown as Python writes them.

const MAX_LISTED = 3;

export function stageReasons(s: StageStatus): StatusReason[] {
  const reasons: StatusReason[] = [];
  if (s.kind === 'pipeline' && !s.inLock) reasons.push({ kind: 'not-in-lock', message: 'Never run: dvc.lock has no entry for this stage.' });
  if (s.frozen) reasons.push({ kind: 'frozen', message: 'Frozen: its dependencies are not checked and it is not run.' });
  if (!s.frozen) {
    for (const d of s.deps) if (d.state && d.state !== 'error') reasons.push({ kind: 'dep', message: depMessage(d), path: d.path });
    for (const p of s.params) reasons.push(...paramReasons(p));
  }
  for (const o of s.outs) if (o.state && o.state !== 'error') reasons.push({ kind: 'out', message: outMessage(o), path: o.path });
  if (s.alwaysChanged) reasons.push({ kind: 'always-changed', message: s.stage && !s.stage.alwaysChanged ? 'Always changed: a command with no dependencies or outputs runs every time.' : 'Always changed (always_changed: true): it runs every time.' });
  if (s.commandChanged) reasons.push({ kind: 'command', message: 'Command changed since the last run (dvc.yaml differs from dvc.lock).', path: s.file });
  if (s.checksumChanged) reasons.push({ kind: 'checksum', message: `${s.address} has a stale top-level md5 (changed checksum).`, path: s.file });
  for (const p of s.problems) reasons.push({ kind: 'error', message: p.message, path: p.file });
  return reasons;
}

function depMessage(d: DepStatus): string {
  if (d.state === 'deleted') return `Dependency ${d.display} is missing.`;
  if (!d.recorded) return `Dependency ${d.display} has no hash in dvc.lock yet.`;
  return `Dependency ${d.display} modified${folderDetail(d)}.`;
}

function outMessage(o: OutStatus): string {
  if (o.state === 'not in cache') return `Output ${o.display} is not in the DVC cache (its recorded version cannot be restored).`;
  if (o.state === 'deleted') return `Output ${o.display} is missing.`;
  if (!o.recorded) return `Output ${o.display} has no hash in dvc.lock yet.`;
  return `Output ${o.display} modified${folderDetail(o)}.`;
}

function folderDetail(e: DepStatus | OutStatus): string {
  const c = e.folderChanges;
  if (!c) return '';
  const parts: string[] = [];
  const list = (verb: string, files: string[]) => {
    if (!files.length) return;
    const shown = files.slice(0, MAX_LISTED).join(', ') + (files.length > MAX_LISTED ? `, +${files.length - MAX_LISTED} more` : '');
    parts.push(`${files.length} ${verb} (${shown})`);
  };
  list('added', c.added);
  list('deleted', c.deleted);
  list('modified', c.modified);
  return parts.length ? `: ${parts.join('; ')}` : '';
}

function paramReasons(p: ParamsStatus): StatusReason[] {
  if (p.state === 'deleted') return [{ kind: 'param', message: `Params file ${p.display} is missing.`, path: p.path }];
  if (p.state === 'new') return [{ kind: 'param', message: `Params from ${p.display} are not recorded in dvc.lock yet.`, path: p.path }];
  return p.changes.map((c) => {
    const where = `${p.display}:${c.key}`;
    const message =
      c.state === 'modified'
        ? `Param ${where} changed: ${show(c.old)} -> ${show(c.now)}.`
        : c.state === 'new'
          ? `Param ${where} added (${show(c.now)}).`
          : `Param ${where} removed (was ${show(c.old)}).`;
    return { kind: 'param' as const, message, path: p.path };
  });
}

function show(v: unknown): string {
  const text = pythonRepr(v as PyValue);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}
