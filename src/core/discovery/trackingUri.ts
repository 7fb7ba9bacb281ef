import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StoreError, type StoreKind, type StoreRef } from '../runs/types';

// MLflow tracking URIs for local stores: a plain path or file: URI names an mlruns folder (file store);
// sqlite:///relative.db (three slashes, relative to the working directory) and sqlite:////abs.db (four) name a
// SQLite store, as SQLAlchemy reads them.

const SQLITE_EXTENSIONS = new Set(['.db', '.sqlite', '.sqlite3']);

/** The canonical reference for a store at an absolute path (MLflow's URIs; `<kind>://<path>` for log folders). */
export function storeRefFor(kind: Exclude<StoreKind, 'mlflow-rest'>, absPath: string): StoreRef {
  const p = path.resolve(absPath);
  if (kind === 'mlflow-file') return { kind, path: p, uri: pathToFileURL(p).href };
  if (kind === 'mlflow-sqlite') return { kind, path: p, uri: `sqlite:///${p}` };
  return { kind, path: p, uri: `${kind}://${p.split(path.sep).join('/')}` };
}

/** Whether a URI names a remote tracking server (read over REST when http(s), not a local store). */
export function isRemoteTrackingUri(uri: string): boolean {
  return /^(https?|databricks|databricks-uc|uc):/i.test(uri.trim());
}

/** A tracking server's reference: its URL with the scheme and host lower-cased and no trailing slash. */
export function remoteStoreRef(uri: string): StoreRef {
  const raw = uri.trim();
  if (!/^https?:\/\//i.test(raw)) {
    throw new StoreError(`Unsupported tracking URI ${JSON.stringify(uri)}: only http:// and https:// tracking servers can be read (Databricks URIs need Databricks' own tools).`, raw);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StoreError(`The tracking URI ${JSON.stringify(uri)} is not a valid URL. Use http://host:5000 or https://host/path.`, raw);
  }
  if (url.username || url.password) {
    // The URI is shown, logged and stored in the index: a password in it would leak there.
    url.password = url.password && '***';
    throw new StoreError(
      `The tracking URI ${url.href} has a user name or password in it. Remove them from the URI and set them with "MLOps: Set Tracking Server Credentials" ` +
        '(command line: MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN).',
      url.href,
    );
  }
  url.hash = '';
  url.search = '';
  const normalized = url.href.replace(/\/+$/, '');
  return { kind: 'mlflow-rest', uri: normalized, path: normalized };
}

/** Parses a tracking URI or path into a local store reference; throws StoreError for anything else. */
export function parseTrackingUri(uri: string, cwd: string): StoreRef {
  const raw = uri.trim();
  const fail = (why: string): never => {
    throw new StoreError(`Unsupported tracking URI ${JSON.stringify(uri)}: ${why}`, raw);
  };
  if (raw === '') fail('it is empty. Use a path to an mlruns folder or an mlflow.db file, file:///abs/mlruns or sqlite:///mlflow.db.');

  // A Windows drive path ("C:\runs") is a path, not a URI with scheme "c".
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (!scheme || /^[a-zA-Z]:[\\/]/.test(raw)) {
    const abs = path.resolve(cwd, raw);
    return storeRefFor(SQLITE_EXTENSIONS.has(path.extname(abs).toLowerCase()) ? 'mlflow-sqlite' : 'mlflow-file', abs);
  }
  if (scheme === 'file') {
    const rest = raw.slice('file:'.length);
    if (rest.startsWith('//')) {
      let p: string;
      try {
        p = fileURLToPath(raw);
      } catch (err) {
        return fail(`${err instanceof Error ? err.message : String(err)}. Use file:///absolute/path/to/mlruns.`);
      }
      return storeRefFor('mlflow-file', p);
    }
    return storeRefFor('mlflow-file', path.resolve(cwd, decodeURIComponent(rest)));
  }
  if (scheme === 'sqlite') {
    const m = /^sqlite:\/\/\/(.*)$/i.exec(raw);
    if (!m) return fail('a SQLite URI has three slashes and a path: sqlite:///relative/mlflow.db or sqlite:////absolute/mlflow.db.');
    const rest = m[1].split('?')[0];
    if (rest === '' || rest === ':memory:') return fail('an in-memory or empty SQLite database has no runs on disk. Name the .db file.');
    return storeRefFor('mlflow-sqlite', path.resolve(cwd, rest));
  }
  if (isRemoteTrackingUri(raw)) return fail('remote tracking servers are not read as local stores.');
  return fail(`the "${scheme}" scheme is not a local store. Supported: a path, file:, sqlite:.`);
}
