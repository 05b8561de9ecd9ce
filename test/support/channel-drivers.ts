/**
 * Drivers for the channel adapter contract suite (test/contract/channel-adapters.contract.test.ts):
 * one per channel, each knowing how its provider talks to Frontdesk — a signed Twilio webhook, a
 * signed Slack event, mail appended over IMAP, the widget's visitor API — and how to make the
 * provider's side of a send fail. The suite holds the cases; a driver only translates them, and
 * names the cases that cannot apply to its channel, with the reason.
 * Provider sides are the existing test kits: sms-support.ts (local Twilio API), slack-web-api.ts
 * (local Slack Web API, Slack's signing), mail-servers.ts (Dovecot + an SMTP server).
 */
import { createEmailAdapter, type EmailAdapter } from '../../adapters/email/index.ts';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import type { AgentEngine, Clock, Store } from '../../src/core/ports.ts';
import type { ChannelKind } from '../../src/core/types.ts';
import { addWorkspaceUsers, BOT_USER_ID, slackFixture, slackHeaders, startSlackApi, type SlackApi } from '../integration/slack-web-api.ts';
import { ACCOUNT_SID, CUSTOMER, PUBLIC_URL, fixture, jsonFixture, postWebhook, sign, smsEnv, startTwilioApi, type TwilioApi } from '../integration/sms-support.ts';
import { createTestFrontdesk } from './frontdesk.ts';
import { dovecotUnavailable, startDovecot, startSmtpSink, type DovecotServer, type SmtpSink } from './mail-servers.ts';

export type TestFrontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;

/** The shared cases, by name (the suite's `it` titles say what each proves). */
export type ContractCase = 'signature' | 'duplicate' | 'own-messages' | 'bad-payload' | 'send-failures';

/** A customer's message, as the case means it; the driver turns it into the provider's shape. */
export interface CustomerMessage {
  /** Unique per case: the provider's message id is derived from it. */
  id: string;
  text: string;
}

/** One Frontdesk with only this channel, wired to the provider side. */
export interface ChannelSession {
  frontdesk: TestFrontdesk;
  /**
   * Delivers the message as the provider does and resolves once Frontdesk has handled it (stored,
   * answered, the reply's first send attempt settled). `again` marks a redelivery (the provider's
   * retry of the same message). The HTTP answer for webhook channels; null for pulled ones (IMAP).
   */
  deliver(message: CustomerMessage, options?: { again?: boolean }): Promise<Response | null>;
  /** The same message with a signature (or credential) the provider would not have made. */
  deliverForged(message: CustomerMessage): Promise<Response>;
  /** A correctly signed request whose body is not a valid message. */
  deliverMalformed(): Promise<Response>;
  /** What the provider shows Frontdesk of the adapter's own last reply, delivered back in. */
  echoOwnReply(): Promise<void>;
  /** Replies the provider accepted for delivery (what customers receive). */
  providerSends(): Promise<number>;
  /** The provider's next send fails: throttled/unavailable (retryable) or refused for good (permanent). */
  failNextSend(kind: 'retryable' | 'permanent'): void;
  close(): Promise<void>;
}

