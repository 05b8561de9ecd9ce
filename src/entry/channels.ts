/**
 * The provider-backed channels a deployment turns on: each is built only when its settings are
 * present (config/env.ts) and the deployment lists it, so a channel without credentials is simply
 * off. Each adapter (and the provider SDK behind it: twilio, imapflow with mailparser and
 * nodemailer, @slack/bolt) is imported only when its channel is on: an SDK loaded for nothing
 * costs 25–36 MB of resident memory.
 */
import type { Hono } from 'hono';
import type { Config } from '../../config/env.ts';
import type { ChannelAdapter, Logger } from '../core/ports.ts';
import type { ChannelKind } from '../core/types.ts';

export async function providerChannels(config: Config, logger: Logger, enabled: readonly ChannelKind[]): Promise<ChannelAdapter<Hono>[]> {
  const on = (kind: ChannelKind) => enabled.includes(kind);
  const adapters: ChannelAdapter<Hono>[] = [];
  if (config.sms && on('sms')) {
    const { createSmsAdapter } = await import('../../adapters/sms/index.ts');
    adapters.push(createSmsAdapter({ ...config.sms, publicUrl: config.publicUrl, trustProxy: config.trustProxy }, { logger }));
  }
  if (config.email && on('email')) {
    const { createEmailAdapter } = await import('../../adapters/email/index.ts');
    adapters.push(createEmailAdapter(config.email, { logger }));
  }
  if (config.slack && on('slack')) {
    const { createSlackAdapter } = await import('../../adapters/slack/index.ts');
    adapters.push(createSlackAdapter(config.slack, { logger }));
  }
  return adapters;
}
