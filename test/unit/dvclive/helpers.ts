import { cp, mkdtemp, readFile, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dvcliveStoreRef } from '../../../src/core/dvclive/dvcliveStore';
import type { MetricPoint, StoreRef } from '../../../src/core/runs/types';

export const FIXTURES = path.join(process.cwd(), 'test', 'fixtures', 'dvclive');

/** A number, or "nan" / "inf" / "-inf" where JSON has none. */
export type JsonNumber = number | 'nan' | 'inf' | '-inf';

export interface ExpectedDvclive {
  dvclive: string;
  fixtures: Record<
    string,
    {
      params: Record<string, string>;
      metrics: Record<string, { step: number; timestamp: number | null; value: JsonNumber; timeFrom: string }>;
      histories: Record<string, Array<[number, number | null, JsonNumber]>>;
      summaryStep: number;
    }
  >;
}

export async function expectedDvclive(): Promise<ExpectedDvclive> {
  return JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedDvclive;
}

export function toNumber(v: JsonNumber): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;
}

export async function mtimeOf(file: string): Promise<number> {
  return Math.floor((await stat(file)).mtimeMs);
}

/** The points expected.json lists, with the file's mtime where the file holds no time. */
export async function expectedPoints(points: Array<[number, number | null, JsonNumber]>, fileForTime: string): Promise<MetricPoint[]> {
  const mtime = await mtimeOf(fileForTime);
  return points.map(([step, timestamp, value]) => ({ step, timestamp: timestamp ?? mtime, value: toNumber(value) }));
}

/** A writable copy of one fixture folder (e.g. `basic/dvclive`) in a temp folder, with the files' times kept. */
export async function copyDvcliveFixture(name: string, parent?: string): Promise<{ tmp: string; dir: string; ref: StoreRef }> {
  const tmp = parent ?? (await mkdtemp(path.join(tmpdir(), 'mlops-dvclive-')));
  const dir = path.join(tmp, path.basename(name));
  await cp(path.join(FIXTURES, name), dir, { recursive: true, preserveTimestamps: true });
  return { tmp, dir, ref: dvcliveStoreRef(dir) };
}

/** Sets a file's times to `ms` (epoch ms). */
export async function touchAt(file: string, ms: number): Promise<void> {
  await utimes(file, ms / 1000, ms / 1000);
}
