import { probeEmail } from '../../../adapters/email/index.ts';
import { describeOrderSource, loadOrderMapping } from '../../../adapters/orders/index.ts';
import { DeploymentError, resolveDeploymentDir, unreadKnowledgeFiles, type Deployment } from '../../../config/deployment/index.ts';
import { describeVariables, loadConfig } from '../../../config/env.ts';
import { loadConfiguredDeployment, openStore } from '../../entry/node.ts';
import { demoDataWarning } from '../../entry/seed.ts';
import { unsupportedOnWorkers } from '../../entry/worker-support.ts';
import type { Io } from '../main.ts';

/**
 * `frontdesk doctor`: is the configuration valid, is the deployment directory (FRONTDESK_DEPLOYMENT)
 * valid (every problem with its file and line; articles and examples per route), does the database answer, which channels are on
 * (and why the others are off), which order source answers order questions (and why), and can we
 * log in to the mail servers.
 */
export async function doctor(_args: string[], io: Io): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const config = loadConfig(io.env);
  out('Configuration: valid');
  let healthy = true;
  const dir = resolveDeploymentDir(config.deploymentDir);
  let deployment: Deployment | null = null;
  try {
    // As at start-up, custom actions' credentials included.
    deployment = loadConfiguredDeployment(config);
    for (const line of describeDeployment(deployment)) out(line);
  } catch (error) {
    if (!(error instanceof DeploymentError)) throw error;
    healthy = false;
    out(`Deployment: ${dir} FAILED`);
    for (const problem of error.problems) out(`  ${problem}`);
  }
  const store = openStore(config);
  try {
    await store.migrate();
    out(`Database: ${config.database.kind} OK (${await store.repo.countArticles()} knowledge articles)`);
    const demoData = deployment && (await demoDataWarning(store, config.database, deployment));
    if (demoData) out(`Database: warning: ${demoData}`);
  } catch (error) {
    healthy = false;
    out(`Database: ${config.database.kind} FAILED: ${(error as Error).message}`);
  } finally {
    await store.close().catch(() => undefined);
  }
  const channels: [string, unknown, string][] = [
    ['web', true, 'always on'],
    ['sms', config.sms, 'set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN'],
    ['email', config.email, 'set EMAIL_IMAP_URL and EMAIL_SMTP_URL'],
    ['slack', config.slack, 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)'],
  ];
  const enabled = deployment?.settings.channels;
  for (const [name, on, hint] of channels) {
    const turnedOff = enabled && !enabled.includes(name as (typeof enabled)[number]);
    out(`Channel ${name}: ${turnedOff ? 'off (not in channels of deployment.yaml)' : on ? 'on' : `off (${hint})`}`);
  }
  if (config.email) {
    // Logs in to both servers; never prints the credentials.
    const probe = await probeEmail(config.email);
    out(`Email IMAP: ${probe.imap}`);
    out(`Email SMTP: ${probe.smtp}`);
    if (probe.imap.startsWith('FAILED') || probe.smtp.startsWith('FAILED')) healthy = false;
  }
  const orders = describeOrderSource(config.orders);
  out(`Orders: ${orders.name} (${orders.why})`);
  if (orders.name === 'demo' && deployment && !deployment.isDemo) {
    out('Orders: warning: only the demo deployment has demo orders; this one answers "order not found" until ORDERS_API_URL or SHOPIFY_* is set');
  }
  if (config.orders.http) {
    // The mapping is checked here as at start-up; the auth header's value is never printed.
    const http = config.orders.http;
    try {
      if (http.mapping) {
        loadOrderMapping(http.mapping);
        out(`Orders mapping: valid (${http.mapping.variable})`);
      } else if (deployment?.settings.orders.mapping) {
        out('Orders mapping: valid (orders.mapping in deployment.yaml)');
      } else {
        healthy = false;
        out('Orders mapping: FAILED: none (set orders.mapping in deployment.yaml, or ORDERS_API_MAPPING / ORDERS_API_MAPPING_FILE)');
      }
    } catch (error) {
      healthy = false;
      out(`Orders mapping: FAILED: ${(error as Error).message}`);
    }
  }
  out(`Engine: ${config.openai ? `openai (${config.openai.model}${config.openai.baseUrl ? ` at ${config.openai.baseUrl}` : ''})` : 'local (embedded, no key needed)'}`);
  const actions = deployment?.graph.actions ?? [];
  if (actions.length > 0) {
    out(`Custom actions: ${actions.map((a) => `${a.name}${a.approval ? ' (approval)' : ''}`).join(', ')}${config.openai ? '' : ' (off: they run on the model engine; set OPENAI_API_KEY)'}`);
  }
  // Informational: Node runs every part; the Workers build (npm run deploy:worker) refuses what it cannot run.
  const refused = unsupportedOnWorkers(config);
  const workersChannels = ['web', config.sms && 'SMS', config.emailApi && 'email', config.slack?.signingSecret && 'Slack'].filter(Boolean);
  const starts = `would start (${workersChannels.join(', ')} channel${workersChannels.length > 1 ? 's' : ''}, embedded engine, SQLite in a Durable Object)`;
  out(`Workers build: ${refused.length === 0 ? starts : 'would refuse to start:'}`);
  for (const line of refused) out(`  ${line}`);
  const set = describeVariables().filter((v) => io.env[v.name]);
  out(`Variables set: ${set.map((v) => v.name).join(', ') || 'none (all defaults)'}`);
  return healthy ? 0 : 1;
}

/** The deployment in a few lines: what it is, and what triage learns per route. */
function describeDeployment(deployment: Deployment): string[] {
  const { graph, training, articles, settings } = deployment;
  const own = new Map<string, number>();
  const base = new Map<string, number>();
  const routeOf = (label: string) => graph.triage.intents[label] ?? (graph.agents.some((a) => a.route === label) ? label : null);
  for (const e of training.examples) own.set(routeOf(e.label)!, (own.get(routeOf(e.label)!) ?? 0) + 1);
  for (const e of training.base) {
    const route = routeOf(e.label);
    if (route) base.set(route, (base.get(route) ?? 0) + 1);
  }
  const lines = [
    `Deployment: ${deployment.dir} (${deployment.isDemo ? 'the bundled demo' : settings.brand.name}): valid`,
    `  ${articles.length} knowledge articles, ${training.examples.length} own examples (weight ${training.weight}), ${training.base.length} base examples, languages ${settings.languages.join(', ')}`,
  ];
  for (const agent of graph.agents) {
    const n = own.get(agent.route) ?? 0;
    const b = base.get(agent.route) ?? 0;
    const intents = Object.entries(graph.triage.intents).filter(([, route]) => route === agent.route).length;
    const thin = n + b < 10 && agent.route !== graph.triage.fallbackRoute ? ' (warning: few examples; triage will rarely pick it)' : '';
    lines.push(`  route ${agent.route}: agent ${agent.name} (${agent.kind}), ${intents} intents, ${n} own + ${b} base examples${thin}`);
  }
  if (articles.length === 0 && graph.agents.some((a) => a.kind === 'knowledge')) lines.push('  warning: kb/ holds no articles; knowledge questions will all go to people');
  for (const file of unreadKnowledgeFiles(deployment.dir)) lines.push(`  warning: kb/${file} is not read: articles are Markdown files (.md) with front matter`);
  return lines;
}
