// What a parsed MLflow search filter and order-by look like. Plain data: it can be stored or sent to a worker.

export type NumericOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringOperator = '=' | '!=' | 'LIKE' | 'ILIKE';

/** Run attributes MLflow lets a filter compare as strings (RunInfo's searchable attributes). */
export type StringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri';
/** Run attributes compared as numbers (epoch milliseconds). */
export type NumericAttribute = 'start_time' | 'end_time';

export type FilterClause =
  | { type: 'metric'; key: string; op: NumericOperator; value: number }
  | { type: 'param' | 'tag'; key: string; op: StringOperator; value: string }
  | { type: 'stringAttribute'; key: StringAttribute; op: StringOperator; value: string }
  | { type: 'numericAttribute'; key: NumericAttribute; op: NumericOperator; value: number }
  /** `run_id IN ('a', 'b')`: the only list comparison MLflow allows on runs. */
  | { type: 'runIdList'; key: 'run_id'; op: 'IN' | 'NOT IN'; value: string[] };

/** Clauses joined by AND (MLflow has no OR). No clauses: every run matches. */
export interface RunFilter {
  clauses: FilterClause[];
}

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute';

/** One `--order-by` item. Attribute keys are canonical (`created` becomes `start_time`). */
export interface RunOrder {
  type: EntityType;
  key: string;
  ascending: boolean;
}
