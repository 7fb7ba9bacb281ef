import assert from 'node:assert/strict';
import { FilterSyntaxError } from '../../../src/core/runs/filter/filterSyntaxError';
import { parseRunFilter } from '../../../src/core/runs/filter/parseRunFilter';

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseRunFilter(text);
  } catch (e) {
    assert.ok(e instanceof FilterSyntaxError, `expected FilterSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected '${text}' to be rejected`);
}

describe('parseRunFilter', () => {
  it('gives no clauses for an empty or blank filter', () => {
    assert.deepEqual(parseRunFilter(''), { clauses: [] });
    assert.deepEqual(parseRunFilter('   '), { clauses: [] });
  });

  it('parses every numeric operator on metrics', () => {
    for (const op of ['=', '!=', '<', '<=', '>', '>=']) {
      assert.deepEqual(parseRunFilter(`metrics.acc ${op} 0.5`).clauses, [{ type: 'metric', key: 'acc', op, value: 0.5 }]);
    }
  });

  it('reads integers, decimals, exponents and negative numbers', () => {
    const values = ['1', '-2', '0.25', '.5', '3.', '1e-3', '-2.5E+2', '7e2'].map(
      (v) => (parseRunFilter(`metrics.x>${v}`).clauses[0] as { value: number }).value,
    );
    assert.deepEqual(values, [1, -2, 0.25, 0.5, 3, 0.001, -250, 700]);
  });

  it('accepts every MLflow prefix alias', () => {
    const cases: Array<[string, string]> = [
      ['metric.a > 1', 'metric'], ['metrics.a > 1', 'metric'],
      ["param.a = 'x'", 'param'], ["params.a = 'x'", 'param'], ["parameter.a = 'x'", 'param'], ["parameters.a = 'x'", 'param'],
      ["tag.a = 'x'", 'tag'], ["tags.a = 'x'", 'tag'],
      ["attribute.status = 'x'", 'stringAttribute'], ["attributes.status = 'x'", 'stringAttribute'],
      ["attr.status = 'x'", 'stringAttribute'], ["run.status = 'x'", 'stringAttribute'], ["status = 'x'", 'stringAttribute'],
      ['`metrics`.a > 1', 'metric'],
    ];
    for (const [text, type] of cases) assert.equal(parseRunFilter(text).clauses[0].type, type, text);
  });

  it('unquotes keys in backticks and double quotes, and keeps dotted keys whole', () => {
    const keys = ['metrics.`f1 score` > 0', 'tags."mlflow.runName" = \'x\'', "params.model.depth = '3'", 'metrics.`a``b` > 1', 'metrics.top.5 > 1']
      .map((t) => parseRunFilter(t).clauses[0].key);
    assert.deepEqual(keys, ['f1 score', 'mlflow.runName', 'model.depth', 'a`b', 'top.5']);
  });

  it('translates attribute aliases and tells numeric from string attributes', () => {
    assert.deepEqual(parseRunFilter('attributes.created >= 100').clauses[0], { type: 'numericAttribute', key: 'start_time', op: '>=', value: 100 });
    assert.deepEqual(parseRunFilter('Created < 5').clauses[0], { type: 'numericAttribute', key: 'start_time', op: '<', value: 5 });
    assert.deepEqual(parseRunFilter("`Run name` = 'x'").clauses[0], { type: 'stringAttribute', key: 'run_name', op: '=', value: 'x' });
    assert.deepEqual(parseRunFilter('end_time != 7').clauses[0], { type: 'numericAttribute', key: 'end_time', op: '!=', value: 7 });
    for (const key of ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri']) {
      assert.equal(parseRunFilter(`attributes.${key} LIKE '%a%'`).clauses[0].type, 'stringAttribute', key);
    }
  });

  it('parses string operators (case-insensitive keywords) with single or double quoted values', () => {
    assert.deepEqual(parseRunFilter(`params.opt like "ad%" and tags.t ILike 'X_' AND params.a != 'b''c'`).clauses, [
      { type: 'param', key: 'opt', op: 'LIKE', value: 'ad%' },
      { type: 'tag', key: 't', op: 'ILIKE', value: 'X_' },
      { type: 'param', key: 'a', op: '!=', value: "b'c" },
    ]);
  });

  it('parses run_id IN and NOT IN lists, dropping ids that are not lower case as MLflow does', () => {
    assert.deepEqual(parseRunFilter("attributes.run_id IN ('ab1', 'cd2')").clauses[0], { type: 'runIdList', key: 'run_id', op: 'IN', value: ['ab1', 'cd2'] });
    assert.deepEqual(parseRunFilter("run_id not in ('ab1','AB2')").clauses[0], { type: 'runIdList', key: 'run_id', op: 'NOT IN', value: ['ab1'] });
  });

  it('points at the token after the key when the operator is missing', () => {
    const e = syntaxError('metrics.accuracy is 0.9');
    assert.equal(e.column, 17);
    assert.equal(e.token, 'is');
    assert.equal(e.length, 2);
    assert.match(e.message, /^Expected a comparison operator after 'metrics\.accuracy' at column 18, found 'is'/);
    assert.equal(e.formatWithCaret(), 'metrics.accuracy is 0.9\n                 ^^');
  });

  it('rejects OR with a clear message', () => {
    const e = syntaxError("params.a = 'x' OR params.a = 'y'");
    assert.equal(e.column, 15);
    assert.match(e.message, /OR at column 16 is not supported.*AND/);
  });

  it('reports the column of several other bad inputs', () => {
    const cases: Array<[string, number, RegExp]> = [
      ["metrics.acc > '0.9'", 14, /Expected a number after 'metrics\.acc >'.*without quotes/],
      ['params.lr = 0.01', 12, /Expected a quoted string after 'params\.lr ='.*Quote the value: params\.lr = '0\.01'/],
      ['accuracy > 0.9', 0, /Unknown attribute 'accuracy'.*metrics\.accuracy/],
      ['metricz.acc > 1', 0, /Unknown prefix 'metricz'/],
      ['attributes.lifecycle_stage = \'x\'', 11, /Unknown attribute 'lifecycle_stage'/],
      ["metrics.acc LIKE '1'", 12, /does not apply to metrics\.acc/],
      ["params.a > 'x'", 9, /does not apply to params\.a.*=, !=, LIKE, ILIKE/],
      ["status IN ('x')", 7, /only run_id takes a list/],
      ["run_id IN ()", 11, /single-quoted run id.*must not be empty/],
      ["run_id IN ('a' 'b')", 15, /Expected ',' or '\)'/],
      ['metrics.acc > 1 AND', 19, /Expected a condition after 'AND' at column 20, found the end of the filter/],
      ["metrics.acc > 1 metrics.b > 2", 16, /Expected AND or the end of the filter after 'metrics\.acc > 1'/],
      ["params.a = 'x", 11, /Unterminated string at column 12/],
      ['metrics.val-loss > 1', 11, /Unexpected character '-'.*quoted with backticks/],
      ['start_time > 1.5', 13, /whole number of epoch milliseconds/],
      ['metrics.a == 1', 10, /Use '=' for equality/],
      ['(metrics.a > 1)', 0, /parentheses/],
      ['metrics. > 1', 9, /Expected a key after 'metrics\.'/],
      ["params.a NOT LIKE 'x'", 13, /Expected IN after 'NOT'/],
    ];
    for (const [text, column, message] of cases) {
      const e = syntaxError(text);
      assert.equal(e.column, column, `${text}: ${e.message}`);
      assert.match(e.message, message, text);
      assert.ok(e.message.includes(`column ${column + 1}`), e.message);
    }
  });

  it('puts the caret at the end for a filter that stops early', () => {
    const e = syntaxError('metrics.acc >');
    assert.equal(e.column, 13);
    assert.equal(e.token, '');
    assert.equal(e.formatWithCaret(), 'metrics.acc >\n             ^');
  });
});
