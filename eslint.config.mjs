// Lint, and above all the layering rule: extension -> features -> platform -> core.
// core and protocol never see `vscode`; protocol imports nothing outside itself; webviews import only protocol (and types from core).
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'src/core, src/protocol, src/cli and webview/ must not import the VS Code API: put that code in src/platform or src/features.' };
const layer = (files, patterns, paths = []) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
});
const up = (dirs) => dirs.map((d) => ({ group: [`**/${d}/*`, `**/${d}`], message: `This layer may not import from ${d}/ (dependencies point extension -> features -> platform -> core).` }));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'tools/**', '.venv/**', 'test-results/**', 'demo/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name=/^(it|describe|suite|test)$/][callee.property.name=/^(only|skip)$/]", message: 'No focused or skipped tests.' }],
    },
  },
  layer(['src/core/**/*.ts'], up(['platform', 'features', 'cli', 'protocol', 'webview']), [noVscode]),
  // Protocol files import only each other (the shared message checks), nothing outside src/protocol.
  layer(['src/protocol/**/*.ts'], [{ regex: '^(?!\\./[^/]+$)', message: 'src/protocol imports nothing outside src/protocol.' }], [noVscode]),
  layer(['src/platform/**/*.ts'], up(['features', 'cli'])),
  layer(['src/features/**/*.ts'], up(['cli'])),
  layer(['src/cli/**/*.ts'], up(['platform', 'features']), [noVscode]),
  // Exception: core's EMA (import-free, pure) runs in the Compare webview too, so both sides smooth the same way.
  layer(['webview/**/*.ts'], [
    { regex: '/src/core/(?!compare/smoothing$)', allowTypeImports: true, message: 'Webviews import only src/protocol (and types from src/core).' },
    { group: ['**/src/platform/**', '**/src/features/**'], allowTypeImports: true, message: 'Webviews import only src/protocol (and types from src/core).' },
  ], [noVscode]),
);
