import assert from 'node:assert/strict';
import type { StageStatus, StatusReason } from '../../../src/core/dvc/status/statusTypes';
import { failureText } from '../../../src/features/pipelines/pipelineRunTypes';
import { commandLines, formatAgo, lastRanText, stageLook, stateOf } from '../../../src/features/pipelines/stageLook';

function status(init: Partial<StageStatus> = {}): StageStatus {
  return {
    address: 'train', kind: 'pipeline', name: 'train', file: '/r/dvc.yaml', frozen: false, alwaysChanged: false, inLock: true,
    commandChanged: false, checksumChanged: false, deps: [], params: [], outs: [], changed: false, wouldRun: false, reasons: [], problems: [],
    ...init,
  };
}

const reason = (kind: StatusReason['kind'], message: string): StatusReason => ({ kind, message });
const ms = (n: number) => `${n} ms`;

describe('stage look', () => {
  it('is up to date when dvc status lists nothing', () => {
    const look = stageLook(status());
    assert.equal(look.state, 'upToDate');
    assert.equal(look.summary, 'Up to date');
  });

  it('shows the first reason, and how many more there are', () => {
    const look = stageLook(status({ changed: true, reasons: [reason('dep', 'Dependency data/raw.csv modified.'), reason('param', 'Param params.yaml:lr changed: 0.1 -> 0.2.')] }));
    assert.equal(look.state, 'changed');
    assert.equal(look.summary, 'Dependency data/raw.csv modified (+1 more)');
    assert.equal(look.reasons.length, 2);
  });

  it('keeps long reasons short', () => {
    const long = `Dependency ${'x'.repeat(200)} modified.`;
    const look = stageLook(status({ changed: true, reasons: [reason('dep', long)] }));
    assert.ok(look.summary.length <= 90, look.summary);
    assert.ok(look.summary.endsWith('…'));
  });

  it('tells never run, frozen and cannot-check apart', () => {
    assert.equal(stateOf(status({ inLock: false, changed: true, reasons: [reason('not-in-lock', 'Never run: dvc.lock has no entry for this stage.')] })), 'neverRun');
    assert.equal(stageLook(status({ inLock: false, changed: true })).summary, 'Never run');
    assert.equal(stateOf(status({ frozen: true })), 'frozen');
    assert.equal(stateOf(status({ frozen: true, changed: true })), 'changed', 'a frozen stage whose output is missing still needs attention');
    assert.equal(stateOf(status({ changed: true, problems: [{ severity: 'error', file: '/r/x', message: 'Cannot hash x' }] })), 'error');
  });

  it('says checking while there is no verdict, and running/queued during a run', () => {
    assert.equal(stageLook(undefined).state, 'checking');
    assert.equal(stageLook(status(), { running: true }).state, 'running');
    assert.equal(stageLook(status(), { queued: true }).state, 'queued');
    const justRan = stageLook(status({ changed: true, reasons: [reason('dep', 'Dependency a modified.')] }), { justRan: true });
    assert.deepEqual([justRan.state, justRan.summary], ['upToDate', 'Ran just now'], 'a stage that ran in the current run is not shown as changed while the run goes on');
  });

  it('shows a failed last run while the stage is still changed, not once it is up to date', () => {
    const lastRun = { at: 0, ms: -1, ok: false, exitCode: 2, error: 'exit 2', runner: 'builtin' as const };
    const failed = stageLook(status({ changed: true, reasons: [reason('dep', 'Dependency a modified.')] }), { lastRun });
    assert.equal(failed.state, 'failed');
    assert.equal(failed.summary, 'Failed (exit code 2)');
    assert.match(failed.reasons[0], /last run failed/);
    assert.equal(stageLook(status(), { lastRun }).state, 'upToDate');
  });
});

describe('when a stage last ran', () => {
  const now = Date.UTC(2025, 0, 10, 12, 0, 0);
  it('formats ages', () => {
    assert.equal(formatAgo(now - 10_000, now), 'just now');
    assert.equal(formatAgo(now - 5 * 60_000, now), '5 min ago');
    assert.equal(formatAgo(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(formatAgo(now - 86400_000, now), '1 day ago');
    assert.equal(formatAgo(now - 400 * 86400_000, now), 'on 2023-12-07');
  });

  it('prefers our record of the run, then the outputs\' modification time', () => {
    const run = { at: now - 120_000, ms: 1500, ok: true, runner: 'builtin' as const };
    assert.equal(lastRanText(run, now - 121_000, now, ms), 'ran 2 min ago, 1500 ms');
    assert.equal(lastRanText(undefined, now - 3600_000, now, ms), 'outputs written 1 h ago');
    // Outputs rewritten later than our run (a checkout, another tool): the outputs' time is the honest one.
    assert.equal(lastRanText(run, now - 10_000, now, ms), 'outputs written just now');
    assert.equal(lastRanText(undefined, undefined, now, ms), undefined);
  });

  it('lists a stage\'s commands', () => {
    assert.deepEqual(commandLines('python a.py'), ['python a.py']);
    assert.deepEqual(commandLines(['a', 'b']), ['a', 'b']);
  });
});

describe('run failure text', () => {
  it('names the stage, the command and the exit code', () => {
    assert.equal(failureText({ stage: 'train', command: 'python3 fit.py', exitCode: 1, message: 'exit 1' }), "Stage 'train' failed: `python3 fit.py` exited with code 1.");
    assert.equal(failureText({ stage: 'train', exitCode: 137, message: 'killed' }), "Stage 'train' failed: exited with code 137.");
    assert.equal(failureText({ stage: 'train', message: 'Output models/ is outside the repository.' }), "Stage 'train' failed: Output models/ is outside the repository.");
    assert.equal(failureText({ stage: '', message: "Stage 'x' not found in the pipelines." }), "The pipeline run failed: Stage 'x' not found in the pipelines.");
  });
});
