/**
 * The SMS channel on Workers: Twilio's webhooks under /webhooks/sms, answered as
 * adapters/sms/routes.ts answers them (the same parsing, keywords, opt-outs, media and status
 * rules, from adapters/sms/parse.ts, media.ts and format.ts), with the signature checked over Web
 * Crypto and replies sent over fetch: the twilio SDK does not run in workerd. The reply to an
 * inbound text is computed after the TwiML acknowledgement; worker.ts hands that work to
 * `waitUntil`.
 */
import { Hono, type Context } from 'hono';
import { NotFoundError } from '../../src/core/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../../src/core/ports.ts';
import { markdownToText } from '../../src/render/markdown.ts';
import { formatSms } from '../sms/format.ts';
import { fetchMedia } from '../sms/media.ts';
import { deliveryStatusOf, detectKeyword, formParams, isStatusCallback, parseSmsWebhook, parseStatusCallback, threadKey, toInboundMessage, type FormParams } from '../sms/parse.ts';
import type { SmsAdapterConfig, SmsKeyword, SmsWebhook } from '../sms/types.ts';
import { signedUrl } from '../sms/verify.ts';
import { createWorkersSmsSender, readReplyLinkToken } from './sms-send.ts';
import { createTwilioRest } from './twilio-rest.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';

/** The constants adapters/sms/routes.ts uses, with the same meaning. */
const PROCESSED_PROVIDER = 'twilio-sms';
const MEDIA_TIMEOUT_MS = 8_000;
const UNSUBSCRIBED = '21610';
const DEFAULT_ANSWER_WINDOW_MS = 30 * 60_000;

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[ch]};`);

/** TwiML: empty, or one message back to the sender. */
function twiml(c: Context, message?: string) {
  const body = message ? `<Response><Message>${escapeXml(message)}</Message></Response>` : '<Response/>';
  return c.body(`<?xml version="1.0" encoding="UTF-8"?>${body}`, 200, { 'content-type': 'text/xml; charset=utf-8' });
}

function createSmsRoutes(context: ChannelContext, config: SmsAdapterConfig): Hono {
  const { conversations, inbound: pipeline, clock } = context;
  const logger = context.logger.child({ channel: 'sms' });
  const app = new Hono();

  async function verified(c: Context): Promise<FormParams> {
    const params = formParams(await c.req.text());
    try {
      await verifyTwilioSignature({ authToken: config.authToken, signature: c.req.header('x-twilio-signature') ?? null, url: signedUrl(c.req.url, c.req.raw.headers, config), params });
    } catch (error) {
      logger.warn({ path: c.req.path, messageSid: params.MessageSid ?? null }, 'rejected a Twilio webhook with a bad signature');
      throw error;
    }
    return params;
  }

  /** Whether a keyword-shaped text answers the bot's recent question (adapters/sms/routes.ts). */
  async function answersBotQuestion(sms: SmsWebhook): Promise<boolean> {
    const conversation = await conversations.byThread('sms', threadKey(sms.from, sms.messagingServiceSid ?? sms.to));
    if (!conversation) return false;
    const last = [...(await conversations.recentMessages(conversation.id, 10))].reverse().find((m) => m.direction === 'outbound' && !m.internal);
    if (!last || last.authorKind !== 'bot' || !/\?["'”’)\]]*\s*$/u.test(markdownToText(last.text))) return false;
    return clock.now() - last.createdAt <= (config.answerWindowMs ?? DEFAULT_ANSWER_WINDOW_MS);
  }

  /** STOP/START/HELP: the opt-out follows Twilio's; the text is stored; HELP is answered in TwiML. */
  async function handleKeyword(c: Context, sms: SmsWebhook, keyword: SmsKeyword) {
    const now = clock.now();
    const answer = keyword !== 'help' && (await answersBotQuestion(sms));
    const optedOut = keyword === 'stop' ? true : keyword === 'start' ? false : null;
    const recorded = await context.optOuts.recordOnce({ provider: PROCESSED_PROVIDER, eventKey: sms.messageSid, channel: 'sms', address: sms.from, optedOut });
    const outcome = recorded.duplicate ? 'duplicate' : keyword === 'help' && recorded.optedOut ? 'opted_out' : 'done';
    logger.info({ keyword, messageSid: sms.messageSid, outcome, answer }, 'SMS compliance keyword');
    const inbound = toInboundMessage(sms, { attachments: [], notes: [] }, now);
    inbound.meta = { ...inbound.meta, smsKeyword: { keyword, answer } };
    await pipeline.receive(answer ? inbound : { ...inbound, noReply: true });
    return twiml(c, keyword === 'help' && outcome === 'done' ? formatSms(config.helpText, { maxSegments: config.maxSegments }).body : undefined);
  }

  app.post('/', async (c) => {
    const params = await verified(c);
    if (isStatusCallback(params)) return twiml(c);
    const sms = parseSmsWebhook(params, config.accountSid);
    const keyword = sms.media.length === 0 ? detectKeyword(sms.body) : null;
    if (keyword) return handleKeyword(c, sms, keyword);
    if (!(await conversations.messageByProviderId('sms', sms.messageSid))) {
      const media = await fetchMedia(sms.media, {
        accountSid: config.accountSid,
        authToken: config.authToken,
        apiUrl: config.apiUrl,
        maxBytes: config.maxMediaBytes,
        fetch,
        timeoutMs: MEDIA_TIMEOUT_MS,
      });
      for (const note of media.notes) logger.warn({ messageSid: sms.messageSid, note }, 'MMS media not stored');
      // Ingest only: the reply is computed after this answer, under the runtime's waitUntil.
      await pipeline.receive(toInboundMessage(sms, media, clock.now()));
    }
    return twiml(c);
  });

  app.post('/status', async (c) => {
    const callback = parseStatusCallback(await verified(c), config.accountSid);
    const status = deliveryStatusOf(callback.status);
    if (callback.errorCode === UNSUBSCRIBED && callback.to) await context.optOuts.set('sms', callback.to, true);
    const error = callback.errorCode ? `twilio_${callback.errorCode}: delivery ${callback.status}` : undefined;
    if (status) await context.deliveries.recordStatus({ channel: 'sms', providerMessageId: callback.messageSid, status, error });
    return c.body(null, 204);
  });

  app.get('/r/:token', async (c) => {
    const token = c.req.param('token');
    const id = await readReplyLinkToken(config.authToken, token);
    const message = id ? await conversations.message(id) : null;
    if (!message || message.channel !== 'sms' || message.direction !== 'outbound' || message.internal) throw new NotFoundError('reply', token);
    return c.text(markdownToText(message.text), 200, { 'cache-control': 'private, no-store' });
  });

  return app;
}

/** The SMS channel for the Workers build (src/entry/worker.ts). */
export function createWorkersSmsAdapter(config: SmsAdapterConfig): ChannelAdapter<Hono> {
  let context: ChannelContext | null = null;
  const sender = createWorkersSmsSender(config, createTwilioRest(config), {
    async onUnsubscribed(number) {
      await context?.optOuts.set('sms', number, true);
    },
  });
  return {
    kind: 'sms',
    send: sender.send,
    findSent: sender.findSent,
    attach(ctx) {
      context = ctx;
      return { basePath: '/webhooks/sms', app: createSmsRoutes(ctx, config) };
    },
  };
}
