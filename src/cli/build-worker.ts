/**
 * `npm run build:worker`: what the Workers build (wrangler.toml) serves and boots from, written to
 * dist/worker/assets/, the folder wrangler uploads as static assets:
 *
 *   index.html, widget.js      the demo store page and the web widget (dist/widget)
 *   console/…                  the staff console's single-page app (dist/console)
 *   _headers                   the console's page policy and the widget's CORS, as Node sends them
 *   _frontdesk/boot.json       the deployment (loaded and checked here, where its files are), its
 *                              trained triage model, and the SQLite migrations
 *
 * The model (megabytes of weights) stays out of the script bundle, within Workers' size limit;
 * the Durable Object reads boot.json once per isolate through the ASSETS binding. The worker
 * refuses public requests for /_frontdesk/ (see src/entry/worker.ts). A build tool run with tsx.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { triageExamples, triagePriors } from '../../agents/engines/local/index.ts';
import { examplesHash, loadTriageModel } from '../../agents/engines/local/training/triage-model.ts';
import { loadDeployment, resolveDeploymentDir } from '../../config/deployment/index.ts';
import { loadConfig } from '../../config/env.ts';
import { packagePath } from '../../config/package-root.ts';
import { CONSOLE_BUNDLE, DIST_DIR, ensureBuilt, WIDGET_BUNDLE } from '../console/assets.ts';
import { CONSOLE_CSP } from '../console/server.ts';
import type { SqliteMigrations } from '../store/durable/index.ts';

export const WORKER_ASSETS_DIR = join(DIST_DIR, 'worker', 'assets');
const log = (line: string) => process.stdout.write(`build:worker: ${line}\n`);

/** migrations/sqlite as drizzle's durable-sqlite migrator takes them. */
function sqliteMigrations(): SqliteMigrations {
  const dir = packagePath('migrations', 'sqlite');
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as SqliteMigrations['journal'];
  const migrations = Object.fromEntries(
    journal.entries.map((e) => [`m${String(e.idx).padStart(4, '0')}`, readFileSync(join(dir, `${e.tag}.sql`), 'utf8')]),
  );
  return { journal, migrations };
}

const started = performance.now();
const [widgetDir, consoleDir] = await Promise.all([ensureBuilt(WIDGET_BUNDLE, log), ensureBuilt(CONSOLE_BUNDLE, log)]);
rmSync(WORKER_ASSETS_DIR, { recursive: true, force: true });
mkdirSync(join(WORKER_ASSETS_DIR, '_frontdesk'), { recursive: true });
cpSync(join(widgetDir, 'widget.js'), join(WORKER_ASSETS_DIR, 'widget.js'));
cpSync(packagePath('adapters', 'web', 'widget', 'demo.html'), join(WORKER_ASSETS_DIR, 'index.html'));
cpSync(consoleDir, join(WORKER_ASSETS_DIR, 'console'), { recursive: true, filter: (src) => !src.endsWith('.fingerprint') });
writeFileSync(
  join(WORKER_ASSETS_DIR, '_headers'),
  [
    '/console/*',
    `  Content-Security-Policy: ${CONSOLE_CSP}`,
    '  X-Content-Type-Options: nosniff',
    '  X-Frame-Options: DENY',
    '  Referrer-Policy: same-origin',
    '/widget.js',
    '  Access-Control-Allow-Origin: *',
    '',
  ].join('\n'),
);

// The deployment the worker serves: FRONTDESK_DEPLOYMENT at build time, else the demo. The model
// is trained here, or taken from the cache `frontdesk serve` uses (`--model-cache DIR` for another).
const config = loadConfig(process.env);
const deployment = loadDeployment(resolveDeploymentDir(config.deploymentDir));
const examples = await triageExamples(deployment, null);
const priors = triagePriors(deployment);
const cacheFlag = process.argv.indexOf('--model-cache');
const cacheDir = cacheFlag >= 0 && process.argv[cacheFlag + 1] ? process.argv[cacheFlag + 1]! : config.modelCacheDir;
const classifier = await loadTriageModel({ examples, priors, cacheDir, deployment: deployment.name });
const boot = {
  deployment: { ...deployment, dir: `deployment:${deployment.name}` },
  model: { hash: examplesHash(examples, priors), model: classifier.toJSON() },
  migrations: sqliteMigrations(),
};
writeFileSync(join(WORKER_ASSETS_DIR, '_frontdesk', 'boot.json'), JSON.stringify(boot));
const size = (file: string) => (readFileSync(join(WORKER_ASSETS_DIR, file)).length / 1_048_576).toFixed(1);
log(`deployment ${deployment.name}: boot.json ${size('_frontdesk/boot.json')} MB; ${readdirSync(WORKER_ASSETS_DIR).length} entries in ${WORKER_ASSETS_DIR}`);
log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
