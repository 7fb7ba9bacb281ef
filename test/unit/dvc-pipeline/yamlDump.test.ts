// Our YAML writer against DVC's (ruamel round-trip dumper), byte for byte, on the cases yamlCases.py recorded; and our
// loader against ruamel's safe loader reading the same text back.
import assert from 'node:assert/strict';
import { dumpYaml } from '../../../src/core/dvc/pipeline/yamlDump';
import { loadYaml, resolvePlainTag } from '../../../src/core/dvc/pipeline/yamlLoad';
import { pyEquals, pythonFloatRepr, PyDict } from '../../../src/core/dvc/pipeline/pyValue';
import { readJson, untag, type Tagged } from './helpers';

interface YamlCases {
  cases: { data: Tagged; yaml: string; reloaded?: Tagged }[];
  floats: [string, string][];
}

/** Characters ruamel's reader treats as line breaks inside quoted scalars, unlike YAML 1.2 (and the yaml package). */
const RUAMEL_BREAKS = /[\u2028\u2029\x85]/;

describe('dvc pipeline: YAML written as DVC writes it', () => {
  const { cases, floats } = readJson<YamlCases>('yamlCases.json');

  it('has the recorded cases', () => {
    assert.ok(cases.length >= 100);
  });

  it('writes every case byte for byte as ruamel did', () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const ours = dumpYaml(untag(c.data));
      if (ours !== c.yaml) {
        const a = c.yaml.split('\n');
        const b = ours.split('\n');
        let line = 0;
        while (a[line] === b[line]) line++;
        failures.push(`case ${i}, line ${line + 1}: ruamel ${JSON.stringify(a[line])}, ours ${JSON.stringify(b[line])}`);
      }
    });
    assert.deepEqual(failures, []);
  });

  it('reads every case back as ruamel\'s safe loader does', () => {
    let compared = 0;
    const failures: string[] = [];
    cases.forEach((c, i) => {
      if (c.reloaded === undefined || RUAMEL_BREAKS.test(c.yaml)) return;
      compared++;
      const loaded = loadYaml(c.yaml, 'case.yaml');
      if (loaded.value === undefined) failures.push(`case ${i}: ${loaded.problems[0]?.message}`);
      else if (!pyEquals(loaded.value, untag(c.reloaded)) && !c.yaml.includes('.nan')) failures.push(`case ${i} differs`);
    });
    assert.ok(compared >= 60, `compared ${compared}`);
    assert.deepEqual(failures, []);
  });

  it('writes floats as Python\'s repr', () => {
    for (const [bits, repr] of floats) {
      const x = Buffer.from(bits, 'hex').readDoubleBE(0);
      assert.equal(pythonFloatRepr(x), repr, bits);
    }
  });

  it('quotes strings that YAML 1.2 would read as another type, and only those', () => {
    const dump = (s: string) => dumpYaml(PyDict.from([['k', s]])).slice(3, -1);
    assert.equal(dump('2.0'), "'2.0'");
    assert.equal(dump('true'), "'true'");
    assert.equal(dump('null'), "'null'");
    assert.equal(dump('0o17'), "'0o17'");
    assert.equal(dump('2024-01-01'), "'2024-01-01'");
    assert.equal(dump('yes'), 'yes');
    assert.equal(dump('on'), 'on');
    assert.equal(dump("it's"), "it's");
    assert.equal(dump('a: b'), "'a: b'");
    assert.equal(dump('line\nbreak'), '"line\\nbreak"');
    assert.equal(resolvePlainTag('1_000'), 'int');
    assert.equal(resolvePlainTag('1e3'), 'float');
    assert.equal(resolvePlainTag('Yes'), 'str');
  });
});
