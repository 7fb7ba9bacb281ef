// Type-checks webview/ (with the DOM lib) once it holds a panel; until then there is nothing to check, which tsc
// would report as an error (TS18003).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const hasTs = (dir) => existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.ts') && !String(f).endsWith('.d.ts'));
if (!hasTs('webview') && !hasTs('src/protocol')) {
  console.log('webview/: no panel yet, nothing to type-check');
} else {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'webview', '--noEmit'], { stdio: 'inherit' });
}
