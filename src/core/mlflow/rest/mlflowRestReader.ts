import { StoreError, type Experiment, type MetricPoint, type Run, type RunStoreReader, type StoreProblem, type StoreRef, type StoreSnapshot } from '../../runs/types';
import { mapBounded } from '../fileStore/mapBounded';
import { MlflowRestClient, type MlflowRestClientOptions } from './restClient';
import { MlflowRestError } from './restErrors';
import {
  experimentFromRest, metricPointFromRest, runFromRest, statusProblems,
  type GetRunResponse, type MetricHistoryResponse, type SearchExperimentsResponse, type SearchRunsResponse,
} from './restJson';

export interface MlflowRestReaderOptions extends MlflowRestClientOptions {
  /** runs/search page size; MLflow's server allows up to 50,000. Default 1,000 (MLflow's own default). */
  runsPageSize?: number;
  /** metrics/get-history page size. Default 25,000, as MLflow's client asks. */
  historyPageSize?: number;
  /** Requests in flight at once (runs/get of several runs, searches over many experiments). Default 4. */
  concurrency?: number;
}

// MLflow's ViewType.ALL: active and deleted experiments and runs (the CLI's --all and the tree's toggle filter later).
const VIEW_ALL = 'ALL';
const EXPERIMENTS_PAGE_SIZE = 1000;
/** Experiment ids per runs/search: one request for most servers, and a bounded SQL `IN (...)` for big ones. */
const EXPERIMENTS_PER_SEARCH = 200;
/** A server answering with page tokens forever (a bug) must not keep a read going: 50,000 pages is 50 million runs. */
const MAX_PAGES = 50_000;

/**
 * Reads a remote MLflow tracking server over its REST API (`ref.uri` = `ref.path` = the server's URL).
 * Read-only: only search and get endpoints are called. Each call asks the server afresh: the catalog decides how
 * often (readRuns re-reads the running runs cheaply in between whole listings).
 */
export class MlflowRestReader implements RunStoreReader {
  private readonly client: MlflowRestClient;
  private readonly closed = new AbortController();

  constructor(readonly ref: StoreRef, private readonly opts: MlflowRestReaderOptions = {}) {
    try {
      this.client = new MlflowRestClient(ref.uri, opts);
    } catch (e) {
      throw new StoreError(`The tracking URI ${JSON.stringify(ref.uri)} is not a valid URL (${e instanceof Error ? e.message : String(e)}). Use http://host:5000 or https://host/path.`, ref.uri);
    }
  }

