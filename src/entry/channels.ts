/**
 * The provider-backed channels a deployment turns on: each is built only when its settings are
 * present (config/env.ts), so a channel without credentials is simply off.
 */
import type { Config } from '../../config/env.ts';
import type { ChannelAdapter, Logger } from '../core/ports.ts';

export function providerChannels(_config: Config, _logger: Logger): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  // sms: if (config.sms) adapters.push(createSmsAdapter(config.sms, …));
  // email: if (config.email) adapters.push(createEmailAdapter(config.email, …));
  // slack: if (config.slack) adapters.push(createSlackAdapter(config.slack, …));
  return adapters;
}
