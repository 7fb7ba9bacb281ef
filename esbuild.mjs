// Builds the extension, the CLI and the SQLite worker (and, later, one bundle per webview panel).
// Type-checking is apart (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev');
const common = {
  bundle: true, minify: !dev, sourcemap: dev ? 'linked' : false, logLevel: 'info', legalComments: 'none',
  platform: 'node', target: 'node20', format: 'cjs',
};
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/core/mlflow/sqlite/sqliteWorker.ts'], outfile: 'dist/sqliteWorker.js' },
  { ...common, entryPoints: ['src/core/dvc/hash/dvcHashWorker.ts'], outfile: 'dist/dvcHashWorker.js' },
  { ...common, entryPoints: ['src/core/mlflow/fileStore/metricReadWorker.ts'], outfile: 'dist/metricReadWorker.js' },
  // Webview panels: browser IIFEs (a CSS import becomes <name>.css beside the script).
  { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { compare: 'webview/compare/main.ts', dag: 'webview/dag/main.ts' }, outdir: 'dist/webview' },
];

// WASM binaries ship next to the bundles; core/wasm/locateWasm.ts looks there first.
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
copyFileSync(path.join(path.dirname(require.resolve('@journeyapps/wa-sqlite/package.json')), 'dist/wa-sqlite.wasm'), 'dist/wa-sqlite.wasm');
// Codicons for the webviews (<link id="vscode-codicon-stylesheet"> and vscode-icon use them): one stylesheet with
// the font inside, which each page carries, so a panel fetches nothing through the webview's service worker.
mkdirSync('dist/codicons', { recursive: true });
writeFileSync('dist/codicons/codicon-inline.css', codiconsWithFont());

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
  checkInlinable();
  const kb = (f) => (statSync(f).size / 1024).toFixed(0) + ' KB';
  console.log(`extension ${kb('dist/extension.js')}, cli ${kb('dist/cli.js')}, worker ${kb('dist/sqliteWorker.js')}, compare webview ${kb('dist/webview/compare.js')}`);
}

/**
 * Webview bundles are written inline into their page (src/platform/webviewHtml.ts): a "<!--" in a script could
 * make the HTML parser miss its end tag. esbuild writes "<\/script" in strings itself; this catches the rest.
 */
function checkInlinable() {
  for (const name of ['compare', 'dag']) {
    const script = readFileSync(`dist/webview/${name}.js`, 'utf8');
    if (script.includes('<!--')) throw new Error(`dist/webview/${name}.js contains "<!--": it cannot be put inline in its page. Write the string another way (e.g. "<" + "!--").`);
  }
}

/** @vscode/codicons' codicon.css with its font as a data: URL (the pages' CSP allows fonts only from data:). */
function codiconsWithFont() {
  const css = readFileSync(require.resolve('@vscode/codicons/dist/codicon.css'), 'utf8');
  const font = readFileSync(require.resolve('@vscode/codicons/dist/codicon.ttf')).toString('base64');
  const fontUrl = /url\("\.\/codicon\.ttf[^"]*"\)/;
  if (!fontUrl.test(css)) throw new Error('@vscode/codicons: codicon.css no longer names ./codicon.ttf; update esbuild.mjs');
  return css.replace(fontUrl, `url("data:font/ttf;base64,${font}")`);
}
