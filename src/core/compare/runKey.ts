import type { Run } from '../runs/types';

/** Where a `params.x` / `metrics.y` / `tags.z` key points, as MLflow's search syntax spells it. */
export interface RunKey {
  section: 'param' | 'metric' | 'tag';
  name: string;
}

const PREFIXES: ReadonlyArray<[string, RunKey['section']]> = [
  ['params.', 'param'], ['param.', 'param'], ['metrics.', 'metric'], ['metric.', 'metric'], ['tags.', 'tag'], ['tag.', 'tag'],
];

/** Parses `params.seed`, `metrics.loss`, `tags.model` (singular prefixes too); the rest of the key is kept as is. */
export function parseRunKey(key: string, allowed: readonly RunKey['section'][] = ['param', 'metric', 'tag']): RunKey {
  for (const [prefix, section] of PREFIXES) {
    if (key.startsWith(prefix) && key.length > prefix.length && allowed.includes(section)) {
      return { section, name: key.slice(prefix.length) };
    }
  }
  const expected = allowed.map((s) => `${s}s.<name>`).join(', ');
  throw new Error(`'${key}' is not a run key: expected ${expected} (for example params.seed)`);
}

/** The run's raw value for a key: text for params and tags, the latest value for metrics; undefined when missing. */
export function runKeyValue(run: Run, key: RunKey): string | number | undefined {
  const own = Object.prototype.hasOwnProperty;
  switch (key.section) {
    case 'param':
      return own.call(run.params, key.name) ? run.params[key.name] : undefined;
    case 'tag':
      return own.call(run.tags, key.name) ? run.tags[key.name] : undefined;
    case 'metric':
      return own.call(run.metrics, key.name) ? run.metrics[key.name].value : undefined;
  }
}
