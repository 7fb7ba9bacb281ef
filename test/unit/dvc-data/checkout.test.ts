import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CheckoutRefused, planCheckout, runCheckout, type CheckoutPlan } from '../../../src/core/dvc/data/checkout';
import { dataHistory } from '../../../src/core/dvc/data/dataHistory';
import { computeDataStatus } from '../../../src/core/dvc/data/dataStatus';
import type { DataStatusInfo, TrackedData } from '../../../src/core/dvc/data/dataTypes';
import { listTrackedData } from '../../../src/core/dvc/data/listTrackedData';
import { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { git, removeCacheObject, unpackFixtureRepo } from './fixtureRepo';

// Planning a checkout: what runs, and every case where it is refused so that nothing of the user's is lost.
// (Running it with real DVC is in test/interop/dvcData.interop.mjs.)

const dvc = { command: 'dvc', version: '3.67.1' };

describe('Data checkout planning', function () {
  this.timeout(60_000);
  let root: string;
  let cleanup: () => void;
  let hasher: DvcHasher;

  beforeEach(() => {
    ({ root, cleanup } = unpackFixtureRepo());
    hasher = new DvcHasher();
  });
  afterEach(async () => {
    await hasher.close();
    cleanup();
  });

  async function load(rel: string): Promise<{ item: TrackedData; status: DataStatusInfo | undefined; cacheDir: string }> {
    const listing = await listTrackedData([root]);
    const item = listing.items.find((i) => i.relPath === rel)!;
    const status = (await computeDataStatus(listing, hasher)).get(item.id);
    return { item, status, cacheDir: listing.repos[0].cacheDir };
  }

  async function plan(rel: string, index: number): Promise<CheckoutPlan> {
    const { item, status, cacheDir } = await load(rel);
    const history = (await dataHistory(item)).versions;
    return planCheckout(item, history[index], { status, dvc, cacheDir, history });
  }

  it('restores the .dvc file from the commit, then runs dvc checkout on it', async () => {
    const p = await plan('data/images', 1);
    assert.deepEqual(p.steps.map((s) => s.display).map((d) => d.replace(/[0-9a-f]{7}/, 'REV')), ['git checkout REV -- data/images.dvc', 'dvc checkout data/images.dvc']);
    assert.deepEqual(p.steps[1].args, ['checkout', 'data/images.dvc']);
    assert.equal(p.steps[1].cwd, root);
    assert.match(p.undo, /git checkout HEAD -- data\/images\.dvc && dvc checkout data\/images\.dvc/);
  });

  it('for a pipeline output, restores dvc.lock and checks out the output path (and says the lock is restored whole)', async () => {
    const p = await plan('out/features.csv', 1);
    assert.deepEqual(p.steps.map((s) => s.args), [['checkout', p.steps[0].args[1], '--', 'dvc.lock'], ['checkout', 'out/features.csv']]);
    assert.match(p.summary, /dvc\.lock is restored whole/);
  });

  it('refuses while the data has changes DVC has not recorded', async () => {
    fs.writeFileSync(path.join(root, 'data', 'images', 'a.txt'), 'unsaved work\n');
    await assert.rejects(plan('data/images', 1), (e: unknown) => e instanceof CheckoutRefused && /would lose them.*dvc add data\/images/.test(e.message));
  });

  it('refuses while the .dvc file has uncommitted changes', async () => {
    fs.appendFileSync(path.join(root, 'data', 'images.dvc'), '# a note\n');
    await assert.rejects(plan('data/images', 1), (e: unknown) => e instanceof CheckoutRefused && /not committed.*git stash/.test(e.message));
  });

  it('allows going back to HEAD after an earlier version was checked out (that .dvc content is in git)', async () => {
    const older = await plan('data/images', 1);
    git(root, ...older.steps[0].args);
    // The data still is the newer version: as DVC would, restore the older data too (copy from the cache by hand).
    fs.rmSync(path.join(root, 'data', 'images'), { recursive: true });
    const { item } = await load('data/images');
    const history = await dataHistory(item);
    assert.equal(history.current, 1, 'the older version is the current one');
    const back = await plan('data/images', 0);
    assert.equal(back.steps.length, 2, 'the .dvc file differs from HEAD, but only by a committed version');
    assert.match(back.steps[0].display, /^git checkout [0-9a-f]{7} -- data\/images\.dvc$/);
  });

  it('refuses when the version is not in the local cache, and says how to fetch it', async () => {
    const { item } = await load('data/images');
    const v1 = (await dataHistory(item)).versions[1];
    removeCacheObject(root, '54b8617eca0e54c7d3c8e6732c6b687a'); // a.txt of version 1
    assert.equal(v1.recorded?.md5, '000482f511151813a216bc006d45404b.dir');
    await assert.rejects(plan('data/images', 1), (e: unknown) => e instanceof CheckoutRefused && /not in the local cache.*dvc fetch --all-commits data\/images\.dvc/.test(e.message));
  });

  it('refuses the version recorded under an older name of the .dvc file', async () => {
    await assert.rejects(plan('data/imported.txt', 1), (e: unknown) => e instanceof CheckoutRefused && /second \.dvc file/.test(e.message));
  });

  it('refuses when the status is unknown, instead of guessing', async () => {
    const { item, cacheDir } = await load('data/images');
    const history = (await dataHistory(item)).versions;
    await assert.rejects(planCheckout(item, history[1], { status: undefined, dvc, cacheDir, history }), CheckoutRefused);
  });

  it('stops at the first failing step and says how to go back', async () => {
    const p: CheckoutPlan = {
      steps: [
        { command: 'git', args: ['status', '--short'], cwd: root, display: 'git status --short' },
        { command: 'git', args: ['no-such-command'], cwd: root, display: 'git no-such-command' },
        { command: 'git', args: ['status'], cwd: root, display: 'never runs' },
      ],
      summary: '',
      undo: 'git checkout HEAD -- data/images.dvc',
    };
    const ran: string[] = [];
    await assert.rejects(runCheckout(p, { onStep: (o) => ran.push(o.step.display) }), /git no-such-command failed: .*git status --short already ran; to go back: git checkout HEAD -- data\/images\.dvc/);
    assert.deepEqual(ran, ['git status --short', 'git no-such-command']);
  });
});
