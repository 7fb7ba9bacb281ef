import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds a file shipped next to the bundle (dist/ in the .vsix and the CLI), or, when running from
 * compiled sources in tests, inside node_modules. `moduleFile` is the package-relative path to fall back to.
 */
export function locateAsset(fileName: string, moduleFile: string, bundleDir: string = __dirname): string {
  const beside = path.join(bundleDir, fileName);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(moduleFile);
}
