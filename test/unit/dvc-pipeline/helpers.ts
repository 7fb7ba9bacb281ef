import fs from 'node:fs';
import path from 'node:path';
import { dvcScalarText, isDict, isFloat, isInt, makeFloat, makeInt, newDict, numericValue, setNonStringKey, type PyScalar, type PyValue } from '../../../src/core/dvc/pipeline/pyValue';

/** test/fixtures/dvc: repos made and run by real DVC (generate.py), broken cases (bad/), dumper cases (yamlCases.py). */
export const DVC_FIXTURES = path.join(process.cwd(), 'test', 'fixtures', 'dvc');

export function fixtureRepoNames(): string[] {
  return fs.readdirSync(path.join(DVC_FIXTURES, 'repos')).sort();
}

export function readJson<T>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(DVC_FIXTURES, ...parts), 'utf8')) as T;
}

/** Tagged JSON from the Python generators back to Python-typed values ({"$int"}, {"$float"}, {"$dict"}). */
export type Tagged = null | boolean | string | Tagged[] | { $int: string } | { $float: string } | { $dict: [Tagged, Tagged][] };

export function untag(v: Tagged): PyValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(untag);
  if ('$int' in v) return makeInt(BigInt(v.$int));
  if ('$float' in v) return makeFloat(pythonFloat(v.$float));
  const d = newDict();
  for (const [k, x] of v.$dict) {
    const key = untag(k) as PyScalar;
    const text = typeof key === 'string' ? key : dvcScalarText(key);
    d.set(text, untag(x));
    if (typeof key !== 'string') setNonStringKey(d, text, key);
  }
  return d;
}

export function pythonFloat(repr: string): number {
  if (repr === 'nan') return NaN;
  if (repr === 'inf') return Infinity;
  if (repr === '-inf') return -Infinity;
  return Number(repr);
}

/** Equality that also tells Python's int from float and keeps mapping order (pyEquals says `1 == 1.0`). */
export function typedDiff(a: PyValue | undefined, b: PyValue | undefined, at = ''): string | undefined {
  const kind = (v: PyValue | undefined) =>
    v === undefined ? 'missing' : v === null ? 'None' : Array.isArray(v) ? 'list' : isDict(v) ? 'dict' : isFloat(v) ? 'float' : isInt(v) ? 'int' : typeof v;
  if (kind(a) !== kind(b)) return `${at || 'value'}: ${kind(a)} vs ${kind(b)}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = typedDiff(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isDict(a) && isDict(b)) {
    const ka = [...a.keys()];
    const kb = [...b.keys()];
    if (ka.join('\u0000') !== kb.join('\u0000')) return `${at}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
    for (const k of ka) {
      const d = typedDiff(a.get(k), b.get(k), `${at}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined && typeof a !== 'boolean') return Object.is(na, nb) || (Number.isNaN(na as number) && Number.isNaN(nb as number)) ? undefined : `${at}: ${String(na)} vs ${String(nb)}`;
  return a === b ? undefined : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
