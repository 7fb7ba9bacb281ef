/** Help lines for the options every command shares. */
export const STORE_OPTIONS_HELP = `Where to read:
  --tracking-uri URI   One store: a path to an mlruns folder or mlflow.db, file:///abs/mlruns,
                       sqlite:///relative/mlflow.db or sqlite:////abs/mlflow.db, or a tracking
                       server's http(s):// URL (credentials from MLFLOW_TRACKING_TOKEN, or
                       MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).
  --workspace DIR      Search DIR for mlruns folders and mlflow.db files.
                       Without either: $MLFLOW_TRACKING_URI if set, else the current directory.
Output:
  --json               Print a JSON array instead of a table.
  -h, --help           Show this help.`;
