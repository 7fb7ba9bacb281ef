// Text for the Data view, its tooltips and the CLI: sizes, statuses, version labels. Every string from a file
// (paths, commit subjects, author names, column names) is escaped where it becomes Markdown.
import { escapeMarkdown, inlineCode } from '../../text/markdown';
import type { DataStatus, DataStatusInfo, DataVersion, RecordedHash, TrackedData } from './dataTypes';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 -> "1.5 KB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(value) : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text.replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${UNITS[unit]}`;
}

export const STATUS_LABELS: Record<DataStatus, string> = {
  'up-to-date': 'up to date',
  modified: 'modified',
  missing: 'missing',
  'not-in-cache': 'not in cache',
  new: 'not committed',
  error: 'cannot check',
  unknown: 'status unknown',
};

/** "26 B · 3 files" (what is recorded). */
export function describeRecorded(recorded: RecordedHash | undefined): string {
  if (!recorded) return 'nothing recorded';
  const parts: string[] = [];
  if (recorded.size !== undefined) parts.push(formatBytes(recorded.size));
  if (recorded.isDir && recorded.nfiles !== undefined) parts.push(`${recorded.nfiles} file${recorded.nfiles === 1 ? '' : 's'}`);
  return parts.join(' · ') || (recorded.isDir ? 'folder' : 'file');
}

/** The short hash people quote: 8 characters, `.dir` kept for folders. */
export function shortHash(md5: string): string {
  return md5.endsWith('.dir') ? `${md5.slice(0, 8)}….dir` : `${md5.slice(0, 8)}…`;
}

export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 7) : 'uncommitted';
}

/** "2024-02-03" from an ISO date. */
export function dayOf(isoDate: string | undefined): string {
  return isoDate ? isoDate.slice(0, 10) : '';
}

/** "abc1234 · 2024-02-03", or "uncommitted". */
export function versionLabel(version: DataVersion): string {
  return version.commit ? `${shortCommit(version.commit)} · ${dayOf(version.date)}` : 'uncommitted';
}

/** Where the record of an item is, for people: `data/images.dvc` or `dvc.lock › prepare`. */
export function recordLabel(item: TrackedData): string {
  const src = item.source;
  if (src.kind === 'dvc-file') return relativeTo(item.repoRoot, src.file);
  return `${relativeTo(item.repoRoot, src.lockFile)} › ${src.stage}`;
}

function relativeTo(root: string, file: string): string {
  const rootSlash = root.replace(/\\/g, '/').replace(/\/?$/, '/');
  const f = file.replace(/\\/g, '/');
  return f.startsWith(rootSlash) ? f.slice(rootSlash.length) : f;
}

/** The tooltip of a tracked item. */
export function dataTooltipMarkdown(item: TrackedData, status: DataStatusInfo | undefined): string {
  const lines: string[] = [];
  const state = status ? STATUS_LABELS[status.status] : 'checking…';
  lines.push(`**${escapeMarkdown(item.relPath)}** · ${state}`);
  lines.push('');
  const facts: string[] = [];
  facts.push(`Recorded in: ${inlineCode(recordLabel(item))}`);
  if (item.recorded) {
    facts.push(`Hash: ${inlineCode(item.recorded.md5)}${item.recorded.hashName === 'md5-dos2unix' ? ' (md5-dos2unix, DVC 2)' : ''}`);
    if (item.recorded.size !== undefined) facts.push(`Size: ${formatBytes(item.recorded.size)} (${item.recorded.size.toLocaleString('en-US')} bytes)`);
    if (item.recorded.isDir && item.recorded.nfiles !== undefined) facts.push(`Files: ${item.recorded.nfiles.toLocaleString('en-US')}`);
  }
  if (item.importedFrom) facts.push(`Imported from: ${inlineCode(item.importedFrom)}`);
  if (item.frozen) facts.push('Frozen: DVC does not check its dependencies');
  if (!item.cache) facts.push('Not cached (`cache: false`)');
  lines.push(facts.join('  \n'));
  if (status) {
    lines.push('', escapeMarkdown(status.reason));
    if (status.workspace && status.status === 'modified') {
      const w = status.workspace;
      lines.push('', `Workspace now: ${inlineCode(w.md5)} · ${formatBytes(w.size)}${w.isDir && w.nfiles !== undefined ? ` · ${w.nfiles} files` : ''}`);
    }
    const fc = status.folderChanges;
    if (fc) {
      const parts = [
        fc.added.length ? `${fc.added.length} added` : '',
        fc.deleted.length ? `${fc.deleted.length} deleted` : '',
        fc.modified.length ? `${fc.modified.length} modified` : '',
      ].filter(Boolean);
      if (parts.length) lines.push('', `Files since the recorded version: ${parts.join(', ')}`);
    }
  }
  return lines.join('\n');
}

/** The tooltip of one version in an item's history. */
export function versionTooltipMarkdown(version: DataVersion): string {
  const lines: string[] = [];
  if (version.commit) {
    lines.push(`**${escapeMarkdown(version.subject || '(no subject)')}**`, '');
    const facts = [
      `Commit: ${inlineCode(version.commit)}`,
      `Date: ${escapeMarkdown(version.date ?? '')}`,
      `Author: ${escapeMarkdown(version.author ?? '')}${version.authorEmail ? ` <${escapeMarkdown(version.authorEmail)}>` : ''}`,
      `File: ${inlineCode(version.recordPath)}`,
    ];
    lines.push(facts.join('  \n'));
  } else {
    lines.push(`**Not committed yet**`, '', `${inlineCode(version.recordPath)} on disk differs from HEAD.`);
  }
  lines.push('');
  if (version.recorded) {
    lines.push(`Hash: ${inlineCode(version.recorded.md5)}  \n${escapeMarkdown(describeRecorded(version.recorded))}`);
  } else {
    lines.push('Not recorded in this version.');
  }
  return lines.join('\n');
}
