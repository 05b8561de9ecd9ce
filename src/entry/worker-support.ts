/**
 * What the Workers build (src/entry/worker.ts) can run today. A setting that turns on a part it
 * cannot run is refused at start-up with its variable named, never silently ignored: a customer
 * writing to an SMS number nobody reads is worse than a deploy that fails.
 */
import type { Config } from '../../config/env.ts';

/** One line per setting the Workers build refuses, naming the variable and why; empty when it can run. */
export function unsupportedOnWorkers(config: Config): string[] {
  const problems: string[] = [];
  if (config.database.kind === 'postgres') problems.push('DATABASE_URL: Workers keep conversations in the Durable Object\'s SQLite; unset it (Hyperdrive is not wired yet)');
  if (config.email) problems.push('EMAIL_IMAP_URL/EMAIL_SMTP_URL: IMAP IDLE and SMTP need a long-lived process (Node only); on Workers, route the support address to the worker with Email Routing and set RESEND_API_KEY and EMAIL_ADDRESS instead');
  if (config.slack?.appToken) problems.push('SLACK_APP_TOKEN: Socket Mode needs a long-lived connection (Node only); on Workers Slack sends events over HTTP: unset it and set SLACK_SIGNING_SECRET');
  if (config.slack?.supportChannel) problems.push('SLACK_SUPPORT_CHANNEL: the Slack support desk (escalation posts, buttons, slash commands) runs on Node only; unset it');
  if (config.openai) problems.push('OPENAI_API_KEY: the model engine does not run on Workers yet; the embedded engine answers there; unset it');
  if (config.orders.http?.mapping?.kind === 'file') problems.push('ORDERS_API_MAPPING_FILE: Workers have no files to read; put the mapping in ORDERS_API_MAPPING or deployment.yaml');
  return problems;
}
