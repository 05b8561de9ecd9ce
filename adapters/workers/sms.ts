/**
 * The SMS channel on Workers: Twilio's webhooks under /webhooks/sms are the Node adapter's own
 * endpoints (adapters/sms/routes.ts: parsing, keywords, opt-outs, media and status rules), with
 * the signature and the reply links checked over Web Crypto and replies sent over fetch: the
 * twilio SDK does not run in workerd. The reply to an inbound text is computed after the TwiML
 * acknowledgement; worker.ts hands that work to `waitUntil`.
 */
import type { Hono } from 'hono';
import type { ChannelAdapter, ChannelContext } from '../../src/core/ports.ts';
import { MMS_ATTACHMENTS } from '../sms/media-links.ts';
import { createSmsRoutes } from '../sms/routes.ts';
import type { SmsAdapterConfig } from '../sms/types.ts';
import { createWorkersSmsSender, readReplyLinkToken } from './sms-send.ts';
import { createTwilioRest } from './twilio-rest.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';

/** The SMS channel for the Workers build (src/entry/worker.ts). */
export function createWorkersSmsAdapter(config: SmsAdapterConfig): ChannelAdapter<Hono> {
  let context: ChannelContext | null = null;
  const sender = createWorkersSmsSender(config, createTwilioRest(config), {
    async onUnsubscribed(number) {
      await context?.optOuts.set('sms', number, true);
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
      // workerd's fetch must not be called detached from its global.
      const runtime = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), verifySignature: verifyTwilioSignature, readReplyLinkToken };
      return { basePath: '/webhooks/sms', app: createSmsRoutes(ctx, config, runtime) };
    },
  };
}
