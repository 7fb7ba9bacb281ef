// Messages between the extension host and the pipeline DAG panel (webview/dag). Imports only the shared message checks: both sides import it.
// The host is the source of truth (stages, edges, statuses); the webview lays the graph out and keeps view state only.
// Everything the webview sends is untrusted: the host accepts it only through `parseFromWebview`.
import { isObject, isText, parseMessage, type ParseResult as ParseResultOf } from './messageChecks';

/** The panel's view type (also the `onWebviewPanel:` activation event and the serializer's key). */
export const DAG_VIEW_TYPE = 'mlops.dag';

/**
 * A stage's state as the views show it. `upToDate`, `changed`, `neverRun`, `frozen` and `error` come from the
 * status (what `dvc status` says); `checking` while it is computed; `queued`, `running` and `failed` from a run.
 */
export type StageState = 'upToDate' | 'changed' | 'neverRun' | 'frozen' | 'error' | 'checking' | 'queued' | 'running' | 'failed';

export const STAGE_STATES: readonly StageState[] = ['upToDate', 'changed', 'neverRun', 'frozen', 'error', 'checking', 'queued', 'running', 'failed'];

/** Words for each state, shared by the tree, the CodeLens and the panel's legend. */
export const STAGE_STATE_LABELS: Record<StageState, string> = {
  upToDate: 'Up to date',
  changed: 'Changed',
  neverRun: 'Never run',
  frozen: 'Frozen',
  error: 'Cannot check',
  checking: 'Checking…',
  queued: 'Queued',
  running: 'Running…',
  failed: 'Failed',
};

export interface DagNodeWire {
  /** Stable key of the stage: its dvc.yaml path and name. */
  id: string;
  /** The stage's name (`train`, `evaluate@test`). */
  name: string;
  /** dvc.yaml relative to the workspace folder (`dvc.yaml`, `sub/dvc.yaml`). */
  file: string;
  state: StageState;
  /** One short line: the first reason, or when it last ran. */
  summary: string;
  /** Every reason, for the node's tooltip. */
  reasons: string[];
  /** The stage's command, one line per command. */
  cmd: string[];
  /** For foreach/matrix stages: the generating stage's name. */
  group?: string;
}

export interface DagGraphWire {
  nodes: DagNodeWire[];
  /** [producer, consumer] indexes into `nodes`: the consumer depends on an output of the producer. */
  edges: [number, number][];
  /** Indexes of nodes in a cycle (the pipeline is invalid; they are drawn but cannot run). */
  cyclic: number[];
}

export type ToWebview =
  | {
      type: 'graph';
      graph: DagGraphWire;
      /** Running stages executes workspace code: false in an untrusted workspace (run buttons are disabled). */
      canRun: boolean;
      /** Whether a pipeline run is going on (run buttons become Cancel). */
      running: boolean;
      /** A line shown above the graph when something is wrong (no pipelines, problems in dvc.yaml). */
      notice?: string;
    };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openStage'; id: string }
  | { type: 'runStage'; id: string; downstream: boolean }
  | { type: 'runAll' }
  | { type: 'cancelRun' }
  | { type: 'refresh' }
  /** The graph was drawn: node and edge counts, for tests and the log. */
  | { type: 'rendered'; nodes: number; edges: number }
  | { type: 'cspViolation'; directive: string; blockedUri: string }
  | { type: 'error'; message: string };

type FromWebviewType = FromWebview['type'];

const shortString = isText;
const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e7;

const FROM_WEBVIEW_FIELDS: { [K in FromWebviewType]: Record<Exclude<keyof Extract<FromWebview, { type: K }>, 'type'>, (v: unknown) => boolean> } = {
  ready: {},
  openStage: { id: shortString(4096) },
  runStage: { id: shortString(4096), downstream: (v) => typeof v === 'boolean' },
  runAll: {},
  cancelRun: {},
  refresh: {},
  rendered: { nodes: count, edges: count },
  cspViolation: { directive: shortString(200), blockedUri: shortString(2000) },
  error: { message: shortString(4000) },
};

export type ParseResult = ParseResultOf<FromWebview>;

/** Validates a message from the webview: known type, every field of the right type, nothing else kept. */
export function parseFromWebview(raw: unknown): ParseResult {
  return parseMessage<FromWebview>(raw, FROM_WEBVIEW_FIELDS as Record<string, Record<string, (v: unknown) => boolean>>);
}

/** The webview trusts the host's data but ignores messages that are not ours. */
export function isToWebview(raw: unknown): raw is ToWebview {
  return isObject(raw) && raw.type === 'graph' && isObject(raw.graph) && Array.isArray(raw.graph.nodes) && Array.isArray(raw.graph.edges);
}
