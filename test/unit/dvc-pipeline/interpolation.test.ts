// `${...}` as DVC resolves it; the expected strings are what DVC 3.67's to_str/Context produced for the same input.
import assert from 'node:assert/strict';
import { checkSyntax, InterpolationContext, InterpolationError, shellQuote, toText } from '../../../src/core/dvc/pipeline/interpolation';
import { PyDict, PyFloat } from '../../../src/core/dvc/pipeline/pyValue';
import { parseParamsText } from '../../../src/core/dvc/pipeline/paramsFile';

function context(yaml: string): InterpolationContext {
  const c = new InterpolationContext();
  c.merge(parseParamsText(yaml, 'params.yaml').value as PyDict, 'params.yaml');
  return c;
}

describe('dvc pipeline: interpolation', () => {
  const ctx = context('lr: 0.001\none: 1.0\nn: 3\nflag: true\nnothing: null\nbig: 1e16\nmodels:\n  - name: cnn\n  - name: rnn\nargs:\n  a: {b: 1, c: {}}\n  e: {}\n  f: [1, "x y", true, null, 1.0]\n  g: false\n  h: true\n  i: null\n  j: "it\'s"\n  k: 2.5e-7\n  l: []\n');

  it('writes values inside text as DVC does', () => {
    assert.equal(ctx.resolveString('lr=${lr} one=${one} n=${n} flag=${flag} none=${nothing} big=${big}', 'cmd'), 'lr=0.001 one=1.0 n=3 flag=true none=None big=1e+16');
  });

  it('keeps the value itself when the string is exactly one interpolation', () => {
    assert.equal(ctx.resolveString('${n}', 'deps'), 3);
    assert.ok(ctx.resolveString('${one}', 'deps') instanceof PyFloat);
    assert.equal(ctx.resolveString('${flag}', 'frozen'), true);
  });

  it('selects dotted, indexed, negative-indexed and spaced keys', () => {
    assert.equal(ctx.resolveString('${models[0].name}/${models.1.name}/${models[-1].name}/${ n }', 'cmd'), 'cnn/rnn/rnn/3');
  });

  it('unpacks a dict in cmd into flags (DVC to_str)', () => {
    assert.equal(ctx.resolveString('python t.py ${args}', 'cmd'), `python t.py --a.b 1 --f 1 'x y' True None 1.0 --h --i None --j 'it'"'"'s' --k 2.5e-07`);
    const d = PyDict.from([['f', [1, 2]], ['g', false]]);
    assert.equal(toText(d, { list: 'append', bool: 'boolean_optional' }), '--f 1 --f 2 --no-g');
    assert.throws(() => toText(PyDict.from([['f', [[1]]]])), /Cannot interpolate nested iterable in 'f'/);
  });

  it('refuses lists and dicts inside text, except a dict in cmd', () => {
    assert.throws(() => ctx.resolveString('data/${models}', 'deps'), (e: unknown) => e instanceof InterpolationError && e.message === "Cannot interpolate data of type 'list'");
    assert.throws(() => ctx.resolveString('${args}', 'outs'), /Cannot interpolate data of type 'dict'/);
    assert.ok(ctx.resolveString('${models}', 'foreach'), 'foreach data may be a list');
  });

  it('says which key it could not find', () => {
    assert.throws(() => ctx.resolveString('${models[5].name}', 'cmd'), /^InterpolationError: Could not find 'models\.5\.name'$/);
    assert.throws(() => ctx.resolveString('${lr.x}', 'cmd'), /Could not find 'lr\.x'/);
  });

  it('leaves escaped \\${ as a literal ${', () => {
    assert.equal(ctx.resolveString('echo \\${HOME} ${n}', 'cmd'), 'echo ${HOME} 3');
  });

  it('checks expression syntax as DVC\'s grammar does', () => {
    assert.throws(() => checkSyntax('${a..b}'), /invalid interpolation/);
    assert.throws(() => checkSyntax('${}'), /invalid interpolation/);
    assert.throws(() => checkSyntax(PyDict.from([['${a[}', 'x']])), /invalid interpolation/);
    checkSyntax(['${a.b[0].c}', '${ spaced }', 'no interpolation']);
  });

  it('merges vars like DVC: dicts deep, a leaf twice is an error naming both sources', () => {
    const c = context('train: {lr: 1}');
    c.merge(PyDict.from([['train', PyDict.from([['epochs', 2]])]]), 'vars[0]');
    assert.equal(c.select('train.epochs'), 2);
    assert.throws(() => c.merge(PyDict.from([['train', PyDict.from([['lr', 3]])]]), 'vars[1]'), /cannot redefine 'train\.lr' from 'vars\[1\]' as it already exists in 'params\.yaml'/);
  });

  it('reserves item and key while a foreach stage is generated', () => {
    const c = context('a: 1');
    c.withTemporary([['item', 5]], () => {
      assert.equal(c.select('item'), 5);
      assert.throws(() => c.merge(PyDict.from([['item', 1]]), 'vars[0]'), /attempted to modify reserved key item$/);
    });
    assert.equal(c.has('item'), false);
  });

  it('quotes shell words as Python\'s shlex.quote', () => {
    assert.equal(shellQuote('abc-1.2/x=y:z,@%+'), 'abc-1.2/x=y:z,@%+');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), `'it'"'"'s'`);
  });
});