export interface ChannelDriver {
  readonly channel: ChannelKind;
  /** The service the provider side needs on this machine (for the skip message), if any. */
  readonly service?: string;
  /** Why a case cannot apply to this channel; the suite prints it and skips the case. */
  readonly notApplicable: Partial<Record<ContractCase, string>>;
  /** Why the provider side cannot run on this machine (a missing service), or null. */
  unavailable(): string | null;
  /** Starts the provider side, once for all cases. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  open(engine: AgentEngine, clock: Clock): Promise<ChannelSession>;
}

/** Messages stored on a channel, by direction: what "nothing stored" and "stored once" count. */
export async function storedMessages(store: Store, channel: ChannelKind): Promise<{ inbound: number; outbound: number }> {
  const counts = { inbound: 0, outbound: 0 };
  for (const conversation of await store.repo.listConversations({ channel, limit: 500 })) {
    for (const message of await store.repo.listMessages(conversation.id, { limit: 500, includeInternal: true })) counts[message.direction] += 1;
  }
  return counts;
}

// ───────────────────────────── SMS (Twilio) ─────────────────────────────

export function smsDriver(): ChannelDriver {
  let api: TwilioApi;
  return {
    channel: 'sms',
    notApplicable: {},
    unavailable: () => null,
    async setup() {
      api = await startTwilioApi();
    },
    teardown: () => api.close(),
    async open(engine, clock) {
      api.requests.length = 0;
      api.accepted.length = 0;
      const env = smsEnv(api.url);
      const config = loadConfig(env);
      const frontdesk = await createTestFrontdesk({
        env,
        engine,
        clock,
        adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
      });
      const sid = (id: string) => `SM${Buffer.from(id).toString('hex').padEnd(32, '0').slice(0, 32)}`;
      const params = (message: CustomerMessage) => fixture('inbound-sms.form', { Body: message.text, MessageSid: sid(message.id), SmsMessageSid: sid(message.id), SmsSid: sid(message.id) });
      const handled = async (response: Response) => {
        await frontdesk.pipeline.idle();
        return response;
      };
      return {
        frontdesk,
        deliver: async (message) => handled(await postWebhook(frontdesk.app, '/webhooks/sms', params(message))),
        async deliverForged(message) {
          const body = params(message);
          return handled(await postWebhook(frontdesk.app, '/webhooks/sms', body, { signature: sign(`${PUBLIC_URL}/webhooks/sms`, body, 'not-the-auth-token') }));
        },
        // Signed, but no From or To: not a message Twilio sends.
        deliverMalformed: async () => handled(await postWebhook(frontdesk.app, '/webhooks/sms', new URLSearchParams({ AccountSid: ACCOUNT_SID, MessageSid: sid('malformed'), Body: 'hi' }))),
        async echoOwnReply() {
          // Twilio reports on sends from our number with status callbacks: to the StatusCallback
          // URL Frontdesk gives, and to the inbound URL when the number or Messaging Service is set
          // up that way (then also for texts sent from our number outside Frontdesk, the console's).
          // None of them is a customer's text.
          const ours = api.accepted.at(-1)!;
          const callbacks = [
            ['/webhooks/sms/status', fixture('status-sent.form', { MessageSid: ours.sid, SmsSid: ours.sid, To: CUSTOMER })],
            ['/webhooks/sms', fixture('status-delivered.form', { MessageSid: ours.sid, SmsSid: ours.sid, To: CUSTOMER })],
            ['/webhooks/sms', fixture('status-sent.form', { To: CUSTOMER })],
          ] as const;
          for (const [path, callback] of callbacks) {
            const response = await handled(await postWebhook(frontdesk.app, path, callback));
            if (response.status >= 300) throw new Error(`a status callback to ${path} answered ${response.status}`);
          }
        },
        providerSends: async () => api.accepted.length,
        failNextSend(kind) {
          api.respondOnce(() =>
            kind === 'retryable'
              ? { status: 429, body: jsonFixture('error-20429.json'), headers: { 'retry-after': '30' } }
              : { status: 400, body: jsonFixture('error-21211.json') },
          );
        },
        close: () => frontdesk.stop(),
      };
    },
  };
}

// ───────────────────────────── Slack ─────────────────────────────

const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export function slackDriver(): ChannelDriver {
  let api: SlackApi;
  return {
    channel: 'slack',
    notApplicable: {},
    unavailable: () => null,
    async setup() {
      api = await startSlackApi();
      addWorkspaceUsers(api);
    },
    teardown: () => api.close(),
    async open(engine, clock) {
      api.reset();
      const slack: SlackAdapter = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: SLACK_SECRET, appToken: null, supportChannel: null, apiUrl: api.url });
      const frontdesk = await createTestFrontdesk({ adapters: [slack], engine, clock });
      const post = async (body: string, headers: Record<string, string>) => {
        const response = await frontdesk.app.request('/webhooks/slack/events', { method: 'POST', body, headers });
        await slack.idle();
        await frontdesk.pipeline.idle();
        return response;
      };
      const signed = (body: string, secret = SLACK_SECRET) => slackHeaders(secret, body, 'application/json', clock.now());
      // An app mention in a channel: each message its own event id and ts (so its own thread).
      const timestamps = new Map<string, string>();
      const tsOf = (id: string) => timestamps.get(id) ?? timestamps.set(id, `${Math.floor(clock.now() / 1000)}.${String(timestamps.size + 1).padStart(6, '0')}`).get(id)!;
      const mention = (message: CustomerMessage) => {
        const recorded = slackFixture<{ event: Record<string, unknown> }>('app_mention.json');
        const ts = tsOf(message.id);
        return JSON.stringify({ ...recorded, event_id: `Ev${message.id}`, event: { ...recorded.event, text: `<@${BOT_USER_ID}> ${message.text}`, ts, event_ts: ts } });
      };
      return {
        frontdesk,
        deliver: (message, options = {}) =>
          post(mention(message), { ...signed(mention(message)), ...(options.again ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}) }),
        deliverForged: (message) => post(mention(message), signed(mention(message), 'not-the-signing-secret')),
        deliverMalformed: () => post('{"type":"event_callback","event_id":', signed('{"type":"event_callback","event_id":')),
        async echoOwnReply() {
          // Slack sends our own chat.postMessage back as a message event in the thread we answer:
          // a bot token's post has no subtype, only the bot's user and bot_id.
          const ours = api.of('chat.postMessage').at(-1)!;
          const posted = ours.result as { channel: string; ts: string; message: { text: string; bot_id: string } };
          const recorded = slackFixture<{ event: Record<string, unknown> }>('bot_message.json');
          const event: Record<string, unknown> = { ...recorded.event, channel: posted.channel, ts: posted.ts, event_ts: posted.ts, thread_ts: ours.args.thread_ts, text: posted.message.text, bot_id: posted.message.bot_id, user: BOT_USER_ID };
          delete event.subtype;
          delete event.username;
          const body = JSON.stringify({ ...recorded, event_id: `EvEcho${posted.ts.replace('.', '')}`, event });
          const response = await post(body, signed(body));
          if (response.status !== 200) throw new Error(`the echo event answered ${response.status}`);
        },
        providerSends: async () => api.of('chat.postMessage').filter((call) => (call.result as { ok: boolean }).ok).length,
        failNextSend(kind) {
          api.failNext(
            'chat.postMessage',
            kind === 'retryable'
              ? { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } }
              : { status: 200, body: { ok: false, error: 'channel_not_found' } },
          );
        },
        async close() {
          await slack.idle();
          await frontdesk.stop();
        },
      };
    },
  };
}

