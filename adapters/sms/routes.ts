import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { ForbiddenError, NotFoundError } from '../../src/core/errors.ts';
import { fileHeaders } from '../../src/http/file-response.ts';
import { errors, routeFamily, TAGS } from '../../src/http/api-doc.ts';
import type { ChannelContext } from '../../src/core/ports.ts';
import { markdownToText } from '../../src/render/markdown.ts';
import { formatSms } from './format.ts';
import { fetchMedia } from './media.ts';
import { readMediaLinkToken } from './media-links.ts';
import { deliveryStatusOf, detectKeyword, formParams, isStatusCallback, parseStatusCallback, parseSmsWebhook, threadKey, toInboundMessage, type FormParams } from './parse.ts';
import type { SmsAdapterConfig, SmsWebhook } from './types.ts';
import { signedUrl, withoutCredentials } from './verify.ts';

/** Key space of the processed-event markers that record keyword messages. */
const PROCESSED_PROVIDER = 'twilio-sms';
/** Twilio waits 15 s for a webhook answer; media downloads must leave room for the rest. */
const MEDIA_TIMEOUT_MS = 8_000;
/** Twilio reports an unsubscribed recipient with this error code in status callbacks too. */
const UNSUBSCRIBED = '21610';
/** How long after the bot's question a keyword-shaped text counts as its answer. */
const DEFAULT_ANSWER_WINDOW_MS = 30 * 60_000;

