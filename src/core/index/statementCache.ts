import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

/**
 * Prepared statements reused across calls (preparing costs more than running for short statements),
 * with helpers that always reset the statement, even when stepping throws.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  run(sql: string, params: BindParams): void {
    const statement = this.statement(sql);
    try {
      statement.bind(params);
      statement.step();
    } finally {
      statement.reset();
    }
  }

  /** First column of the first row, or undefined. */
  value(sql: string, params: BindParams): SqlValue | undefined {
    const statement = this.statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.get()[0] : undefined;
    } finally {
      statement.reset();
    }
  }

  /** All rows. `cache: false` for SQL built per call (id lists), so the cache does not grow. */
  rows(sql: string, params: BindParams = [], cache = true): SqlValue[][] {
    const rows: SqlValue[][] = [];
    this.forEach(sql, params, (row) => rows.push(row), cache);
    return rows;
  }

  /** Calls `onRow` per row without collecting them: less garbage for the large reads. */
  forEach(sql: string, params: BindParams, onRow: (row: SqlValue[]) => void, cache = true): void {
    const statement = cache ? this.statement(sql) : this.db.prepare(sql);
    try {
      statement.bind(params);
      while (statement.step()) onRow(statement.get());
    } finally {
      if (cache) statement.reset();
      else statement.free();
    }
  }

  freeAll(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
