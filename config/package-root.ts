/**
 * The folder that holds Frontdesk's package.json: migrations, the demo deployment and the built
 * front-end bundles are found from here. Found by walking up from this module, because it runs
 * from two places: the TypeScript sources (config/, under tsx) and the compiled copy (dist/config/,
 * under plain node), one level deeper.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}: Frontdesk's files are missing.`);
  }
}

// A Workers bundle has neither a module URL nor the package's files (src/entry/worker.ts gets
// them as static assets): paths under this root are built there but never read.
export const PACKAGE_ROOT = import.meta.url ? findRoot(dirname(fileURLToPath(import.meta.url))) : '/frontdesk-package';

/** A path inside the package, e.g. packagePath('migrations', 'sqlite'). */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
