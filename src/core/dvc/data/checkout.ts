import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheObjectPath, readCachedManifest } from '../hash/dvcCache';
import type { DataStatusInfo, DataVersion, RecordedHash, TrackedData } from './dataTypes';
import { shortCommit } from './dataFormat';
import type { DvcExecutable } from './dvcCli';
import { gitTopLevel, hasUncommittedChanges, readBlobs } from './git';

// Restoring an older version the way DVC users do it: `git checkout <commit> -- data.dvc && dvc checkout data.dvc`
// (for a pipeline output, dvc.lock and the output's path). Nothing of the user's may be lost, so a checkout is
// refused while the .dvc file / dvc.lock or the data itself has changes that are not committed, and while the
// version asked for is not in the local cache (dvc checkout would fail half-way, after git changed the file).

/** Why a checkout will not be done, in a sentence that says what to do instead. */
export class CheckoutRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckoutRefused';
  }
}

export interface CheckoutStep {
  command: string;
  args: string[];
  cwd: string;
  /** The command as a person would type it. */
  display: string;
}

export interface CheckoutPlan {
  steps: CheckoutStep[];
  /** What will happen, for the confirmation. */
  summary: string;
  /** How to go back afterwards. */
  undo: string;
}

export interface PlanCheckoutOptions {
  status: DataStatusInfo | undefined;
  /** The item's history: a record file that differs from HEAD but equals one of these commits' is safe to replace. */
  history: readonly DataVersion[];
  dvc: DvcExecutable;
  cacheDir: string;
  signal?: AbortSignal;
}

export async function planCheckout(item: TrackedData, version: DataVersion, opts: PlanCheckoutOptions): Promise<CheckoutPlan> {
  const src = item.source;
  const recordFile = src.kind === 'dvc-file' ? src.file : src.lockFile;
  if (!version.commit) throw new CheckoutRefused(`This is the uncommitted version already on disk. To restore its data, run \`dvc checkout ${checkoutTarget(item)}\`.`);
  if (!version.recorded) throw new CheckoutRefused(`${version.recordPath} at ${shortCommit(version.commit)} does not record ${item.relPath}, so there is nothing to check out.`);

  const top = await gitTopLevel(path.dirname(recordFile), opts.signal);
  const relRecord = path.relative(top, recordFile).split(path.sep).join('/');
  if (version.recordPath !== relRecord) {
    throw new CheckoutRefused(`At ${shortCommit(version.commit)} the record was ${version.recordPath} (now ${relRecord}); checking it out would create a second .dvc file for the same data. Run \`git show ${shortCommit(version.commit)}:${version.recordPath}\` to see it, and copy its hash by hand if you need that version.`);
  }
  if (await hasUncommittedChanges(top, relRecord, opts.signal) && !(await isAnEarlierCheckout(top, recordFile, relRecord, opts.history, opts.signal))) {
    throw new CheckoutRefused(`${relRecord} has changes that are not committed; checking out another version would overwrite them. Commit them (or \`git stash\`) first.`);
  }
  refuseUnsavedData(item, opts.status);
  if (!isWholeInCache(opts.cacheDir, version.recorded)) {
    throw new CheckoutRefused(`The version of ${item.relPath} at ${shortCommit(version.commit)} is not in the local cache, so \`dvc checkout\` could not restore it. Fetch it first: \`dvc fetch --all-commits ${checkoutTarget(item)}\` (needs a DVC remote).`);
  }

  const target = checkoutTarget(item);
  const dvcCwd = item.repoRoot;
  const gitStep: CheckoutStep = { command: 'git', args: ['checkout', version.commit, '--', relRecord], cwd: top, display: `git checkout ${shortCommit(version.commit)} -- ${relRecord}` };
  const dvcStep: CheckoutStep = { command: opts.dvc.command, args: ['checkout', target], cwd: dvcCwd, display: `dvc checkout ${target}` };
  const alsoLock = src.kind === 'pipeline'
    ? ` dvc.lock is restored whole, so the other outputs of the pipeline will show as modified until you run \`dvc checkout\` or go back.`
    : '';
  return {
    steps: [gitStep, dvcStep],
    summary: `Restore ${item.relPath} to ${shortCommit(version.commit)} (${version.date?.slice(0, 10) ?? ''}): ${gitStep.display} && ${dvcStep.display}.${alsoLock}`,
    undo: `git checkout HEAD -- ${relRecord} && dvc checkout ${target}`,
  };
}