const twilioRoute = routeFamily(TAGS.webhooks, [{ twilioSignature: [] }], 400, 403);
/** Twilio posts form fields; parse.ts reads the ones named here (media as NumMedia, MediaUrl0…, MediaContentType0…). */
const twilioForm = (required: string[], properties: string[]) => ({
  required: true,
  content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' as const, required, properties: Object.fromEntries(properties.map((name) => [name, { type: 'string' as const }])) } } },
});
const TWIML = { description: 'TwiML: empty, or the answer to HELP', content: { 'text/xml': { schema: { type: 'string' as const } } } };

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[ch]};`);

/** TwiML, as Twilio's MessagingResponse writes it: empty, or one message back to the sender. */
function twiml(c: Context, message?: string) {
  const body = message ? `<Response><Message>${escapeXml(message)}</Message></Response>` : '<Response/>';
  return c.body(`<?xml version="1.0" encoding="UTF-8"?>${body}`, 200, { 'content-type': 'text/xml; charset=utf-8' });
}

/**
 * What the endpoints need from the runtime: Node checks signatures and reply links with the
 * twilio SDK and node:crypto, Workers over Web Crypto (adapters/workers); the rules are the same.
 */
export interface SmsRuntime {
  fetch: typeof fetch;
  /** Throws ForbiddenError (403 invalid_signature) when X-Twilio-Signature is missing or wrong. */
  verifySignature(input: { authToken: string; signature: string | null; url: string; params: FormParams }): void | Promise<void>;
  /** The message id a full-text link names, when its signature holds. */
  readReplyLinkToken(authToken: string, token: string): string | null | Promise<string | null>;
}

/**
 * The SMS endpoints under /webhooks/sms: inbound messages (`POST /`), delivery status callbacks
 * (`POST /status`), the full text of shortened replies (`GET /r/:token`) and the files of replies
 * sent as MMS (`GET /media/:token`, fetched by Twilio).
 */
export function createSmsRoutes(context: ChannelContext, config: SmsAdapterConfig, runtime: SmsRuntime): Hono {
  const { conversations, inbound: pipeline, clock } = context;
  const logger = context.logger.child({ channel: 'sms' });
  const app = new Hono();

  /** Reads the form body and checks Twilio's signature against the URL Twilio called. */
  async function verified(c: Context): Promise<FormParams> {
    const params = formParams(await c.req.text());
    const url = signedUrl(c.req.url, c.req.raw.headers, config);
    try {
      await runtime.verifySignature({ authToken: config.authToken, signature: c.req.header('x-twilio-signature') ?? null, url, params });
    } catch (error) {
      logger.warn({ path: c.req.path, url: withoutCredentials(url), messageSid: params.MessageSid ?? null }, 'rejected a Twilio webhook with a bad signature');
      throw error;
    }
    return params;
  }

  /**
   * Whether a keyword-shaped text ("yes", "cancel") answers the bot: the last message we sent in
   * this conversation was the bot's, ended with a question mark, and went out recently.
   */
  async function answersBotQuestion(sms: SmsWebhook): Promise<boolean> {
    const conversation = await conversations.byThread('sms', threadKey(sms.from, sms.messagingServiceSid ?? sms.to));
    if (!conversation) return false;
    const recent = await conversations.recentMessages(conversation.id, 10);
    const last = [...recent].reverse().find((m) => m.direction === 'outbound' && !m.internal);
    if (!last || last.authorKind !== 'bot') return false;
    const asked = /\?["'”’)\]]*\s*$/u.test(markdownToText(last.text));
    return asked && clock.now() - last.createdAt <= (config.answerWindowMs ?? DEFAULT_ANSWER_WINDOW_MS);
  }

  /**
   * STOP/START/HELP. Twilio acts on them itself (it opts the number out or in, and confirms), so
   * the opt-out state always follows it, even when the word answers the bot's question: a
   * "Cancel" that answers "Shall I cancel NW-10003?" is an opt-out at Twilio, and no text of ours
   * would reach the number until it writes START. Every such text is stored and shown to staff;
   * it goes to the agents only as an answer to the bot's question (their reply to an opted-out
   * number is recorded as refused). HELP is answered here with the help text.
   * The MessageSid marker makes replays no-ops.
   */
  async function handleKeyword(c: Context, sms: SmsWebhook, keyword: NonNullable<ReturnType<typeof detectKeyword>>) {
    const now = clock.now();
    const answer = keyword !== 'help' && (await answersBotQuestion(sms));
    const optedOut = keyword === 'stop' ? true : keyword === 'start' ? false : null;
    const recorded = await context.optOuts.recordOnce({ provider: PROCESSED_PROVIDER, eventKey: sms.messageSid, channel: 'sms', address: sms.from, optedOut });
    const outcome = recorded.duplicate ? 'duplicate' : keyword === 'help' && recorded.optedOut ? 'opted_out' : 'done';
    logger.info({ keyword, messageSid: sms.messageSid, outcome, answer }, 'SMS compliance keyword');
    const inbound = toInboundMessage(sms, { attachments: [], notes: [] }, now);
    inbound.meta = { ...inbound.meta, smsKeyword: { keyword, answer } };
    // The pipeline drops a replayed MessageSid, so a retried webhook stores nothing twice.
    await pipeline.receive(answer ? inbound : { ...inbound, noReply: true });
    // Twilio confirms STOP and START itself (Advanced Opt-Out); HELP gets our text, from the number written to.
    const reply = keyword === 'help' && outcome === 'done' ? formatSms(config.helpText, { maxSegments: config.maxSegments }).body : undefined;
    return twiml(c, reply);
  }

  app.post('/', twilioRoute('Inbound SMS or MMS from Twilio', { requestBody: twilioForm(['MessageSid', 'From', 'To'], ['MessageSid', 'AccountSid', 'MessagingServiceSid', 'From', 'To', 'Body', 'NumMedia']), responses: { 200: TWIML } }), async (c) => {
    const params = await verified(c);
    if (isStatusCallback(params)) {
      logger.debug({ messageSid: params.MessageSid ?? null }, 'status callback on the inbound URL ignored');
      return twiml(c);
    }
    const sms = parseSmsWebhook(params, config.accountSid);
    const keyword = sms.media.length === 0 ? detectKeyword(sms.body) : null;
    if (keyword) return handleKeyword(c, sms, keyword);
    // A replay needs no media download; the pipeline would drop it as a duplicate anyway.
    if (!(await conversations.messageByProviderId('sms', sms.messageSid))) {
      const media = await fetchMedia(sms.media, {
        accountSid: config.accountSid,
        authToken: config.authToken,
        maxBytes: config.maxMediaBytes,
        apiUrl: config.apiUrl,
        fetch: runtime.fetch,
        timeoutMs: MEDIA_TIMEOUT_MS,
      }).catch((error: unknown) => {
        // Whatever goes wrong with media, the text is stored: the items are named, not fetched.
        logger.error({ messageSid: sms.messageSid, error: error instanceof Error ? error.message : String(error) }, 'MMS media handling failed');
        return {
          attachments: sms.media.map((_, i) => ({ filename: `media-${i + 1}`, contentType: 'application/octet-stream', size: 0 })),
          notes: ['media could not be handled; recorded without it'],
        };
      });
      for (const note of media.notes) logger.warn({ messageSid: sms.messageSid, note }, 'MMS media not stored');
      // Ingest only: the reply is sent later through the REST API, never awaited here.
      await pipeline.receive(toInboundMessage(sms, media, clock.now()));
    }
    return twiml(c);
  });

  app.post('/status', twilioRoute('Twilio delivery status callback', { requestBody: twilioForm(['MessageSid', 'MessageStatus'], ['MessageSid', 'AccountSid', 'MessageStatus', 'ErrorCode', 'To']), responses: { 204: { description: 'Recorded (or not ours)' } } }), async (c) => {
    const callback = parseStatusCallback(await verified(c), config.accountSid);
    const status = deliveryStatusOf(callback.status);
    if (callback.errorCode === UNSUBSCRIBED && callback.to) await context.optOuts.set('sms', callback.to, true);
    const error = callback.errorCode ? `twilio_${callback.errorCode}: delivery ${callback.status}` : undefined;
    const recorded = status ? await context.deliveries.recordStatus({ channel: 'sms', providerMessageId: callback.messageSid, status, error }) : null;
    // Not ours (sent from elsewhere on the account), not a tracked state, or older news: nothing to update.
    if (!recorded) logger.debug({ messageSid: callback.messageSid, status: callback.status }, 'status callback ignored');
    return c.body(null, 204);
  });

  app.get('/r/:token', describeRoute({
    tags: [TAGS.webhooks],
    summary: 'The full text of a shortened SMS reply (the signed link at its end)',
    security: [],
    responses: { 200: { description: 'The reply as plain text', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(404) },
  }), async (c) => {
    const token = c.req.param('token');
    const id = await runtime.readReplyLinkToken(config.authToken, token);
    const message = id ? await conversations.message(id) : null;
    if (!message || message.channel !== 'sms' || message.direction !== 'outbound' || message.internal) {
      throw new NotFoundError('reply', token);
    }
    return c.text(markdownToText(message.text), 200, { 'cache-control': 'private, no-store' });
  });

  app.get('/media/:token', describeRoute({
    tags: [TAGS.webhooks],
    summary: 'A file of a staff reply sent as MMS (the signed, expiring MediaUrl Twilio fetches)',
    security: [],
    responses: { 200: { description: 'The file, inline, with its own type', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors(403, 404) },
  }), async (c) => {
    const link = await readMediaLinkToken(config.authToken, c.req.param('token'), clock.now());
    if (link.kind === 'expired') throw new ForbiddenError('This media link has expired.', 'media_link_expired');
    const found = link.kind === 'valid' ? await conversations.attachment(link.attachmentId) : null;
    const { message } = found ?? {};
    // Only files of replies sent on SMS; a bad signature reads as a file that does not exist.
    if (!found?.data || message!.channel !== 'sms' || message!.direction !== 'outbound' || message!.internal) throw new NotFoundError('media', 'link');
    return c.body(found.data as Uint8Array<ArrayBuffer>, 200, fileHeaders(found.attachment, 'inline'));
  });

  return app;
}
