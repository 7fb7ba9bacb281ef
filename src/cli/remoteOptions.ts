import type { MlflowRestReaderOptions } from '../core/mlflow/rest/mlflowRestReader';
import { credentialsFromEnv, envFlag, timeoutFromEnv } from '../core/mlflow/rest/trackingAuth';
import type { StoreProblem, StoreRef } from '../core/runs/types';

/** MLflow's client waits this long for a request (MLFLOW_HTTP_REQUEST_TIMEOUT's default): so does the CLI. */
const CLI_TIMEOUT_MS = 120_000;

/**
 * Reader options for a tracking server from the variables MLflow's own client reads: MLFLOW_TRACKING_TOKEN,
 * MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD, MLFLOW_HTTP_REQUEST_TIMEOUT, MLFLOW_TRACKING_INSECURE_TLS.
 * What is odd about them (half-set credentials, TLS unchecked) is added to `problems` as warnings.
 */
export function remoteReaderOptions(ref: StoreRef, env: Readonly<Record<string, string | undefined>>, problems: StoreProblem[]): MlflowRestReaderOptions {
  const { credentials, problem } = credentialsFromEnv(env);
  if (problem) problems.push({ severity: 'warning', file: ref.uri, message: problem });
  if (envFlag(env.MLFLOW_TRACKING_INSECURE_TLS) && ref.uri.startsWith('https:')) {
    // Node's fetch has no per-request switch for certificate checks, and this process talks to no other host.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    problems.push({ severity: 'warning', file: ref.uri, message: 'MLFLOW_TRACKING_INSECURE_TLS is set: the server\'s TLS certificate is not verified.' });
  }
  return { credentials, timeoutMs: timeoutFromEnv(env) ?? CLI_TIMEOUT_MS };
}
