// Small measuring helpers shared by the benchmark cases (each case runs in its own process).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Peak and current resident set of this process (all threads), in bytes, from /proc (Linux). */
export function residentBytes() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    const rss = process.memoryUsage().rss;
    return { rss, peak: NaN };
  }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Requires a module compiled by tsc from the repo's sources (CommonJS), from the build dir given with --build. */
export function compiled(buildDir, relativeTsPath) {
  const require = createRequire(import.meta.url);
  return require(path.join(path.resolve(buildDir), relativeTsPath.replace(/\.ts$/, '.js')));
}

/** `--name value` pairs from argv. */
export function options(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[argv[i].slice(2)] = true;
    else out[argv[(i += 1) - 1].slice(2)] = next;
  }
  return out;
}

export function printResult(result) {
  console.log(JSON.stringify(result));
}
