/**
 * The provider-backed channels a deployment turns on: each is built only when its settings are
 * present (config/env.ts), so a channel without credentials is simply off.
 */
import type { Hono } from 'hono';
import { createEmailAdapter } from '../../adapters/email/index.ts';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import type { Config } from '../../config/env.ts';
import type { ChannelAdapter, Logger } from '../core/ports.ts';

export function providerChannels(config: Config, logger: Logger): ChannelAdapter<Hono>[] {
  const adapters: ChannelAdapter<Hono>[] = [];
  if (config.sms) adapters.push(createSmsAdapter({ ...config.sms, publicUrl: config.publicUrl, trustProxy: config.trustProxy }, { logger }));
  if (config.email) adapters.push(createEmailAdapter(config.email, { logger }));
  if (config.slack) adapters.push(createSlackAdapter(config.slack, { logger }));
  return adapters;
}
