/**
 * The package as an operator gets it: `npm pack` (which builds it first, through `prepare`), the
 * tarball installed into an empty folder, `npx frontdesk serve` on a free port with a fresh
 * SQLite file; then the widget, the console, a conversation and /metrics, all from that install.
 *
 * The folder gets the project's lockfile, so npm takes every dependency at the version the suites
 * ran with, from its cache where it is there (`--prefer-offline`: `npm ci` caches tarballs but not
 * always the registry's package documents, which npm asks the registry for); better-sqlite3's
 * install finds its binary in a local prebuilds folder (below) instead of downloading one.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeVariables } from '../../config/env.ts';
import { freePort } from '../support/free-port.ts';
import { MODEL_CACHE_DIR, ROOT } from '../support/paths.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const METRICS_TOKEN = 'package-test-scrape-token';
// Hang guard for building, packing and installing on a loaded 2-core machine, not a speed limit.
const SETUP_TIMEOUT_MS = 15 * 60_000;

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/**
 * better-sqlite3's install script (prebuild-install) takes a prebuilt binary from a local folder
 * before downloading one from GitHub or compiling SQLite (about 80 s of CPU, 3-4 minutes on a
 * loaded 2-core machine). Handed the binary the suites run with (same version, same Node ABI),
 * the install stays offline and quick. Where the name does not match (musl), it compiles.
 */
function localPrebuilds(dir: string): NodeJS.ProcessEnv {
  const pkg = join(ROOT, 'node_modules', 'better-sqlite3');
  const binary = 'build/Release/better_sqlite3.node';
  if (!existsSync(join(pkg, binary))) return {};
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const prebuilds = join(dir, 'prebuilds');
  mkdirSync(prebuilds);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(prebuilds, name), '-C', pkg, binary]);
  return { npm_config_better_sqlite3_local_prebuilds: prebuilds };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the packed package, installed in an empty folder', () => {
  let dir: string;
  let app: string;
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-package-'));
    const started = performance.now();
    npm(['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
    const packed = performance.now();

    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ private: true, dependencies: { frontdesk: `file:../${tarball}` } }));
    copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], app, { ...process.env, ...localPrebuilds(dir) });
    const installed = performance.now();
    process.stdout.write(`package test: npm pack (with the build) ${((packed - started) / 1000).toFixed(1)} s, install ${((installed - packed) / 1000).toFixed(1)} s\n`);

    // The triage model global-setup trained for the demo, where serve caches it (beside the
    // SQLite file): start-up loads it instead of training again. Other models are not touched.
    const data = join(app, 'data');
    mkdirSync(data);
    for (const file of readdirSync(MODEL_CACHE_DIR).filter((f) => f.startsWith('triage-model-demo-'))) copyFileSync(join(MODEL_CACHE_DIR, file), join(data, file));

    // An operator's shell: none of the Frontdesk settings this run may have in its environment.
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name } of describeVariables()) delete env[name];
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer('npx', ['frontdesk', 'serve'], {
      cwd: app,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, SQLITE_PATH: join(data, 'frontdesk.db'), METRICS_TOKEN },
    });
    process.stdout.write(`package test: npx frontdesk serve listening after ${(server.startupMs / 1000).toFixed(1)} s\n`);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the built code, assets, migrations and the demo deployment, and no sources, tests or build tools', () => {
    const pkg = join(app, 'node_modules', 'frontdesk');
    const files = filesUnder(pkg).map((f) => relative(pkg, f));
    for (const file of ['dist/src/cli/cli.js', 'dist/widget/widget.js', 'dist/console/index.html', 'migrations/sqlite/meta/_journal.json', 'config/demo/deployment.yaml', 'config/demo/kb/refund-policy.md']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.endsWith('.ts') || f.endsWith('.tsx') || f.startsWith('test/'))).toEqual([]);
    // The assets are served without Vite, which stays a dev dependency.
    expect(existsSync(join(app, 'node_modules', 'vite'))).toBe(false);
  });

  it('serves the widget script', async () => {
    const res = await fetch(`${base}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('frontdesk-widget');
  });

  it('serves the console and its assets, under its Content-Security-Policy', async () => {
    const res = await fetch(`${base}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const script = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers a web visitor', async () => {
    const started = await fetch(`${base}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(201);
    const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
    const res = await fetch(`${base}/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ text: 'What is your return policy?' }),
    });
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { agentName: string; text: string } };
    expect(reply.agentName).toBe('faq');
    expect(reply.text).toMatch(/30 days/);
  });

  it('serves /metrics to the scrape token only, counting what came before', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/frontdesk_http_requests_total\{method="GET",route="\/widget.js",status="2xx"\} [1-9]/);
    expect(text).toMatch(/frontdesk_messages_received_total\{channel="web"\} [1-9]/);
  });
});