// ───────────────────────────── email (IMAP in, SMTP out) ─────────────────────────────

const CUSTOMER_MAILBOX = 'jane@example.org';
/** A fresh support mailbox per session, so no cursor or unread mail carries over between cases. */
const SUPPORT_MAILBOXES = Array.from({ length: 8 }, (_, i) => `contract${i + 1}@northwind.test`);

/** Polls until `check` holds: mail arrives over IMAP, and a handled duplicate leaves no event to await. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function emailDriver(): ChannelDriver {
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  let opened = 0;
  return {
    channel: 'email',
    service: 'Dovecot',
    notApplicable: {
      signature:
        'email is pulled over IMAP from our own mailbox with our credentials; there is no request from the provider to sign (forged senders are a threading matter, covered in email.test.ts)',
      'bad-payload':
        'there is no request to answer with a 4xx: mail is read from the mailbox, and refusing malformed mail would block it, so whatever can be read is stored (email.test.ts, "stores bad and odd mail")',
    },
    unavailable: dovecotUnavailable,
    async setup() {
      const users = Object.fromEntries([...SUPPORT_MAILBOXES, CUSTOMER_MAILBOX].map((user, i) => [user, `secret-${i}`]));
      dovecot = await startDovecot(users);
      smtp = await startSmtpSink(dovecot, users);
    },
    async teardown() {
      await smtp?.stop();
      await dovecot?.stop();
    },
    async open(engine, clock) {
      const mailbox = SUPPORT_MAILBOXES[opened++];
      if (!mailbox) throw new Error('add support mailboxes to SUPPORT_MAILBOXES: every session needs its own');
      smtp.received.length = 0;
      const config = loadConfig({ EMAIL_IMAP_URL: dovecot.imapUrl(mailbox), EMAIL_SMTP_URL: smtp.url, EMAIL_ADDRESS: mailbox }).email!;
      const adapter: EmailAdapter = createEmailAdapter(config, { timing: { pollIntervalMs: 100, leaseTtlMs: 15_000, reconnectMinMs: 50, reconnectMaxMs: 500 } });
      const frontdesk = await createTestFrontdesk({ adapters: [adapter], engine, clock });
      // Only the poller: the outbox sweep stays off, so each retry in a case is the case's own drain().
      await adapter.start();
      const cursorKey = `${mailbox}@127.0.0.1:${dovecot.port}/inbox`;
      /** Appends raw mail to the support mailbox and waits until the poller has handled it. */
      const arrive = async (raw: string) => {
        const uid = (await dovecot.append(mailbox, raw))!;
        await until(async () => ((await frontdesk.store.repo.getCursor('email', cursorKey)) as { lastUid?: number } | null)?.lastUid! >= uid, `mail UID ${uid} handled`);
        await frontdesk.pipeline.idle();
        return null;
      };
      const unsupported = () => Promise.reject(new Error('email has no inbound requests (see notApplicable)'));
      return {
        frontdesk,
        deliver: (message) =>
          arrive(
            [
              `From: Jane Doe <${CUSTOMER_MAILBOX}>`,
              `To: ${mailbox}`,
              `Subject: ${message.text.slice(0, 40)}`,
              `Message-ID: <${message.id}@example.org>`,
              `Date: ${new Date(clock.now()).toUTCString()}`,
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=utf-8',
              '',
              message.text,
              '',
            ].join('\r\n'),
          ),
        deliverForged: unsupported,
        deliverMalformed: unsupported,
        // Our own sent reply in the support mailbox (a Bcc to ourselves, a server that files sent
        // mail into the inbox): as the SMTP server took it, and with the Message-ID a relay such as
        // Amazon SES puts in place of ours (so it matches no stored reply).
        async echoOwnReply() {
          const sent = smtp.received.at(-1)!.raw;
          await arrive(sent);
          const rewritten = sent.replace(/^Message-ID: <[^>]+>/im, 'Message-ID: <0100018c2f5e7a9b-rewritten@email.amazonses.com>');
          if (rewritten === sent) throw new Error('the sent reply has no Message-ID header to rewrite');
          await arrive(rewritten);
        },
        providerSends: async () => smtp.received.length,
        failNextSend: (kind) => smtp.rejectNext(CUSTOMER_MAILBOX, kind === 'retryable' ? 451 : 550),
        async close() {
          await adapter.stop();
          await frontdesk.stop();
        },
      };
    },
  };
}

