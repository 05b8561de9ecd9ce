/**
 * `npm run build` (also `prepare`, so `npm install` in a checkout runs it, and `npm pack` before
 * packing): compiles the server-side TypeScript into dist/ for plain `node`
 * (src/cli/tsconfig.build.json) and builds the widget and console bundles into dist/widget and
 * dist/console. A build tool run with tsx from the sources; it is not compiled itself.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packagePath } from '../../config/package-root.ts';
import { CONSOLE_BUNDLE, DIST_DIR, ensureBuilt, WIDGET_BUNDLE } from '../console/assets.ts';

/** The compiled top-level folders under dist/ (rootDir is the package). */
const COMPILED_DIRS = ['src', 'adapters', 'agents', 'config'];
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => process.stdout.write(`build: ${line}\n`);

const started = performance.now();
// A clean compile: the output of a deleted or renamed source must not linger, nor ship.
for (const dir of COMPILED_DIRS) rmSync(join(DIST_DIR, dir), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', packagePath('src', 'cli', 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
log(`compiled TypeScript in ${seconds(started)}`);

// Skipped when up to date: each bundle carries the fingerprint of the sources it was built from.
const bundling = performance.now();
await Promise.all([ensureBuilt(WIDGET_BUNDLE, log), ensureBuilt(CONSOLE_BUNDLE, log)]);
log(`assets ready in ${seconds(bundling)}; done in ${seconds(started)}`);
