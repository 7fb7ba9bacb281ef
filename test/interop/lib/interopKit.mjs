// What every interop script (test/interop/*.interop.mjs) shares: `ok - ` / `FAIL - ` lines with their counts, the
// closing `interop: N passed, M failed` line and exit code, running a tool, and loading the compiled sources.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const require = createRequire(import.meta.url);

/**
 * Counts and prints checks. `check(name, problems)` passes when `problems` is empty and otherwise prints at most
 * `maxProblems` of them (a long list would bury the other checks). `finish()` prints the closing line and exits:
 * 1 on any failure, or when nothing passed (a script that checked nothing proved nothing).
 */
export function interopChecks({ maxProblems = Infinity } = {}) {
  let passed = 0;
  let failed = 0;
  function check(name, problems) {
    if (problems.length === 0) {
      passed++;
      console.log(`ok - ${name}`);
      return;
    }
    failed++;
    console.log(`FAIL - ${name}`);
    for (const p of problems.slice(0, maxProblems)) console.log(`    ${p}`);
    if (problems.length > maxProblems) console.log(`    ... ${problems.length - maxProblems} more`);
  }
  function finish() {
    console.log(`interop: ${passed} passed, ${failed} failed`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);
  }
  return { check, finish };
}

/** Runs a command to its end and returns its stdout; throws (with stderr on the error) when it exits non-zero. */
export function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** A module of the TypeScript build in `build` (tsc's CommonJS output), or a clear error saying how to make it. */
export function compiledModule(build, rel, howToBuild = 'npx tsc -p .') {
  const file = path.join(build, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: compile first (${howToBuild})`);
  return require(file);
}

/** Writes files given as { relativePath: content } below `dir`, making folders as needed. */
export function writeFiles(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}
