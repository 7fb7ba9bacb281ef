import { cp, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lightningCsvStoreRef } from '../../../src/core/lightning/lightningStore';
import type { MetricPoint, StoreRef } from '../../../src/core/runs/types';

export const FIXTURES = path.join(process.cwd(), 'test', 'fixtures', 'lightning');
export const LOGS = path.join(FIXTURES, 'lightning_logs');

type JsonNumber = number | 'nan' | 'inf' | '-inf';

export interface ExpectedLightning {
  lightning: string;
  versions: Record<
    string,
    {
      params: Record<string, string>;
      metrics: Record<string, { step: number; timestamp: null; value: JsonNumber }>;
      histories: Record<string, Array<[number, null, JsonNumber]>>;
    }
  >;
  flushes: string[];
}

export async function expectedLightning(): Promise<ExpectedLightning> {
  return JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedLightning;
}

export function toNumber(v: JsonNumber): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;
}

export async function mtimeOf(file: string): Promise<number> {
  return Math.floor((await stat(file)).mtimeMs);
}

/** expected.json's points, timed by the file's mtime (metrics.csv holds no times). */
export function withTime(points: Array<[number, null, JsonNumber]>, time: number): MetricPoint[] {
  return points.map(([step, , value]) => ({ step, timestamp: time, value: toNumber(value) }));
}

/** A writable copy of the fixture's lightning_logs in a temp folder, file times kept. */
export async function copyLogs(): Promise<{ tmp: string; root: string; ref: StoreRef }> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlops-lightning-'));
  const root = path.join(tmp, 'lightning_logs');
  await cp(LOGS, root, { recursive: true, preserveTimestamps: true });
  return { tmp, root, ref: lightningCsvStoreRef(root) };
}
