import * as vscode from 'vscode';
import { dataHistory } from '../../core/dvc/data/dataHistory';
import { computeDataStatus } from '../../core/dvc/data/dataStatus';
import type { DataHistory, DataProblem, DataStatusInfo, TrackedData } from '../../core/dvc/data/dataTypes';
import { listTrackedData, type DataListing } from '../../core/dvc/data/listTrackedData';
import type { DvcHasher } from '../../core/dvc/hash/dvcHasher';

/**
 * What the Data view shows: the listing (cheap, painted first), then statuses (hashing), and histories on demand.
 * A refresh cancels the one still running; histories are read again after each refresh (a .dvc file changed).
 */
export class DataModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private listing: DataListing = { repos: [], items: [], problems: [] };
  private statuses = new Map<string, DataStatusInfo>();
  private readonly histories = new Map<string, Promise<DataHistory>>();
  private running?: AbortController;
  private loaded = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly roots: () => string[],
    /** Resolves once the hash cache is open (the first status check waits for it). */
    private readonly hasher: () => Promise<DvcHasher>,
    private readonly log: vscode.LogOutputChannel,
    private readonly afterStatus: () => Promise<void> = async () => undefined,
  ) {}

  get items(): readonly TrackedData[] {
    return this.listing.items;
  }

  get repos(): readonly string[] {
    return this.listing.repos.map((r) => r.root);
  }

  get problems(): readonly DataProblem[] {
    return this.listing.problems;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  statusOf(item: TrackedData): DataStatusInfo | undefined {
    return this.statuses.get(item.id);
  }

  cacheDirOf(item: TrackedData): string | undefined {
    return this.listing.repos.find((r) => r.root === item.repoRoot)?.cacheDir;
  }

  /** Lists and checks everything again; resolves when statuses are known (or the refresh was superseded). */
  refresh(): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.current = this.load(controller.signal).catch((e) => {
      if (!controller.signal.aborted) this.log.error(`Reading DVC data failed: ${(e as Error).message}`);
    });
    return this.current;
  }

  /** Resolves when no refresh is running (a refresh started meanwhile is waited for too). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const running = this.current;
      await running;
      if (running === this.current) return;
    }
  }

  private async load(signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    const listing = await listTrackedData(this.roots(), { signal });
    signal.throwIfAborted();
    // Keep statuses of items whose record did not change, so the view does not flicker while hashing.
    const kept = new Map<string, DataStatusInfo>();
    const before = new Map(this.listing.items.map((i) => [i.id, i.recorded?.md5]));
    for (const item of listing.items) {
      const s = this.statuses.get(item.id);
      if (s && before.get(item.id) === item.recorded?.md5) kept.set(item.id, s);
    }
    this.listing = listing;
    this.statuses = kept;
    this.histories.clear();
    this.loaded = true;
    for (const p of listing.problems) this.log.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    this.changed.fire();

    const hasher = await this.hasher();
    const statuses = await computeDataStatus(listing, hasher, signal);
    signal.throwIfAborted();
    this.statuses = statuses;
    const s = hasher.lastStats;
    this.log.info(`Data: ${listing.items.length} tracked path(s) in ${listing.repos.length} DVC repo(s), checked in ${Math.round(performance.now() - t0)} ms (${s.hashed} file(s) hashed, ${s.cached} from the hash cache).`);
    this.changed.fire();
    await this.afterStatus();
  }

  history(item: TrackedData): Promise<DataHistory> {
    let h = this.histories.get(item.id);
    if (!h) {
      h = dataHistory(item);
      this.histories.set(item.id, h);
      // A failure (git missing...) is shown once; the next expand tries again.
      h.catch(() => this.histories.delete(item.id));
    }
    return h;
  }

  dispose(): void {
    this.running?.abort();
    this.changed.dispose();
  }
}
