import { probeEmail } from '../../../adapters/email/index.ts';
import { describeOrderSource, loadOrderMapping } from '../../../adapters/orders/index.ts';
import { describeVariables, loadConfig } from '../../../config/env.ts';
import { openStore } from '../../entry/node.ts';
import type { Io } from '../main.ts';

/**
 * `frontdesk doctor`: is the configuration valid, does the database answer, which channels are on
 * (and why the others are off), which order source answers order questions (and why), and can we
 * log in to the mail servers.
 */
export async function doctor(_args: string[], io: Io): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const config = loadConfig(io.env);
  out('Configuration: valid');
  let healthy = true;
  const store = openStore(config);
  try {
    await store.migrate();
    out(`Database: ${config.database.kind} OK (${await store.repo.countArticles()} knowledge articles)`);
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
  for (const [name, on, hint] of channels) out(`Channel ${name}: ${on ? 'on' : `off (${hint})`}`);
  if (config.email) {
    // Logs in to both servers; never prints the credentials.
    const probe = await probeEmail(config.email);
    out(`Email IMAP: ${probe.imap}`);
    out(`Email SMTP: ${probe.smtp}`);
    if (probe.imap.startsWith('FAILED') || probe.smtp.startsWith('FAILED')) healthy = false;
  }
  const orders = describeOrderSource(config.orders);
  out(`Orders: ${orders.name} (${orders.why})`);
  if (config.orders.http) {
    // The mapping is checked here as at start-up; the auth header's value is never printed.
    try {
      loadOrderMapping(config.orders.http.mapping);
      out(`Orders mapping: valid (${config.orders.http.mapping.variable})`);
    } catch (error) {
      healthy = false;
      out(`Orders mapping: FAILED: ${(error as Error).message}`);
    }
  }
  out(`Engine: ${config.openai ? `openai (${config.openai.model}${config.openai.baseUrl ? ` at ${config.openai.baseUrl}` : ''})` : 'local (embedded, no key needed)'}`);
  const set = describeVariables().filter((v) => io.env[v.name]);
  out(`Variables set: ${set.map((v) => v.name).join(', ') || 'none (all defaults)'}`);
  return healthy ? 0 : 1;
}
