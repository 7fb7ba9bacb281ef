import { StoreError } from '../../runs/types';

/**
 * Why a request to a tracking server failed, for callers that react differently (stop polling until the
 * credentials change, back off, show the last good data):
 * - auth: 401/403. - not-mlflow: the URL answers, but not as MLflow's API (404 page, HTML, a redirect, not JSON).
 * - not-found: MLflow says the run or experiment does not exist. - bad-request: MLflow refused the request (4xx).
 * - server: 5xx or 429. - unreachable: refused, unknown host, reset. - timeout. - tls: certificate not accepted.
 */
export type RestFailureKind = 'auth' | 'not-mlflow' | 'not-found' | 'bad-request' | 'server' | 'unreachable' | 'timeout' | 'tls';

const RETRYABLE: ReadonlySet<RestFailureKind> = new Set(['server', 'unreachable', 'timeout']);

/** A failed request to a tracking server. `file` (from StoreError) is the server's URL. */
export class MlflowRestError extends StoreError {
  constructor(
    message: string,
    server: string,
    readonly kind: RestFailureKind,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** MLflow's error_code (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE...), when it sent one. */
    readonly errorCode?: string,
    /** Node's code for a request that got no answer (ECONNREFUSED, ENOTFOUND, ECONNRESET...). */
    readonly networkCode?: string,
  ) {
    super(message, server);
    this.name = 'MlflowRestError';
  }

  /** Whether asking again later may succeed without the user changing anything. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export const CREDENTIALS_HINT =
  'Set them with "MLOps: Set Tracking Server Credentials", or (command line) MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.';

/** What the client knows about one request, to say plainly what happened. */
export interface RequestContext {
  server: string;
  /** `GET runs/get`: the method and MLflow endpoint, for messages. */
  what: string;
  withCredentials: boolean;
  /** What was sent, e.g. "a bearer token": never the secret. */
  credentialsText: string;
  timeoutMs: number;
}

/** One line of an answer's body, short: enough to recognise, never a whole page in a message. */
export function bodyExcerpt(text: string, max = 200): string {
  const line = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

interface MlflowErrorBody {
  error_code?: unknown;
  message?: unknown;
}

/** MLflow's JSON error ({"error_code": ..., "message": ...}), if the body is one. */
export function parseMlflowError(text: string): { errorCode?: string; message?: string } | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const body = JSON.parse(text) as MlflowErrorBody;
    if (body === null || typeof body !== 'object') return undefined;
    const errorCode = typeof body.error_code === 'string' ? body.error_code : undefined;
    const message = typeof body.message === 'string' ? body.message : undefined;
    return errorCode || message ? { errorCode, message } : undefined;
  } catch {
    return undefined;
  }
}

/** The error for an answer with a status other than 200. */
export function httpError(ctx: RequestContext, status: number, statusText: string, body: string, location?: string | null): MlflowRestError {
  const mlflowError = parseMlflowError(body);
  const said = mlflowError?.message ? `: ${bodyExcerpt(mlflowError.message, 300)}` : body.trim() ? ` (${bodyExcerpt(body)})` : '';
  const http = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const fail = (kind: RestFailureKind, message: string) => new MlflowRestError(message, ctx.server, kind, status, mlflowError?.errorCode);
  if (status === 401 || status === 403) {
    const refused = ctx.withCredentials
      ? status === 401
        ? `The tracking server refused the credentials (${ctx.credentialsText}; ${http}).`
        : `The tracking server denied access to ${ctx.credentialsText} (${http}): that user may lack permission to read runs.`
      : `The tracking server asks for credentials (${http}) and none are set.`;
    return fail('auth', `${refused} ${CREDENTIALS_HINT}`);
  }
  if (status >= 300 && status < 400) {
    const to = location ? ` to ${location}` : '';
    return fail('not-mlflow', `The tracking server redirects ${ctx.what}${to} (${http}). Set the tracking URI to the server's own address${location ? ' (the redirect target, without /api/...)' : ''}.`);
  }
  if (status === 404 && !mlflowError) {
    return fail(
      'not-mlflow',
      `${ctx.server} has no MLflow API (${ctx.what} answered ${http}): it is not an MLflow tracking server, or the URL's path is wrong. ` +
        'Use the address `mlflow server` listens on (e.g. http://host:5000, plus the path prefix if a proxy adds one), without /api/2.0/mlflow or #/experiments.',
    );
  }
  if (status === 404 || mlflowError?.errorCode === 'RESOURCE_DOES_NOT_EXIST') return fail('not-found', `The tracking server found nothing for ${ctx.what} (${http})${said}`);
  if (status === 429) return fail('server', `The tracking server is rate-limiting requests (${http} on ${ctx.what})${said}`);
  if (status >= 500) {
    const proxy = status === 502 || status === 503 || status === 504 ? ' (a proxy in front of MLflow could not reach it, or it is overloaded)' : '';
    return fail('server', `The tracking server failed on ${ctx.what} (${http})${proxy}${said}`);
  }
  return fail('bad-request', `The tracking server refused ${ctx.what} (${http})${said}`);
}

