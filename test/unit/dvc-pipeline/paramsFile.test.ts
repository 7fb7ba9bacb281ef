// Params files read as DVC's own loaders read them (test/fixtures/dvc/params, expected.json from paramsCases.py),
// with int/float kept apart, mapping order kept, dotted lookups and positions for go-to-definition.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lookupParam, paramValues, parseParamsText, readParamsFile } from '../../../src/core/dvc/pipeline/paramsFile';
import { PyFloat, toPlain } from '../../../src/core/dvc/pipeline/pyValue';
import { DVC_FIXTURES, readJson, typedDiff, untag, type Tagged } from './helpers';

describe('dvc pipeline: params files', () => {
  const expected = readJson<Record<string, Tagged>>('params', 'expected.json');

  for (const name of ['params.yaml', 'params.json', 'params.toml', 'params.py']) {
    it(`${name}: the same values, types and order as DVC's loader`, async () => {
      const file = path.join(DVC_FIXTURES, 'params', name);
      const loaded = await readParamsFile(file);
      assert.deepEqual(loaded.problems, []);
      assert.equal(loaded.exists, true);
      assert.equal(typedDiff(loaded.value, untag(expected[name])), undefined);
    });
  }

  it('looks up dotted keys and list indexes as dpath does, with the key\'s position', async () => {
    const file = path.join(DVC_FIXTURES, 'params', 'params.yaml');
    const params = await readParamsFile(file);
    const lr = lookupParam(params, 'train.lr');
    assert.equal(lr.found, true);
    assert.equal(lr.value, 0.001);
    assert.deepEqual(lr.pos, { file, line: 3, column: 3 });
    assert.equal(lookupParam(params, 'models.1.name').value, 'vit');
    assert.equal(lookupParam(params, 'models.-1.name').value, 'vit');
    assert.equal(lookupParam(params, 'models.0.name').pos?.line, 16);
    assert.equal(lookupParam(params, 'derived.dropout').value, 0.1, 'merge keys are followed');
    assert.equal(lookupParam(params, 'derived.seed').value, 7);
    assert.equal(lookupParam(params, 'train.nope').found, false);
    assert.equal(lookupParam(params, 'models.9').found, false);
    assert.equal(lookupParam(params, 'train.lr.x').found, false);
  });

  it('gives positions in JSON, TOML and Python files too', async () => {
    const json = await readParamsFile(path.join(DVC_FIXTURES, 'params', 'params.json'));
    assert.equal(lookupParam(json, 'nested.a.b').pos?.line, 7);
    const toml = await readParamsFile(path.join(DVC_FIXTURES, 'params', 'params.toml'));
    assert.deepEqual(lookupParam(toml, 'train.optimizer').pos, { file: toml.file, line: 19, column: 1 });
    assert.equal(lookupParam(toml, 'runs.1.name').value, 'second');
    const py = await readParamsFile(path.join(DVC_FIXTURES, 'params', 'params.py'));
    assert.deepEqual(lookupParam(py, 'Train.momentum').pos?.line, 24);
    assert.equal(lookupParam(py, 'NOT_LITERAL').found, false, 'a value that is not a literal is skipped, as DVC does');
  });

  it('records listed keys flattened and a whole file as its top-level keys', async () => {
    const params = await readParamsFile(path.join(DVC_FIXTURES, 'params', 'params.yaml'));
    const some = paramValues(params, ['train.epochs', 'models.0.width', 'missing.key']);
    assert.deepEqual([...some.keys()], ['train.epochs', 'models.0.width']);
    assert.deepEqual(toPlain(some), { 'train.epochs': 10, 'models.0.width': 64 });
    const whole = paramValues(params, []);
    assert.deepEqual([...whole.keys()], ['train', 'models', 'base', 'derived', 'quoted key']);
  });

  it('keeps 1.0 a float and 1 an int', () => {
    const loaded = parseParamsText('a: 1.0\nb: 1\n', 'p.yaml');
    const a = lookupParam(loaded, 'a').value;
    assert.ok(a instanceof PyFloat);
    assert.equal(lookupParam(loaded, 'b').value, 1);
  });

  it('reports a missing file as not existing, and bad files at their line', async () => {
    const missing = await readParamsFile(path.join(DVC_FIXTURES, 'params', 'nope.yaml'));
    assert.equal(missing.exists, false);
    assert.deepEqual(missing.problems, []);
    const bad = parseParamsText('a: 1\nb: [1, 2\n', 'p.yaml');
    assert.equal(bad.value, undefined);
    assert.equal(bad.problems[0].severity, 'error');
    const badJson = parseParamsText('{"a": 1,\n "b": }', 'p.json');
    assert.equal(badJson.problems[0].line, 2);
    const badToml = parseParamsText('a = 1\nb = what\n', 'p.toml');
    assert.equal(badToml.problems[0].line, 2);
    const folder = await readParamsFile(path.join(DVC_FIXTURES, 'params'));
    assert.match(folder.problems[0].message, /is a directory/);
  });

  it('does not treat its own fixtures as anything but params', () => {
    assert.ok(fs.existsSync(path.join(DVC_FIXTURES, 'params', 'expected.json')));
  });
});
