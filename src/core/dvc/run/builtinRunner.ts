// The built-in runner: `dvc repro` without DVC. Stages are visited in DVC's order; each is re-checked just before
// its turn (a stage upstream may have changed its inputs), skipped when up to date, and otherwise run as DVC runs
// it: outputs cleared (outputRemoval.ts), each command through the user's shell in the stage's wdir, and on
// success everything recorded (stageRecord.ts). The first failure or a cancel stops the run; the stage that
// failed or was cancelled gets no dvc.lock entry, and stages before it keep theirs.
import path from 'node:path';
import { DvcHasher } from '../hash/dvcHasher';
import { DvcIgnore } from '../hash/dvcIgnore';
import { stageAddress } from '../pipeline/dag';
import { loadDvcLock } from '../pipeline/lockFile';
import { lookupParam, readParamsFile } from '../pipeline/paramsFile';
import type { DvcLock, PipelineStage } from '../pipeline/types';
import { computeStatus } from '../status/computeStatus';
import type { StageStatus } from '../status/statusTypes';
import { readDvcRepoConfig, type DvcRepoConfig } from './dvcRepoConfig';
import { gitWorkTree, isTrackedByGit, trackedOutputMessage, type GitRunner, runGit } from './gitIgnore';
import { prepareOutputs } from './outputRemoval';
import { planPipelineRun, planStage } from './planRun';
import { runProcess } from './processTree';
import { PipelineRunError, type RunPipelineOptions, type RunResult, type StageOutcome } from './runTypes';
import { mergedParams, recordStage } from './stageRecord';
import { shellArgv, stageCommands, stageEnv } from './stageShell';

export interface BuiltinRunOptions extends RunPipelineOptions {
  git?: GitRunner;
}

/** Runs the pipeline with the built-in runner. Throws PipelineRunError only before anything ran (bad dvc.yaml...). */
export async function runBuiltin(opts: BuiltinRunOptions): Promise<RunResult> {
  const started = performance.now();
  const hasher = opts.hasher ?? new DvcHasher();
  const info = (line: string) => opts.onOutput?.(line + '\n', 'info');
  try {
    const plan = await planPipelineRun({ repoRoot: opts.repoRoot, targets: opts.targets, downstream: opts.downstream, force: opts.force, hasher, signal: opts.signal });
    const repoRoot = plan.repo.repoRoot;
    opts.onEvent?.({ kind: 'plan', stages: plan.planned });
    const config = readDvcRepoConfig(repoRoot);
    const git = opts.git ?? runGit;
    const workTree = config.noScm ? undefined : await gitWorkTree(repoRoot, git);
    const ignore = new DvcIgnore(repoRoot);
    const env = opts.env ?? process.env;
    const outcomes: StageOutcome[] = plan.order.map((s) => ({ address: stageAddress(s), outcome: 'not-run' }));
    const result = (extra: Partial<RunResult>): RunResult => ({ ok: false, runner: 'builtin', cancelled: false, stages: outcomes, durationMs: performance.now() - started, ...extra });
    let ranAny = false;

    for (let i = 0; i < plan.order.length; i++) {
      const stage = plan.order[i];
      const address = stageAddress(stage);
      if (opts.signal?.aborted) return result({ cancelled: true, message: 'Cancelled.' });
      const stageStarted = performance.now();
      const elapsed = () => performance.now() - stageStarted;
      const fail = (message: string, exitCode?: number): RunResult => {
        outcomes[i] = { address, outcome: 'failed', durationMs: elapsed(), exitCode, message };
        opts.onEvent?.({ kind: 'stage-failed', address, durationMs: elapsed(), message, exitCode });
        info(`ERROR: failed to reproduce '${address}': ${message}`);
        return result({ failedStage: address, exitCode, message });
      };
      const cancelled = (): RunResult => {
        outcomes[i] = { address, outcome: 'cancelled', durationMs: elapsed() };
        opts.onEvent?.({ kind: 'stage-cancelled', address, durationMs: elapsed() });
        info(`Stage '${address}' was cancelled; dvc.lock was not updated for it.`);
        return result({ cancelled: true, failedStage: address, message: `Cancelled while running '${address}'.` });
      };

      let status: StageStatus;
      try {
        status = await stageStatusNow(repoRoot, stage, hasher, ignore, opts.signal);
      } catch (error) {
        if (opts.signal?.aborted) return cancelled();
        return fail((error as Error).message);
      }
      const decision = planStage(stage, status, !!opts.force);
      if (decision.action === 'skip' || decision.action === 'frozen') {
        const message = decision.action === 'frozen' ? `Stage '${address}' is frozen, skipping` : `Stage '${address}' didn't change, skipping`;
        outcomes[i] = { address, outcome: 'skipped', durationMs: elapsed(), message };
        opts.onEvent?.({ kind: 'stage-skipped', address, message });
        info(message);
        continue;
      }
      ranAny = true;
      opts.onEvent?.({ kind: 'stage-started', address, dvcfile: stage.dvcfile, why: decision.why });
      const record = {
        repoRoot,
        config,
        hasher,
        ignore,
        gitWorkTree: workTree,
        git,
        signal: opts.signal,
        info,
      };
      try {
        await checkGitTracking(stage, address, config, workTree, git);
        if (decision.action === 'verify') {
          info(`Verifying outputs in frozen stage: '${address}'`);
          await recordStage(record, stage, address, status);
          outcomes[i] = { address, outcome: 'verified', durationMs: elapsed() };
          opts.onEvent?.({ kind: 'stage-finished', address, durationMs: elapsed(), outcome: 'verified' });
          continue;
        }
        await checkInputs(stage, status);
        info(`Running stage '${address}':`);
        await prepareOutputs({ repoRoot, config, hasher, ignore, signal: opts.signal, info }, stage, address, status.outs);
        const commands = stageCommands(stage.cmd);
        for (let c = 0; c < commands.length; c++) {
          const command = commands[c];
          info(`> ${command}`);
          opts.onEvent?.({ kind: 'command-started', address, command, index: c, count: commands.length });
          const outcome = await runProcess(shellArgv(command, env), {
            cwd: stage.wdir,
            env: stageEnv(env, repoRoot, address),
            signal: opts.signal,
            onOutput: (text, stream) => opts.onOutput?.(text, stream),
            windowsVerbatimArguments: process.platform === 'win32',
          });
          if (outcome.cancelled) return cancelled();
          if (outcome.spawnError) return fail(`failed to run: ${command}: ${outcome.spawnError}${outcome.spawnError.includes('ENOENT') ? ` (is the working folder ${stage.wdir} there, and is ${shellArgv(command, env)[0]} installed?)` : ''}`);
          if (outcome.exitCode !== 0) {
            const how = outcome.exitCode !== undefined ? `exited with ${outcome.exitCode}` : `was killed by ${outcome.signal}`;
            return fail(`failed to run: ${command}, ${how}`, outcome.exitCode);
          }
        }
        await recordStage(record, stage, address, status);
      } catch (error) {
        if (opts.signal?.aborted) return cancelled();
        if (error instanceof PipelineRunError) return fail(error.message);
        return fail((error as Error).message);
      }
      outcomes[i] = { address, outcome: 'ran', durationMs: elapsed() };
      opts.onEvent?.({ kind: 'stage-finished', address, durationMs: elapsed(), outcome: 'ran' });
    }
    if (!ranAny) info('Data and pipelines are up to date.');
    return result({ ok: true, exitCode: 0 });
  } finally {
    if (!opts.hasher) await hasher.close();
  }
}