  /** Every experiment and every run (deleted ones too), with params, tags and latest metrics. */
  async readAll(signal?: AbortSignal): Promise<StoreSnapshot> {
    const s = this.signal(signal);
    const experiments = await this.searchExperiments(s);
    const ids = experiments.map((e) => e.experimentId);
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += EXPERIMENTS_PER_SEARCH) chunks.push(ids.slice(i, i + EXPERIMENTS_PER_SEARCH));
    const badStatuses = new Map<string, number>();
    const problems: StoreProblem[] = [];
    const pages = await mapBounded(chunks, this.concurrency, (chunk) => this.searchRuns(chunk, badStatuses, problems, s), s);
    // Offset-based page tokens can repeat a run when runs are created during the read: keep the first.
    const byId = new Map<string, Run>();
    for (const runs of pages) for (const run of runs) if (!byId.has(run.runId)) byId.set(run.runId, run);
    const runs = [...byId.values()].sort(newestFirst);
    return { store: this.ref, experiments, runs, problems: [...problems, ...statusProblems(badStatuses, this.client.server)] };
  }

  /**
   * The current state of these runs (runs/get each, a few at a time): cheap polling of running runs between
   * whole listings. Runs the server no longer has are left out; any other failure rejects.
   */
  async readRuns(runIds: readonly string[], signal?: AbortSignal): Promise<Run[]> {
    const s = this.signal(signal);
    const badStatuses = new Map<string, number>();
    const runs = await mapBounded(runIds, this.concurrency, async (runId) => {
      try {
        const res = await this.client.get<GetRunResponse>('runs/get', { run_id: runId }, s);
        return res.run ? runFromRest(res.run, this.ref, badStatuses) : undefined;
      } catch (e) {
        if (e instanceof MlflowRestError && e.kind === 'not-found') return undefined;
        throw e;
      }
    }, s);
    return runs.filter((r): r is Run => r !== undefined);
  }

  /** Every logged point of one metric, in the server's order (MLflow's: timestamp, step, value). */
  async metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const s = this.signal(signal);
    const points: MetricPoint[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.get<MetricHistoryResponse>(
        'metrics/get-history',
        { run_id: runId, metric_key: key, max_results: this.opts.historyPageSize ?? 25_000, page_token: pageToken },
        s,
      );
      for (const m of Array.isArray(res.metrics) ? res.metrics : []) points.push(metricPointFromRest(m));
      pageToken = nextToken(res.next_page_token, pageToken);
      if (!pageToken) return points;
    }
    throw this.endlessPaging('metrics/get-history');
  }

  /** Stops every request in flight; later calls reject. */
  async close(): Promise<void> {
    this.closed.abort(Object.assign(new Error(`The reader for ${this.ref.uri} was closed.`), { name: 'AbortError' }));
  }

  private get concurrency(): number {
    return Math.max(1, this.opts.concurrency ?? 4);
  }

  private signal(caller?: AbortSignal): AbortSignal {
    return caller ? AbortSignal.any([caller, this.closed.signal]) : this.closed.signal;
  }

  private async searchExperiments(signal: AbortSignal): Promise<Experiment[]> {
    const out: Experiment[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.post<SearchExperimentsResponse>(
        'experiments/search',
        { max_results: EXPERIMENTS_PAGE_SIZE, view_type: VIEW_ALL, ...(pageToken ? { page_token: pageToken } : {}) },
        signal,
      );
      for (const e of Array.isArray(res.experiments) ? res.experiments : []) {
        const exp = experimentFromRest(e, this.ref);
        if (exp && !seen.has(exp.experimentId)) {
          seen.add(exp.experimentId);
          out.push(exp);
        }
      }
      pageToken = nextToken(res.next_page_token, pageToken);
      if (!pageToken) return out;
    }
    throw this.endlessPaging('experiments/search');
  }

  private async searchRuns(experimentIds: string[], badStatuses: Map<string, number>, problems: StoreProblem[], signal: AbortSignal): Promise<Run[]> {
    const out: Run[] = [];
    let withoutId = 0;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.post<SearchRunsResponse>(
        'runs/search',
        {
          experiment_ids: experimentIds,
          run_view_type: VIEW_ALL,
          max_results: this.opts.runsPageSize ?? 1000,
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        signal,
      );
      for (const r of Array.isArray(res.runs) ? res.runs : []) {
        const run = runFromRest(r, this.ref, badStatuses);
        if (run) out.push(run);
        else withoutId++;
      }
      pageToken = nextToken(res.next_page_token, pageToken);
      if (!pageToken) break;
      if (page === MAX_PAGES - 1) throw this.endlessPaging('runs/search');
    }
    if (withoutId > 0) {
      problems.push({ severity: 'warning', file: this.client.server, message: `${this.client.server} sent ${withoutId} run(s) without a run id; they are left out.` });
    }
    return out;
  }

  private endlessPaging(endpoint: string): MlflowRestError {
    return new MlflowRestError(`${this.client.server} kept answering ${endpoint} with more pages (over ${MAX_PAGES}); the read was stopped.`, this.client.server, 'server');
  }
}

/** The next page's token; a server repeating the token it was given would loop forever, so that ends the paging. */
function nextToken(token: unknown, previous: string | undefined): string | undefined {
  return typeof token === 'string' && token !== '' && token !== previous ? token : undefined;
}

/** MLflow's default run order: start_time DESC, run_id ASC (runs without a start time last). */
function newestFirst(a: Run, b: Run): number {
  const ta = a.startTime ?? -Infinity;
  const tb = b.startTime ?? -Infinity;
  if (ta !== tb) return tb > ta ? 1 : -1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}
