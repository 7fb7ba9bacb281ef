import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../../../src/core/dvc/run/processTree';
import { shellArgv, stageCommands, stageEnv } from '../../../src/core/dvc/run/stageShell';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(file: string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (text) return Number(text);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} never appeared`);
}

describe('process tree', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-proc-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams stdout and stderr as text and reports the exit code', async () => {
    const chunks: string[] = [];
    const out = await runProcess(['/bin/sh', '-c', 'printf "h\\303\\251llo"; printf oops >&2; exit 3'], { cwd: dir, onOutput: (t, s) => chunks.push(`${s}:${t}`) });
    assert.equal(out.exitCode, 3);
    assert.equal(out.cancelled, false);
    assert.ok(chunks.includes('stdout:héllo'), chunks.join());
    assert.ok(chunks.includes('stderr:oops'), chunks.join());
  });

  it('cancel ends the shell, its child and the child\'s own child, even one that ignores SIGINT and SIGTERM', async function () {
    this.timeout(15000);
    const controller = new AbortController();
    const script = `sh -c 'trap "" INT TERM; sleep 60 & echo $! > grandchild.pid; wait' & echo $! > child.pid; wait`;
    const done = runProcess(['/bin/sh', '-c', script], { cwd: dir, signal: controller.signal, graceMs: { interrupt: 100, terminate: 200 } });
    const grandchild = await waitFor(path.join(dir, 'grandchild.pid'));
    const child = await waitFor(path.join(dir, 'child.pid'));
    assert.ok(alive(grandchild) && alive(child));
    controller.abort();
    const out = await done;
    assert.equal(out.cancelled, true);
    assert.equal(alive(child), false, 'child still runs');
    assert.equal(alive(grandchild), false, 'grandchild still runs');
  });

  it('a program that cannot start resolves with the reason, never a rejection', async () => {
    const out = await runProcess(['/no/such/program'], { cwd: dir });
    assert.match(out.spawnError!, /ENOENT/);
    const gone = await runProcess(['/bin/sh', '-c', 'true'], { cwd: path.join(dir, 'missing') });
    assert.match(gone.spawnError!, /ENOENT/);
  });

  it('DVC\'s shell: $SHELL with its no-rc flags, commands split as str.splitlines, DVC_ROOT kept if set', () => {
    assert.deepEqual(shellArgv('echo hi', { SHELL: '/usr/bin/bash' }, 'linux'), ['/usr/bin/bash', '--noprofile', '--norc', '-c', 'echo hi']);
    assert.deepEqual(shellArgv('echo hi', { SHELL: '/bin/zsh' }, 'linux'), ['/bin/zsh', '--no-rcs', '-c', 'echo hi']);
    assert.deepEqual(shellArgv('echo hi', {}, 'linux'), ['/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(stageCommands('a\nb\r\nc\n'), ['a', 'b', 'c']);
    assert.deepEqual(stageCommands('a\n\nb'), ['a', '', 'b']);
    assert.deepEqual(stageCommands(['x', 'y\nz']), ['x', 'y\nz']);
    assert.deepEqual(stageEnv({ DVC_ROOT: '/elsewhere' }, '/repo', 'train'), { DVC_ROOT: '/elsewhere', DVC_STAGE: 'train' });
    assert.deepEqual(stageEnv({}, '/repo', 'sub/dvc.yaml:train'), { DVC_ROOT: '/repo', DVC_STAGE: 'sub/dvc.yaml:train' });
  });
});
