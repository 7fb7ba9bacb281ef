import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DvcliveReader } from '../../../src/core/dvclive/dvcliveReader';
import { findDvcRoot, liveDvcliveSignals } from '../../../src/core/dvclive/dvcliveSignals';
import { dvcliveStoreRef } from '../../../src/core/dvclive/dvcliveStore';
import { copyDvcliveFixture, touchAt } from './helpers';

/** The pid of a process this test started and that has exited: certainly not alive. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

/** Gives every file of a folder tree (and the folders) the time `ms`. */
async function ageTree(dir: string, ms: number): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await ageTree(p, ms);
    await touchAt(p, ms);
  }
  await touchAt(dir, ms);
}

describe("dvclive's run-in-progress marks", () => {
  let repo: string;
  let dir: string;
  let runDir: string;
  const HOUR = 3_600_000;
  const t0 = Date.now() - 10 * HOUR;
  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'mlops-dvcrepo-'));
    await mkdir(path.join(repo, '.dvc', 'tmp', 'exps', 'run'), { recursive: true });
    await mkdir(path.join(repo, 'src'));
    ({ dir } = await copyDvcliveFixture('basic/dvclive', path.join(repo, 'src')));
    runDir = path.join(repo, '.dvc', 'tmp', 'exps', 'run');
    // The run's files were last written 10 hours ago: by the 60 s rule alone it is FINISHED.
    await ageTree(dir, t0);
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });
  const status = async () => (await new DvcliveReader(dvcliveStoreRef(dir)).readAll()).runs[0].status;

  it('finds the DVC root above a dvclive folder', async () => {
    assert.equal(await findDvcRoot(dir), repo);
    assert.equal(await findDvcRoot(tmpdir()), null);
  });

  it('takes DVCLIVE_ONLY of a live process, written before the run last wrote, as RUNNING', async () => {
    assert.equal(await status(), 'FINISHED');
    const mark = path.join(runDir, 'DVCLIVE_ONLY');
    await writeFile(mark, JSON.stringify({ exp_name: 'tidy-pots', pid: process.pid }));
    await touchAt(mark, t0 - 1000);
    assert.equal(await status(), 'RUNNING');
    assert.equal((await new DvcliveReader(dvcliveStoreRef(dir)).readAll()).runs[0].endTime, null);
  });

  it('ignores DVCLIVE_ONLY written after the run last wrote (another, newer run)', async () => {
    const mark = path.join(runDir, 'DVCLIVE_ONLY');
    await writeFile(mark, JSON.stringify({ exp_name: 'other', pid: process.pid }));
    await touchAt(mark, t0 + HOUR);
    assert.equal(await status(), 'FINISHED');
  });

  it('ignores a mark whose process is gone (a killed run leaves it behind)', async () => {
    const mark = path.join(runDir, 'DVCLIVE_ONLY');
    await writeFile(mark, JSON.stringify({ exp_name: 'x', pid: await deadPid() }));
    await touchAt(mark, t0 - 1000);
    assert.deepEqual(liveDvcliveSignals(repo), []);
    assert.equal(await status(), 'FINISHED');
  });

  it('takes DVCLIVE_STEP_COMPLETED of a live process at the step metrics.json holds as RUNNING', async () => {
    const mark = path.join(runDir, 'DVCLIVE_STEP_COMPLETED');
    await writeFile(mark, JSON.stringify({ pid: process.pid, step: 3 }));
    await touchAt(mark, t0 + 100);
    assert.equal(await status(), 'FINISHED', 'metrics.json is at step 4');
    await writeFile(mark, JSON.stringify({ pid: process.pid, step: 4 }));
    await touchAt(mark, t0 + 100);
    assert.equal(await status(), 'RUNNING');
  });

  it('ignores half-written or foreign marks', async () => {
    await writeFile(path.join(runDir, 'DVCLIVE_ONLY'), '{"pid": ');
    await writeFile(path.join(runDir, 'DVCLIVE_STEP_COMPLETED'), JSON.stringify({ pid: 0, step: 4 }));
    assert.deepEqual(liveDvcliveSignals(repo), []);
  });
});
