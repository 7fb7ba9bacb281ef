import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('package.json contributes', () => {
  const declared = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const registered = new Set<string>();
  for (const f of sourceFiles(path.join(root, 'src'))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/register(?:Command)?\('(mlops\.[\w.]+)'/g)) registered.add(m[1]);
  }

  it('declares exactly the commands the code registers', () => {
    assert.ok(registered.size > 5, `found only ${registered.size} registered commands`);
    assert.deepEqual([...registered].sort(), [...declared].sort());
  });

  it('names every command mlops.<verb><Noun> with the MLOps category and an icon', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.command, /^mlops\.[a-z]+[A-Z]\w*$/, c.command);
      assert.equal(c.category, 'MLOps', c.command);
      assert.match(c.icon ?? '', /^\$\([\w-]+\)$/, `${c.command} has a codicon`);
    }
  });

  it('activates only on workspace contents, views and restored panels, never on *', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.every((e: string) => e.startsWith('workspaceContains:') || e.startsWith('onView:') || e.startsWith('onWebviewPanel:')));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/mlflow.db'));
  });

  it('menus refer only to declared commands', () => {
    for (const items of Object.values(pkg.contributes.menus) as { command: string }[][]) {
      for (const item of items) assert.ok(declared.has(item.command), `${item.command} is in a menu but not declared`);
    }
  });

  it('targets VS Code 1.100 with matching typings', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.equal(pkg.devDependencies['@types/vscode'], '1.100.0');
  });
});
