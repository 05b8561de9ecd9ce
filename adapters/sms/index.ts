import type { Hono } from 'hono';
import type { ChannelAdapter, ChannelContext } from '../../src/core/ports.ts';
import { MMS_ATTACHMENTS } from './media-links.ts';
import { createSmsRoutes } from './routes.ts';
import { createSmsSender, createTwilioClient, readReplyLinkToken } from './send.ts';
import type { SmsAdapterConfig, SmsAdapterDeps } from './types.ts';
import { verifyTwilioSignature } from './verify.ts';

export type { SmsAdapterConfig, SmsAdapterDeps } from './types.ts';

/**
 * The SMS channel over Twilio. Its endpoints live under /webhooks/sms (inbound messages, status
 * callbacks); replies go out through the Messages REST API.
 */
export function createSmsAdapter(config: SmsAdapterConfig, deps: SmsAdapterDeps = {}): ChannelAdapter<Hono> {
  const fetchImpl = deps.fetch ?? fetch;
  // Known once the adapter is attached; sends only happen after that.
  let context: ChannelContext | null = null;
  const sender = createSmsSender(config, createTwilioClient(config), {
    async onUnsubscribed(number) {
      if (context) await context.optOuts.set('sms', number, true);
      else deps.logger?.warn('a recipient unsubscribed before the SMS adapter was attached; opt-out not recorded');
    },
    now: () => context?.clock.now() ?? Date.now(),
  });
  return {
    kind: 'sms',
    replyAttachments: MMS_ATTACHMENTS,
    send: sender.send,
    findSent: sender.findSent,
    attach(ctx) {
      context = ctx;
      return { basePath: '/webhooks/sms', app: createSmsRoutes(ctx, config, { fetch: fetchImpl, verifySignature: verifyTwilioSignature, readReplyLinkToken }) };
    },
  };
}