/** `dvc status` of one stage as things are now (its dvc.lock read afresh: earlier stages may have written it). */
async function stageStatusNow(repoRoot: string, stage: PipelineStage, hasher: DvcHasher, ignore: DvcIgnore, signal?: AbortSignal): Promise<StageStatus> {
  const parsed = await loadDvcLock(stage.dvcfile.replace(/\.yaml$/, '.lock'));
  const error = parsed?.problems.find((p) => p.severity === 'error');
  if (error) throw new PipelineRunError(`${path.relative(repoRoot, error.file)}:${error.line ?? 1}: ${error.message}`, [{ file: error.file, line: error.line }]);
  const locks: DvcLock[] = parsed?.lock ? [parsed.lock] : [];
  const result = await computeStatus({ repoRoot, stages: [stage], locks, hasher, ignore, signal });
  return result.stages[0];
}

/** What `dvc repro` would stop at before running the command: a missing dependency, params file or key. */
async function checkInputs(stage: PipelineStage, status: StageStatus): Promise<void> {
  for (const d of status.deps) {
    if (d.state === 'deleted') throw new PipelineRunError(`dependency '${d.display}' does not exist (and no stage before it writes it).`);
    if (d.state === 'error') throw new PipelineRunError(d.error ?? `dependency '${d.display}' cannot be read.`);
  }
  for (const { file, keys } of mergedParams(stage)) {
    const abs = path.resolve(stage.wdir, file);
    const read = await readParamsFile(abs);
    if (!read.exists) throw new PipelineRunError(`params file '${file}' does not exist.`, [{ file: stage.dvcfile }]);
    const error = read.problems.find((p) => p.severity === 'error');
    if (error || read.value === undefined) throw new PipelineRunError(`unable to read parameters from '${file}': ${error?.message ?? 'no value'}`, [{ file: abs, line: error?.line }]);
    const missing = keys.filter((k) => !lookupParam(read, k).found);
    if (missing.length) throw new PipelineRunError(`parameters '${missing.join(', ')}' are missing from '${file}'.`, [{ file: abs }]);
  }
}

/** DVC refuses to cache an output Git tracks; say so before the command runs rather than after. */
async function checkGitTracking(stage: PipelineStage, address: string, config: DvcRepoConfig, workTree: string | undefined, git: GitRunner): Promise<void> {
  if (!workTree || config.noScm) return;
  for (const out of stage.outs) {
    if (!out.cache || out.repoPath === undefined) continue;
    const abs = path.resolve(stage.wdir, out.path);
    if (await isTrackedByGit(workTree, abs, git)) {
      throw new PipelineRunError(trackedOutputMessage(out.path, address), [{ file: stage.dvcfile, line: out.pos?.line, column: out.pos?.column }]);
    }
  }
}