/**
 * A record file that differs from HEAD only because an older version was checked out (its bytes, on disk and
 * staged, are those of a commit in its history) loses nothing when replaced: that version is in git.
 */
async function isAnEarlierCheckout(top: string, recordFile: string, relRecord: string, history: readonly DataVersion[], signal?: AbortSignal): Promise<boolean> {
  let onDisk: Buffer;
  try {
    onDisk = await fs.promises.readFile(recordFile);
  } catch {
    return false;
  }
  const commits = history.filter((v) => v.commit && v.recordPath === relRecord).map((v) => `${v.commit}:${relRecord}`);
  const blobs = await readBlobs(top, [`:${relRecord}`, ...commits], signal);
  const staged = blobs.get(`:${relRecord}`);
  return staged !== undefined && staged.equals(onDisk) && commits.some((spec) => blobs.get(spec)?.equals(onDisk));
}

/** The data in the workspace must be what is recorded (or absent), else `dvc checkout` would replace unsaved work. */
function refuseUnsavedData(item: TrackedData, status: DataStatusInfo | undefined): void {
  const exists = fs.existsSync(item.path);
  switch (status?.status) {
    case 'up-to-date':
    case 'missing':
      return;
    case 'modified':
    case 'new':
      throw new CheckoutRefused(`${item.relPath} has changes that DVC has not recorded; checking out another version would lose them. Record them first (${item.source.kind === 'dvc-file' ? `\`dvc add ${item.relPath}\`` : `\`dvc commit ${item.source.stage}\``}) and commit, or restore the recorded version with \`dvc checkout\`.`);
    case 'not-in-cache':
      if (!exists) return;
      throw new CheckoutRefused(`The current version of ${item.relPath} is not in the DVC cache, so the workspace copy is the only one; checking out another version would lose it. Run \`dvc commit ${checkoutTarget(item)}\` (or \`dvc pull\`) first.`);
    default:
      throw new CheckoutRefused(`The status of ${item.relPath} is not known yet${status ? ` (${status.reason})` : ''}; refresh the Data view and try again.`);
  }
}

/** Whether every object of a recorded version is in the cache (a folder: its manifest and each file). */
export function isWholeInCache(cacheDir: string, recorded: RecordedHash): boolean {
  const has = (md5: string) => fs.statSync(cacheObjectPath(cacheDir, md5, recorded.hashName), { throwIfNoEntry: false })?.isFile() === true;
  if (!recorded.isDir) return has(recorded.md5);
  const manifest = readCachedManifest(cacheDir, recorded.md5, recorded.hashName);
  return manifest !== undefined && manifest.every((e) => has(e.md5));
}

/** What `dvc checkout` takes: the .dvc file, or a pipeline output's path (relative to the repository root). */
export function checkoutTarget(item: TrackedData): string {
  return item.source.kind === 'dvc-file' ? path.relative(item.repoRoot, item.source.file).split(path.sep).join('/') : item.relPath;
}

export interface StepOutput {
  step: CheckoutStep;
  stdout: string;
  stderr: string;
}

/**
 * Runs the plan's steps in order (no shell), stopping at the first failure. A failure after git restored the
 * file says how to go back.
 */
export async function runCheckout(plan: CheckoutPlan, opts: { signal?: AbortSignal; onStep?: (output: StepOutput) => void } = {}): Promise<void> {
  for (const [i, step] of plan.steps.entries()) {
    const result = await runStep(step, opts.signal);
    opts.onStep?.({ step, stdout: result.stdout, stderr: result.stderr });
    if (result.error) {
      const after = i > 0 ? ` ${plan.steps.slice(0, i).map((s) => s.display).join(' && ')} already ran; to go back: ${plan.undo}.` : '';
      throw new Error(`${step.display} failed: ${result.error}.${after}`);
    }
  }
}

function runStep(step: CheckoutStep, signal?: AbortSignal): Promise<{ stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(step.command, step.args, { cwd: step.cwd, signal, maxBuffer: 64 * 1024 * 1024, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
      const out = String(stdout);
      const errText = String(stderr);
      if (!err) return resolve({ stdout: out, stderr: errText });
      if (err.name === 'AbortError') return resolve({ stdout: out, stderr: errText, error: 'cancelled' });
      if (err.code === 'ENOENT') return resolve({ stdout: out, stderr: errText, error: `${step.command} was not found` });
      resolve({ stdout: out, stderr: errText, error: (errText.trim().split(/\r?\n/).slice(-3).join(' ') || err.message).trim() });
    });
  });
}
