import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectTensorboardStore, tensorboardStoreRef } from '../../../src/core/tensorboard/detectTensorboardStore';

const EVENTS = 'events.out.tfevents.1764144000.host.123.0';

describe('detectTensorboardStore', () => {
  let project: string;

  /** Creates files (paths relative to the project); a trailing / makes a folder. */
  async function layout(...entries: string[]): Promise<void> {
    for (const e of entries) {
      const full = path.join(project, e);
      if (e.endsWith('/')) await mkdir(full, { recursive: true });
      else {
        await mkdir(path.dirname(full), { recursive: true });
        await writeFile(full, '');
      }
    }
  }
  const detect = async (rel: string) => detectTensorboardStore(path.join(project, rel), new Set(await readdir(path.join(project, rel))));

  beforeEach(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'mlops-tb-detect-'));
    await layout('.git/', 'train.py', 'requirements.txt');
  });
  afterEach(() => rm(project, { recursive: true, force: true }));

  it('is undefined for a folder without event files', async () => {
    await layout('runs/Nov26_08-00-00_host/notes.txt', 'runs/events.out.tfevents.txt.bak/');
    assert.equal(await detect('runs/Nov26_08-00-00_host'), undefined);
    assert.equal(await detectTensorboardStore(project, new Set(['events.txt', 'tfevents'])), undefined);
  });

  it('torch SummaryWriter: runs/<run>/ -> runs/', async () => {
    await layout(`runs/Nov26_08-00-00_host/${EVENTS}`, `runs/Nov26_09-00-00_host/${EVENTS}`);
    assert.equal(await detect('runs/Nov26_08-00-00_host'), path.join(project, 'runs'));
  });

  it('Lightning TensorBoardLogger: lightning_logs/version_0/ -> lightning_logs/', async () => {
    await layout(`lightning_logs/version_0/${EVENTS}`, 'lightning_logs/version_0/hparams.yaml');
    assert.equal(await detect('lightning_logs/version_0'), path.join(project, 'lightning_logs'));
  });

  it('Keras TensorBoard callback: logs/fit/<time>/train/ -> logs/fit/ (every fit in one store)', async () => {
    await layout(`logs/fit/20260101-120000/train/${EVENTS}`, `logs/fit/20260101-120000/validation/${EVENTS}`);
    assert.equal(await detect('logs/fit/20260101-120000/train'), path.join(project, 'logs', 'fit'));
    assert.equal(await detect('logs/fit/20260101-120000/validation'), path.join(project, 'logs', 'fit'));
  });

  it('Keras with log_dir="logs": logs/train/ -> logs/ (the project folder is passed over)', async () => {
    await layout(`logs/train/${EVENTS}`, `logs/validation/${EVENTS}`);
    assert.equal(await detect('logs/train'), path.join(project, 'logs'));
  });

  it('event files straight in a folder of the project: that folder is its own store', async () => {
    await layout(`tb/${EVENTS}`, 'notebook.ipynb');
    assert.equal(await detect('tb'), path.join(project, 'tb'));
  });

  it('a log folder whose parent holds no project files takes the parent', async () => {
    await layout(`experiments/exp1/${EVENTS}`, 'experiments/exp2/');
    assert.equal(await detect('experiments/exp1'), path.join(project, 'experiments'));
  });

  it('builds the store ref with the tensorboard:// uri', () => {
    assert.deepEqual(tensorboardStoreRef('/home/u/proj/runs'), { kind: 'tensorboard', path: '/home/u/proj/runs', uri: 'tensorboard:///home/u/proj/runs' });
  });
});
