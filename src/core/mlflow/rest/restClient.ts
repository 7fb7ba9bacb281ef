import { authorizationHeader, describeCredentials, type TrackingCredentials } from './trackingAuth';
import { httpError, MlflowRestError, networkError, notJsonError, timeoutError, type RequestContext } from './restErrors';

/** Credentials asked for at each request, so new ones (set in VS Code's SecretStorage) apply without a new reader. */
export type CredentialsProvider = () => TrackingCredentials | undefined | Promise<TrackingCredentials | undefined>;

export interface MlflowRestClientOptions {
  /** Sent with every request: fixed, or asked for at each request. */
  credentials?: TrackingCredentials | CredentialsProvider;
  /**
   * Per request (each retry has its own). Default 60 s: a loaded server takes tens of seconds for a page of 1,000
   * runs, and a timeout would only repeat the same work (MLflow's client waits 120 s).
   */
  timeoutMs?: number;
  /** Retries of a request answered 429/502/503/504 or cut off mid-way (read requests only). Default 2. */
  retries?: number;
  /** Extra headers on every request (e.g. MLflow's X-MLFLOW-WORKSPACE). */
  headers?: Readonly<Record<string, string>>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const API_PREFIX = '/api/2.0/mlflow/';
/** Status codes worth one more try (MLflow's client retries these too). */
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
/** A connection closed under the request (often a keep-alive socket the server closed as it was reused). */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const MAX_RETRY_WAIT_MS = 5000;

type Query = Readonly<Record<string, string | number | undefined>>;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * JSON over HTTP to one MLflow tracking server (`<server>/api/2.0/mlflow/<endpoint>`), with Node's fetch.
 * Every failure is an MlflowRestError that says what happened; a caller's abort rejects with the abort reason.
 */
export class MlflowRestClient {
  /** The server's URL without trailing slash, query or fragment: what messages name. */
  readonly server: string;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(serverUrl: string, private readonly opts: MlflowRestClientOptions = {}) {
    const url = new URL(serverUrl);
    // fetch refuses such URLs, and the URL is shown in messages: credentials go in `opts.credentials`.
    if (url.username || url.password) throw new TypeError('the URL has a user name or password in it; pass them as credentials');
    url.search = '';
    url.hash = '';
    this.base = url.href.replace(/\/+$/, '');
    this.server = this.base;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = opts.retries ?? 2;
  }

  get<T>(endpoint: string, query: Query, signal?: AbortSignal): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', endpoint, qs ? `?${qs}` : '', undefined, signal);
  }

  /** A POST that only reads (runs/search, experiments/search): safe to retry. */
  post<T>(endpoint: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', endpoint, '', JSON.stringify(body), signal);
  }

  private async request<T>(method: 'GET' | 'POST', endpoint: string, query: string, body: string | undefined, signal?: AbortSignal): Promise<T> {
    const given = this.opts.credentials;
    const credentials = typeof given === 'function' ? await given() : given;
    const authorization = credentials && authorizationHeader(credentials);
    const ctx: RequestContext = {
      server: this.server,
      what: `${method} ${API_PREFIX}${endpoint}`,
      withCredentials: authorization !== undefined,
      credentialsText: describeCredentials(credentials),
      timeoutMs: this.timeoutMs,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(ctx, method, `${this.base}${API_PREFIX}${endpoint}${query}`, body, authorization, signal);
      } catch (e) {
        if (!(e instanceof TransientError)) throw e;
        if (attempt >= this.retries) throw e.error;
        await sleep(e.retryAfterMs ?? 500 * 2 ** attempt, signal);
      }
    }
  }

  private async once<T>(ctx: RequestContext, method: string, url: string, body: string | undefined, authorization: string | undefined, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.opts.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authorization) headers.Authorization = authorization;
    let res: Response;
    let text: string;
    try {
      // Redirects are not followed: a POST would turn into a GET, and credentials would go where the user did not say.
      res = await fetch(url, { method, headers, body, signal: both, redirect: 'manual' });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (timeout.aborted) throw timeoutError(ctx);
      const error = networkError(ctx, e);
      throw error.networkCode && TRANSIENT_NETWORK.has(error.networkCode) ? new TransientError(error) : error;
    }
    if (res.status !== 200) {
      const error = httpError(ctx, res.status, res.statusText, text, res.headers.get('location'));
      if (TRANSIENT_STATUS.has(res.status)) throw new TransientError(error, retryDelay(res.headers.get('retry-after')));
      throw error;
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (/html/i.test(contentType) || !/^\s*\{/.test(text)) throw notJsonError(ctx, contentType, text);
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw notJsonError(ctx, contentType, text, e instanceof Error ? e.message : String(e));
    }
  }
}

/** A failure worth retrying (after `retryAfterMs` if the server said); the last one is thrown as its `error`. */
class TransientError extends Error {
  constructor(readonly error: MlflowRestError, readonly retryAfterMs?: number) {
    super(error.message);
  }
}

/** Retry-After in seconds (or an HTTP date), capped: a server asking for minutes is answered by the caller's backoff. */
function retryDelay(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_WAIT_MS) : undefined;
}
