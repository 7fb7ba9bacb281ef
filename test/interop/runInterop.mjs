// Runs every interop script (test/interop/*.interop.mjs) one after another and sums their counts.
// Each script checks our code against a real tool (MLflow, DVC, a tracking server...) and ends with
// "interop: N passed, M failed". Ends with the same line for all of them; exits 1 if any script failed.
//   node test/interop/runInterop.mjs [name-substring...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here).filter((f) => f.endsWith('.interop.mjs') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
let passed = 0;
let failed = 0;
for (const script of scripts) {
  console.log(`\n# ${script}`);
  const res = spawnSync(process.execPath, [path.join(here, script)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  process.stdout.write(res.stdout ?? '');
  const counts = [...(res.stdout ?? '').matchAll(/^interop: (\d+) passed, (\d+) failed/gm)].pop();
  passed += Number(counts?.[1] ?? 0);
  failed += Number(counts?.[2] ?? 0);
  if (res.status !== 0 && Number(counts?.[2] ?? 0) === 0) failed++; // a script that failed without a failing check counts once
}
console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
