/**
 * Front-end bundles (web widget, staff console), built with Vite into dist/<name>/.
 *
 * Compiled code (`npm run build`, which `npm install` runs as `prepare`; the published package)
 * serves the bundles that were built with it and never loads Vite, a dev dependency. From the
 * TypeScript sources (`npm run dev`, the tests) a bundle is built at first use when missing or
 * older than its sources, so a source edit shows up after a restart without a separate build step.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { PACKAGE_ROOT } from '../../config/package-root.ts';

/** Built bundles live here (git-ignored), beside the compiled code. */
export const DIST_DIR = join(PACKAGE_ROOT, 'dist');
/** This module runs compiled (dist/…/assets.js), so `npm run build` built the bundles with it. */
const COMPILED = import.meta.url?.endsWith('.js') ?? false;

export interface AssetBundle {
  /** Folder name under dist/. */
  name: string;
  /** The Vite config that builds it. */
  configFile: string;
  /** Everything the bundle is built from; a change here triggers a rebuild. */
  sourceDirs: string[];
}

/** The chat widget: one self-contained IIFE, dist/widget/widget.js. */
export const WIDGET_BUNDLE: AssetBundle = {
  name: 'widget',
  configFile: join(PACKAGE_ROOT, 'adapters/web/widget/vite.config.ts'),
  sourceDirs: [join(PACKAGE_ROOT, 'adapters/web/widget/src'), join(PACKAGE_ROOT, 'adapters/web/widget/vite.config.ts')],
};

/** The staff console: a single-page app served under /console/. */
export const CONSOLE_BUNDLE: AssetBundle = {
  name: 'console',
  configFile: join(PACKAGE_ROOT, 'src/console/vite.config.ts'),
  // The article preview renders with the channels' Markdown renderer.
  sourceDirs: [join(PACKAGE_ROOT, 'src/console/ui'), join(PACKAGE_ROOT, 'src/render/markdown.ts'), join(PACKAGE_ROOT, 'src/console/vite.config.ts')],
};

function listFiles(path: string, out: string[] = []): string[] {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    listFiles(join(path, entry), out);
  }
  return out;
}

/** Content hash of the sources, so a checkout or an edit (not just a newer mtime) triggers a rebuild. */
export function fingerprint(bundle: AssetBundle): string {
  const hash = createHash('sha256');
  for (const file of bundle.sourceDirs.flatMap((dir) => listFiles(dir))) {
    hash.update(relative(PACKAGE_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const STAMP = '.fingerprint';
const building = new Map<string, Promise<string>>();

/**
 * Resolves to the bundle's output folder. Compiled: the prebuilt one, as it is. From the sources:
 * built first when missing or stale; concurrent callers share one build.
 */
export function ensureBuilt(bundle: AssetBundle, log: (line: string) => void = () => undefined): Promise<string> {
  if (COMPILED) return prebuilt(bundle);
  let pending = building.get(bundle.name);
  if (!pending) {
    pending = build(bundle, log);
    building.set(bundle.name, pending);
    // A failed build may be retried by the next request.
    pending.catch(() => building.delete(bundle.name));
  }
  return pending;
}

async function prebuilt(bundle: AssetBundle): Promise<string> {
  const outDir = join(DIST_DIR, bundle.name);
  if (!existsSync(join(outDir, STAMP))) throw new Error(`The ${bundle.name} assets are missing from ${outDir}: run \`npm run build\`.`);
  return outDir;
}

async function build(bundle: AssetBundle, log: (line: string) => void): Promise<string> {
  const outDir = join(DIST_DIR, bundle.name);
  const wanted = fingerprint(bundle);
  const stamp = join(outDir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return outDir;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (error) {
    // Installed without dev dependencies: serve what was built before, if anything.
    if (existsSync(outDir)) return outDir;
    throw new Error(`Cannot build the ${bundle.name} assets: vite is not installed (${(error as Error).message}).`);
  }
  mkdirSync(DIST_DIR, { recursive: true });
  // Build beside the target and swap it in, so a reader (or a second process) never sees half a build.
  const tmp = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  const started = Date.now();
  await vite.build({ configFile: bundle.configFile, logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
  writeFileSync(join(tmp, STAMP), wanted);
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(tmp, outDir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    // Another process swapped in the same build first.
    if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted)) throw error;
  }
  log(`built ${bundle.name} assets in ${Date.now() - started} ms${sizeNote(outDir)}`);
  return outDir;
}

function sizeNote(outDir: string): string {
  const files = listFiles(outDir).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const raw = files.reduce((n, f) => n + statSync(f).size, 0);
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
  return ` (js+css ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped)`;
}

/** Gzipped size of one built file in bytes. */
export function gzippedSize(file: string): number {
  return gzipSync(readFileSync(file)).length;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Answers with a file of a built bundle, or null when there is none. Hashed file names (Vite's
 * assets/) are cached for a year; everything else is revalidated.
 */
export function serveFile(c: Context, outDir: string, path: string): Response | null {
  const file = resolve(outDir, `.${sep}${path}`);
  if (!file.startsWith(outDir + sep) || !existsSync(file) || !statSync(file).isFile() || file.endsWith(STAMP)) return null;
  const immutable = relative(outDir, file).startsWith(`assets${sep}`);
  return c.body(readFileSync(file), 200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
}
