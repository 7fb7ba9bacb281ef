import { escapeMarkdown, inlineCode } from '../text/markdown';
import { formatDuration, formatMetricValue } from '../text/formatValue';
import type { Run } from './types';

const MAX_ROWS = 25;

/** The Markdown a run's tooltip shows. Every value from the log is escaped: it renders as text, never as markup. */
export function runTooltipMarkdown(run: Run, now: number = Date.now()): string {
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(run.runName || run.runId)}** · ${run.status}${run.lifecycleStage === 'deleted' ? ' · deleted' : ''}`);
  lines.push('');
  const facts: string[] = [`Run ID: ${inlineCode(run.runId)}`];
  if (run.startTime !== null) {
    const end = run.endTime ?? (run.status === 'RUNNING' ? now : null);
    facts.push(`Started: ${new Date(run.startTime).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
    if (end !== null) facts.push(`Duration: ${formatDuration(end - run.startTime)}${run.endTime === null ? ' (so far)' : ''}`);
  }
  if (run.userId) facts.push(`User: ${escapeMarkdown(run.userId)}`);
  const source = run.tags['mlflow.source.name'];
  if (source) facts.push(`Source: ${inlineCode(source)}`);
  const commit = run.tags['mlflow.source.git.commit'];
  if (commit) facts.push(`Git commit: ${inlineCode(commit.slice(0, 12))}`);
  lines.push(facts.join('  \n'));
  section(lines, 'Metrics', Object.entries(run.metrics).map(([k, m]) => [k, `${formatMetricValue(m.value)} (step ${m.step})`]));
  section(lines, 'Params', Object.entries(run.params));
  const userTags = Object.entries(run.tags).filter(([k]) => !k.startsWith('mlflow.'));
  section(lines, 'Tags', userTags);
  return lines.join('\n');
}

function section(lines: string[], title: string, rows: [string, string][]): void {
  if (rows.length === 0) return;
  rows.sort(([a], [b]) => a.localeCompare(b));
  lines.push('', `**${title}**`, '', '| | |', '|---|---|');
  for (const [k, v] of rows.slice(0, MAX_ROWS)) lines.push(`| ${escapeMarkdown(k)} | ${escapeMarkdown(v)} |`);
  if (rows.length > MAX_ROWS) lines.push(`| … | ${rows.length - MAX_ROWS} more |`);
}