// ───────────────────────────── web (the widget's visitor API) ─────────────────────────────

export function webDriver(): ChannelDriver {
  return {
    channel: 'web',
    notApplicable: {
      'own-messages':
        'nothing of ours comes back in: replies are stored and streamed by Frontdesk itself (deliveredOnStore), and the visitor API only takes the visitor\'s own text',
      'send-failures': 'there is no provider send to fail: a web reply is delivered when it is stored (deliveredOnStore), so it never enters the outbox',
    },
    unavailable: () => null,
    setup: async () => undefined,
    teardown: async () => undefined,
    async open(engine, clock) {
      const frontdesk = await createTestFrontdesk({ engine, clock });
      const post = async (path: string, body: string, token: string | null) => {
        const response = await frontdesk.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
        });
        await frontdesk.pipeline.idle();
        return response;
      };
      const start = async () => {
        const response = await post('/v1/conversations', '{}', null);
        if (response.status !== 201) throw new Error(`starting a web conversation answered ${response.status}`);
        return (await response.json()) as { conversation: { id: string }; visitorToken: string };
      };
      // The widget's conversation, started on first use, as the widget does.
      let mine: Awaited<ReturnType<typeof start>> | null = null;
      const conversation = async () => (mine ??= await start());
      const messageBody = (message: CustomerMessage) => JSON.stringify({ text: message.text, clientMessageId: message.id });
      return {
        frontdesk,
        async deliver(message) {
          const { conversation: c, visitorToken } = await conversation();
          return post(`/v1/conversations/${c.id}/messages`, messageBody(message), visitorToken);
        },
        async deliverForged(message) {
          // The visitor token of another conversation: the web channel's credential is the token.
          const { conversation: c } = await conversation();
          const other = await start();
          return post(`/v1/conversations/${c.id}/messages`, messageBody(message), other.visitorToken);
        },
        async deliverMalformed() {
          const { conversation: c, visitorToken } = await conversation();
          return post(`/v1/conversations/${c.id}/messages`, JSON.stringify({ text: 42, clientMessageId: 'malformed' }), visitorToken);
        },
        echoOwnReply: () => Promise.reject(new Error('not applicable to web (see notApplicable)')),
        // Stored is delivered: the widget reads the store.
        providerSends: async () => (await storedMessages(frontdesk.store, 'web')).outbound,
        failNextSend: () => {
          throw new Error('not applicable to web (see notApplicable)');
        },
        close: () => frontdesk.stop(),
      };
    },
  };
}

/** Every channel adapter the contract suite runs for. */
export const channelDrivers = (): ChannelDriver[] => [webDriver(), smsDriver(), emailDriver(), slackDriver()];
