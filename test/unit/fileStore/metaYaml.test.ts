import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { fastYamlMapping, parseExperimentMeta, parseRunMeta } from '../../../src/core/mlflow/fileStore/metaYaml';

const b = (s: string) => Buffer.from(s);

describe('meta.yaml parsing', () => {
  it('reads a run meta.yaml as MLflow writes it', () => {
    const r = parseRunMeta(b("artifact_uri: file:///x\nend_time: null\nexperiment_id: '3'\nlifecycle_stage: deleted\nrun_id: abc\nrun_name: r1\nrun_uuid: abc\nsource_type: 4\nstart_time: 1700000000000\nstatus: 4\ntags: []\nuser_id: bob\n"), '/s/meta.yaml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.meta, { runId: 'abc', runName: 'r1', experimentId: '3', status: 'FAILED', startTime: 1700000000000, endTime: null, lifecycleStage: 'deleted', artifactUri: 'file:///x', userId: 'bob' });
  });

  it('accepts legacy stores: int experiment_id, no run_name, status or lifecycle_stage', () => {
    const r = parseRunMeta(b('experiment_id: 0\nrun_uuid: abc\nstart_time: 5\n'), '/s/meta.yaml');
    assert.equal(r.meta?.experimentId, '0');
    assert.equal(r.meta?.runId, 'abc');
    assert.equal(r.meta?.runName, null);
    assert.equal(r.meta?.status, 'RUNNING');
    assert.equal(r.meta?.lifecycleStage, 'active');
  });

  it('gives the YAML line of a syntax error', () => {
    const r = parseRunMeta(b('run_id: abc\nexperiment_id: "0\nstatus: [1\n'), '/s/meta.yaml');
    assert.equal(r.meta, undefined);
    assert.equal(r.problems[0].file, '/s/meta.yaml');
    assert.equal(typeof r.problems[0].line, 'number');
    assert.match(r.problems[0].message, /not valid YAML/);
  });

  it('names missing required fields', () => {
    const r = parseRunMeta(b('run_name: x\n'), '/s/meta.yaml');
    assert.match(r.problems[0].message, /lacks run_id and experiment_id/);
    const e = parseExperimentMeta(b("experiment_id: '1'\n"), '/s/e.yaml');
    assert.match(e.problems[0].message, /lacks name/);
  });

  it('reports binary and non-UTF-8 files instead of throwing', () => {
    assert.match(parseRunMeta(Buffer.from([0x00, 0x01, 0xff, 0x10]), '/f').problems[0].message, /binary/);
    assert.match(parseRunMeta(Buffer.from([0x72, 0x3a, 0x20, 0xc3, 0x28]), '/f').problems[0].message, /UTF-8/);
    assert.match(parseRunMeta(b('- a\n- b\n'), '/f').problems[0].message, /mapping/);
    assert.match(parseRunMeta(b(''), '/f').problems[0].message, /empty/);
  });

  it('warns on an unknown status and keeps the run', () => {
    const r = parseRunMeta(b("experiment_id: '0'\nrun_id: a\nstatus: 42\n"), '/f');
    assert.equal(r.meta?.status, 'RUNNING');
    assert.match(r.problems[0].message, /status should be 1\.\.5/);
  });

  it('reads an experiment meta.yaml', () => {
    const e = parseExperimentMeta(b("artifact_location: file:///a\ncreation_time: 10\nexperiment_id: '2'\nlast_update_time: 11\nlifecycle_stage: active\nname: exp\n"), '/e');
    assert.deepEqual(e.meta, { experimentId: '2', name: 'exp', artifactLocation: 'file:///a', lifecycleStage: 'active', creationTime: 10, lastUpdateTime: 11 });
  });
});

describe('fastYamlMapping', () => {
  it("reads MLflow's flat meta.yaml exactly as the YAML library does", () => {
    const text = "artifact_uri: file:///tmp/a b/x\nend_time: null\nexperiment_id: '3'\nlifecycle_stage: active\nrun_id: abc\nrun_name: bench-run-1\nsource_name: ''\nstatus: 3\ntags: []\nuser_id: it''s\nq: 'it''s'\nn: -12\nu: file:///c:/x,y[0]\nrun_uuid: 000e97664562e50b37a40000000015e1\n";
    const plain = text.replace('file:///tmp/a b/x', 'file:///tmp/ab/x').replace("user_id: it''s\n", '');
    assert.deepEqual(fastYamlMapping(plain), parse(plain));
    assert.equal(fastYamlMapping(text), undefined, 'a space or a quote inside a plain scalar goes to the YAML library');
  });

  it('declines every scalar the YAML library would read as something other than the string or int it looks like', () => {
    for (const v of ['0123', '1e5', '0x1F', '+5', '1.5', '.inf', 'true', 'False', 'NULL', '~x', '"q"', "'a' b", 'a: b', 'a #c', '&a', '*a', '!t', '|', '>', '{}', '[1]', '', '12345678901234567', 'x:', '123e45', '0o17', '1_000', '2001-12-14', '0b101']) {
      const text = `k: ${v}\n`;
      const fast = fastYamlMapping(text);
      if (fast !== undefined) assert.deepEqual(fast, parse(text), v);
    }
    for (const v of ['0123', '1e5', '0x1F', 'true', '"q"', '12345678901234567', '', '123e45']) assert.equal(fastYamlMapping(`k: ${v}\n`), undefined, v);
  });

  it('declines nesting, comments, duplicate keys, CRLF and a missing final newline', () => {
    for (const text of ['tags:\n  team: a\n', '# c\nk: v\n', 'k: v\nk: w\n', 'k: v\r\n', 'k: v', '__proto__: x\n', '  k: v\n', '']) {
      assert.equal(fastYamlMapping(text), undefined, JSON.stringify(text));
    }
  });
});
