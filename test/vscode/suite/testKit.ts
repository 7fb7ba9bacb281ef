// What the in-host suites share: the extension's API, and waiting for a condition the extension reaches by itself.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MlopsTestApi } from '../../../src/extension';

export const EXTENSION_ID = 'mlops-workbench.mlops-workbench';

/** Activates the extension (already active: returns its API at once). Each suite then waits for what it needs. */
export async function activateExtension(): Promise<MlopsTestApi> {
  const ext = vscode.extensions.getExtension<MlopsTestApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.activate();
}

/** Polls `probe` every 100 ms until it gives a truthy value; fails after `ms` saying what it waited for. */
export async function until<T>(what: string | (() => string), probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
