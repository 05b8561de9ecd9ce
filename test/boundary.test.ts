/**
 * DESIGN.md §1: src/core imports nothing from adapters/, agents/engines, src/store drivers,
 * src/http, src/entry, or any SDK. Only src/entry picks concrete parts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths.ts';

/** Packages the core may use: validation, id generation and YAML parsing, nothing that talks to the world. */
const CORE_PACKAGES = new Set(['zod', 'ulidx', 'yaml']);
const FORBIDDEN_DIRS = ['adapters', 'agents/engines', 'src/store', 'src/http', 'src/entry', 'src/cli', 'src/console'];

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2])!);
  return specifiers;
}

/** The violations in one core file: forbidden folders and SDK packages. */
export function violations(file: string, source: string): string[] {
  const found: string[] = [];
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith('node:')) continue;
    if (specifier.startsWith('.')) {
      const target = relative(ROOT, resolve(dirname(file), specifier)).replace(/\\/g, '/');
      if (FORBIDDEN_DIRS.some((dir) => target === dir || target.startsWith(`${dir}/`))) found.push(`${specifier} → ${target}`);
      continue;
    }
    const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    if (!CORE_PACKAGES.has(pkg)) found.push(`${specifier} (package)`);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(path) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('import boundary of src/core', () => {
  it('detects a forbidden import (the check itself works)', () => {
    const file = join(ROOT, 'src/core/example.ts');
    expect(violations(file, "import { x } from '../store/sqlite/index.ts';")).toHaveLength(1);
    expect(violations(file, "import twilio from 'twilio';")).toHaveLength(1);
    expect(violations(file, "const m = await import('../../adapters/sms/index.ts');")).toHaveLength(1);
    expect(violations(file, "import { z } from 'zod';\nimport type { Store } from './ports.ts';")).toEqual([]);
  });

  it('holds for every core file', () => {
    const files = tsFiles(join(ROOT, 'src/core'));
    expect(files.length).toBeGreaterThan(5);
    const report = files.flatMap((file) => violations(file, readFileSync(file, 'utf8')).map((v) => `${relative(ROOT, file)}: ${v}`));
    expect(report).toEqual([]);
  });
});

describe('engines know no deployment', () => {
  it("names none of the demo deployment's routes, intents or templates in engine or core code", async () => {
    const { loadDeployment } = await import('../config/deployment/index.ts');
    const { graph } = loadDeployment();
    const names = new Set<string>([
      ...Object.keys(graph.triage.intents),
      ...graph.agents.flatMap((a) => [a.route, ...Object.keys(a.templates), ...Object.keys(a.tickets), ...Object.keys(a.cases)]),
    ]);
    // Names the engines define themselves, not the deployment: templates the graph schema requires
    // (one per order status), the agent kinds, and the engine's own fallback intent.
    const { REQUIRED_ORDER_TEMPLATES } = await import('../agents/graph.ts');
    for (const own of [...REQUIRED_ORDER_TEMPLATES, 'knowledge', 'orders', 'handoff', 'unsure', 'verification_failed', 'not_found_for_you']) names.delete(own);
    const files = [...tsFiles(join(ROOT, 'agents', 'engines')), ...tsFiles(join(ROOT, 'src', 'core'))].filter((f) => !f.includes('/training/'));
    const found = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') // comments may give examples
        .replace(/const SHORTHAND[\s\S]*?\n\}\)\);/, ''); // English words, not routes ("acct" → "account")
      return [...names].filter((name) => new RegExp(`['"\`]${name}['"\`]`).test(source)).map((name) => `${relative(ROOT, file)}: '${name}'`);
    });
    expect(found).toEqual([]);
  });
});

/** The channel adapters, which reach the core through ChannelContext only (DESIGN.md §3); `workers` holds the Workers build's. */
const CHANNEL_ADAPTERS = ['web', 'sms', 'email', 'slack', 'workers'].map((channel) => join(ROOT, 'adapters', channel));

/** Where one channel adapter file goes around its ChannelContext: the store, its repository or the pipeline itself. */
export function adapterViolations(file: string, source: string): string[] {
  const found = importsOf(source)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(dirname(file), specifier)).replace(/\\/g, '/'))
    .filter((target) => target.startsWith('src/store/'));
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  for (const match of code.matchAll(/\b(?:repo|store)\.[A-Za-z]+\s*\(|\b(?:Store|Repository|Pipeline|AdapterContext)\b(?=[^'"]*from\s+['"][^'"]*ports\.ts)/g)) found.push(match[0]);
  return found;
}

describe('channel adapters reach the core only through their ChannelContext', () => {
  it('detects an adapter using the store (the check itself works)', () => {
    const file = join(ROOT, 'adapters/sms/routes.ts');
    expect(adapterViolations(file, "await store.repo.setOptOut('sms', to, true, now);")).toHaveLength(1);
    expect(adapterViolations(file, "await context.store.transaction(async (repo) => repo.markProcessed('twilio', sid, now));")).toHaveLength(2);
    expect(adapterViolations(file, "import type { ChannelContext, Store } from '../../src/core/ports.ts';")).toEqual(['Store']);
    expect(adapterViolations(file, "import { createSqliteStore } from '../../src/store/sqlite/index.ts';")).toEqual(['src/store/sqlite/index.ts']);
    expect(adapterViolations(file, "await context.optOuts.set('sms', to, true); // not store.repo.setOptOut(…)")).toEqual([]);
  });

  it('holds for every file of the web, SMS, email and Slack adapters, on Node and on Workers', () => {
    const files = CHANNEL_ADAPTERS.flatMap(tsFiles);
    expect(files.length).toBeGreaterThan(20);
    const report = files.flatMap((file) => adapterViolations(file, readFileSync(file, 'utf8')).map((v) => `${relative(ROOT, file)}: ${v}`));
    expect(report).toEqual([]);
  });
});