/** The error for a 200 answer whose body is not MLflow's JSON. */
export function notJsonError(ctx: RequestContext, contentType: string, body: string, parseError?: string): MlflowRestError {
  const looksHtml = /html/i.test(contentType) || /^\s*</.test(body);
  const message = looksHtml
    ? `${ctx.server} answered ${ctx.what} with an HTML page, not MLflow's JSON ("${bodyExcerpt(body, 120) || 'an empty page'}"). ` +
      'The URL may point at a web page or a sign-in page of a proxy rather than the tracking server itself; use the address `mlflow server` listens on, with a token if a proxy wants one.'
    : `${ctx.server} answered ${ctx.what} with something that is not MLflow's JSON${parseError ? ` (${parseError})` : ''}: ${bodyExcerpt(body, 120) || 'an empty body'}.`;
  return new MlflowRestError(message, ctx.server, 'not-mlflow', 200);
}

interface ErrorWithCause {
  code?: string;
  message?: string;
  cause?: unknown;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** The error for a request that got no answer: fetch's TypeError('fetch failed') carries the reason in `cause`. */
export function networkError(ctx: RequestContext, error: unknown): MlflowRestError {
  let code: string | undefined;
  let detail = error instanceof Error ? error.message : String(error);
  const oneLine = (t: string) => t.split('\n')[0].trim();
  for (let e = error as ErrorWithCause | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorWithCause | undefined, depth++) {
    if (typeof e.code === 'string' && !code) code = e.code;
    if (e !== error && typeof e.message === 'string' && e.message) detail = oneLine(e.message);
  }
  const host = hostOf(ctx.server);
  const fail = (kind: RestFailureKind, message: string) => new MlflowRestError(message, ctx.server, kind, undefined, undefined, code);
  switch (code) {
    case 'ECONNREFUSED':
      return fail('unreachable', `Nothing is listening at ${host} (connection refused). Is \`mlflow server\` running, on this host and port?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail('unreachable', `The host name of ${ctx.server} could not be resolved (${code}). Check the tracking URI and the network (VPN?).`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return fail('unreachable', `${host} closed the connection during ${ctx.what} (${code}): the server may have restarted, or a proxy cut the request.`);
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail('unreachable', `${host} cannot be reached (${code}). Check the tracking URI and the network (VPN, firewall?).`);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return timeoutError(ctx);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return fail('tls', `${host} does not answer in TLS (${code}): it probably serves plain HTTP. Use http:// instead of https:// in the tracking URI.`);
  }
  if (code && TLS_CODES.test(code)) {
    return fail(
      'tls',
      `The TLS certificate of ${host} was not accepted (${code}: ${detail}). If the server uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate; ` +
        'to skip verification (command line only, insecure) set MLFLOW_TRACKING_INSECURE_TLS=true.',
    );
  }
  if (code === 'ERR_INVALID_URL' || /invalid url/i.test(detail)) return fail('not-mlflow', `${ctx.server} is not a usable URL (${detail}).`);
  if (detail === 'bad port') return fail('not-mlflow', `Node's fetch refuses to connect to the port of ${host} (a port browsers block, such as 1, 25 or 6000). Run the tracking server on another port.`);
  return fail('unreachable', `${ctx.what} to ${ctx.server} failed: ${detail}${code ? ` (${code})` : ''}.`);
}

export function timeoutError(ctx: RequestContext): MlflowRestError {
  const seconds = Math.round(ctx.timeoutMs / 100) / 10;
  return new MlflowRestError(
    `The tracking server did not answer ${ctx.what} within ${seconds} s: it may be overloaded, or a network device swallows the request. The command line waits longer with MLFLOW_HTTP_REQUEST_TIMEOUT=<seconds>.`,
    ctx.server,
    'timeout',
  );
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}
