/**
 * The Workers build in local workerd (`wrangler dev --local`), as `npm run dev:worker` runs it,
 * for tests that drive it over HTTP. Nothing reaches the network: no request.cf lookup, no
 * metrics, no update check, local bindings only.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { MODEL_CACHE_DIR, ROOT } from './paths.ts';
import { startServer, type ServerProcess } from './server-process.ts';

export const OFFLINE_WRANGLER_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

/** `npm run build:worker`: the static assets and the boot file wrangler.toml serves, with the suites' cached model. */
export function buildWorker(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'cli', 'build-worker.ts'), '--model-cache', MODEL_CACHE_DIR], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`build:worker exited with ${code}:\n${output}`))));
  });
}

export interface LocalWorker extends ServerProcess {
  url: string;
}

/**
 * Starts the worker on a free port; its Durable Object's SQLite lives under `persistTo`, across
 * restarts. GET /__scheduled runs the Cron Trigger's handler.
 */
export async function startLocalWorker(persistTo: string, config = 'wrangler.toml', vars: Record<string, string> = {}): Promise<LocalWorker> {
  const port = await freePort();
  const inspector = await freePort();
  const server = await startServer(
    process.execPath,
    [join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'dev', '--local', '--config', config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', persistTo, '--test-scheduled', '--show-interactive-dev-session=false', ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`])],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_WRANGLER_ENV, CI: 'true' }, ready: 'Ready on', timeoutMs: 120_000 },
  );
  return { ...server, url: `http://127.0.0.1:${port}` };
}
