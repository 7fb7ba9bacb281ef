// Credentials for a tracking server, as MLflow's own client sends them (mlflow/utils/rest_utils.py http_request):
// a username with a password goes as HTTP Basic and wins over a token, which goes as `Bearer <token>`.

export type TrackingCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'basic'; username: string; password: string };

/** The Authorization header value for these credentials. */
export function authorizationHeader(credentials: TrackingCredentials): string {
  if (credentials.kind === 'token') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** Which variables were read, for messages: never the secret itself. */
export function describeCredentials(credentials: TrackingCredentials | undefined): string {
  if (!credentials) return 'no credentials';
  return credentials.kind === 'token' ? 'a bearer token' : `user ${JSON.stringify(credentials.username)} (basic auth)`;
}

export interface CredentialsFromEnv {
  credentials?: TrackingCredentials;
  /** Set when the variables are half there (a username without a password): say so rather than send nothing. */
  problem?: string;
}

/** MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD, else MLFLOW_TRACKING_TOKEN, as MLflow's client reads them. */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): CredentialsFromEnv {
  const username = env.MLFLOW_TRACKING_USERNAME ?? '';
  const password = env.MLFLOW_TRACKING_PASSWORD ?? '';
  const token = env.MLFLOW_TRACKING_TOKEN ?? '';
  if (username && password) return { credentials: { kind: 'basic', username, password } };
  const half = username
    ? 'MLFLOW_TRACKING_USERNAME is set without MLFLOW_TRACKING_PASSWORD'
    : password
      ? 'MLFLOW_TRACKING_PASSWORD is set without MLFLOW_TRACKING_USERNAME'
      : undefined;
  if (token) return { credentials: { kind: 'token', token }, problem: half && `${half}: the token (MLFLOW_TRACKING_TOKEN) is sent instead.` };
  return { problem: half && `${half}: no credentials are sent.` };
}

/** MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT (seconds) as milliseconds, if it is a positive number. */
export function timeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const seconds = Number(env.MLFLOW_HTTP_REQUEST_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** MLflow's boolean variables: "true" / "1" (any case). */
export function envFlag(value: string | undefined): boolean {
  return /^(true|1)$/i.test((value ?? '').trim());
}
