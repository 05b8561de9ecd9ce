/**
 * The Slack channel: internal teams ask Frontdesk in Slack (app mentions, DMs; answers in the
 * thread), and Slack is the human support desk for escalations from every channel (desk.ts).
 * Transports: the Events API over HTTP inside Frontdesk's Hono app at /webhooks/slack (routes.ts,
 * signed requests), and Socket Mode (socket.ts) when an app-level token is set; both feed the same
 * handlers.
 */
import { webApi } from '@slack/bolt';
import type { Hono } from 'hono';
import type { ChannelAdapter, ChannelContext, ChannelRoutes, Logger } from '../../src/core/ports.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import { createSlackDesk, type SlackDesk } from './desk.ts';
import { isIgnorable, threadKeyOf, toCommand, toEnvelope, toInbound, toInteraction, toMessageEvent } from './parse.ts';
import { createSlackRoutes } from './routes.ts';
import { postReply } from './send.ts';
import { createSlackSocket, type SlackSocket, type SocketEnvelope } from './socket.ts';
import { PROVIDER, type SlackAdapterConfig, type SlackAdapterDeps, type SlackBlockActions, type SlackCommand, type SlackEnvelope, type SlackMessageEvent } from './types.ts';
import { createUserDirectory } from './users.ts';

export type { SlackAdapterConfig, SlackAdapterDeps } from './types.ts';

/** The Slack adapter plus `idle()`, which resolves once background work of acknowledged requests is done. */
export interface SlackAdapter extends ChannelAdapter<Hono> {
  /** Wires the desk to escalations and live updates; answers the Events API routes. */
  attach(context: ChannelContext): ChannelRoutes<Hono>;
  /** With an app token, opens the Socket Mode connection (in the background). */
  start(): Promise<void>;
  /** Closes the Socket Mode connection, then waits for the work of acknowledged deliveries. */
  stop(): Promise<void>;
  idle(): Promise<void>;
}

type Reaction = { channel: string; ts: string } | null;

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export function createSlackAdapter(config: SlackAdapterConfig, deps: SlackAdapterDeps = {}): SlackAdapter {
  const client = new webApi.WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // The outbox retries deliveries with backoff; Slack's 429 must reach it as a DeliveryError.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
  const users = createUserDirectory(client, deps.userCacheMs ?? 60 * 60_000, () => Date.now());
  const workingReaction = deps.workingReaction ?? 'eyes';
  /** Background work of acknowledged requests (Slack wants its answer within 3 s). */
  const tasks = new Set<Promise<unknown>>();
  /** Working reactions per thread key, settled once added, removed when a reply lands. */
  const reactions = new Map<string, Promise<Reaction>[]>();
  let context: ChannelContext | null = null;
  let desk: SlackDesk | null = null;
  let logger: Logger = deps.logger?.child({ channel: 'slack' }) ?? silent;
  const unsubscribe: (() => void)[] = [];
  let botUser: Promise<string | null> | null = null;
  let socket: SlackSocket | null = null;

  /** Work may start more work (a reply escalates, the desk posts); waits until none is left. */
  async function idle(): Promise<void> {
    while (tasks.size > 0) await Promise.allSettled([...tasks]);
  }

  function track(work: Promise<unknown>): void {
    const task = work.catch((error) => logger.error({ err: error }, 'slack background work failed'));
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  }

  /** Our own bot user id (auth.test), to never ingest what Frontdesk itself posted. */
  function botUserId(): Promise<string | null> {
    botUser ??= client.auth.test().then(
      (r) => r.user_id ?? null,
      (error) => {
        logger.warn({ err: error }, 'auth.test failed; bot messages are still recognised by bot_id');
        botUser = null;
        return null;
      },
    );
    return botUser;
  }

  /** The context given by attach(); the handlers only run after it. */
  function attached(): ChannelContext {
    if (!context) throw new Error('the Slack adapter was used before it was attached');
    return context;
  }

  /** Wires the adapter to a running Frontdesk once: desk subscriptions, logger, HTTP routes. */
  function attach(ctx: ChannelContext) {
    context = ctx;
    logger = (deps.logger ?? ctx.logger).child({ channel: 'slack' });
    if (config.supportChannel) {
      const d = createSlackDesk({ client, channel: config.supportChannel, context: ctx, users });
      desk = d;
      unsubscribe.push(ctx.support.onEscalation((e) => track(d.onEscalation(e))));
      unsubscribe.push(
        ctx.bus.subscribe('*', (event) => {
          const work = d.onBusEvent(event);
          if (work) track(work);
        }),
      );
    }
    const app = createSlackRoutes(config.signingSecret, ctx.clock, { acceptEvent, acceptAction, answerCommand });
    return { basePath: '/webhooks/slack', app };
  }

  async function addWorkingReaction(channel: string, ts: string): Promise<Reaction> {
    try {
      await client.reactions.add({ channel, timestamp: ts, name: workingReaction });
      return { channel, ts };
    } catch (error) {
      logger.debug({ err: error }, 'reactions.add failed');
      return null;
    }
  }

  async function clearReactions(threadKey: string | null) {
    if (!threadKey) return;
    const pending = reactions.get(threadKey) ?? [];
    reactions.delete(threadKey);
    for (const reaction of await Promise.all(pending)) {
      if (!reaction) continue;
      await client.reactions.remove({ channel: reaction.channel, timestamp: reaction.ts, name: workingReaction }).catch(() => undefined);
    }
  }

  /** A person's Slack message for the agents: ingest, show the working reaction, await the reply. */
  async function ingest(event: SlackMessageEvent, bot: string | null) {
    const sender = await users.get(event.user!);
    if (sender.isBot) return;
    const inbound = toInbound(event, sender, bot);
    if (!inbound) return;
    const key = threadKeyOf(event);
    // Registered before the pipeline runs, so a fast reply still finds (and removes) the reaction.
    let settle!: (reaction: Reaction) => void;
    const marker = new Promise<Reaction>((resolve) => (settle = resolve));
    reactions.set(key, [...(reactions.get(key) ?? []), marker]);
    let result: Awaited<ReturnType<ChannelContext['inbound']['receive']>>;
    try {
      result = await attached().inbound.receive(inbound);
    } catch (error) {
      settle(null);
      throw error;
    }
    const working = !result.duplicate && result.conversation.owner === 'bot';
    settle(working ? await addWorkingReaction(event.channel!, event.ts!) : null);
    await result.reply;
  }

  async function onEvent(event: SlackMessageEvent) {
    const bot = await botUserId();
    if (isIgnorable(event, bot)) return;
    if (desk && event.channel === config.supportChannel && event.thread_ts) {
      const conversationId = await desk.conversationOfThread(event.thread_ts);
      if (conversationId) {
        // A mention in a desk thread arrives twice (app_mention and message); the message counts.
        if (event.type === 'message') await desk.onStaffMessage(event, conversationId);
        return;
      }
    }
    const direct = event.type === 'app_mention' || event.channel_type === 'im';
    // Plain channel messages only count as follow-ups in threads Frontdesk already answers.
    if (!direct && !(event.thread_ts && (await attached().conversations.byThread('slack', threadKeyOf(event))))) return;
    await ingest(event, bot);
  }

  /**
   * An event delivery (HTTP or Socket Mode): a message event is claimed by its event_id, then worked
   * on in the background; any other event (or a message no person just wrote) is acknowledged and
   * ignored without storing anything.
   */
  async function acceptEvent(envelope: Extract<SlackEnvelope, { type: 'event_callback' }>, retry: string | null) {
    const event = toMessageEvent(envelope.event);
    // Edits, joins and bot posts are dropped here already (our own bot id is checked later).
    if (!event || isIgnorable(event, null)) {
      logger.debug({ eventId: envelope.event_id, eventType: envelope.event.type }, 'slack event not handled');
      return;
    }
    // Slack's retries and duplicate deliveries (of either transport) carry the same event_id.
    if (!(await attached().providerEvents.claim(PROVIDER, envelope.event_id))) {
      logger.debug({ eventId: envelope.event_id, retry }, 'slack event already processed');
      return;
    }
    track(onEvent(event));
  }

  function acceptAction(payload: SlackBlockActions | null) {
    if (payload && desk) track(desk.onAction(payload));
  }

  async function answerCommand(command: SlackCommand) {
    if (!desk) return { response_type: 'ephemeral' as const, text: 'The Frontdesk support desk is not configured (SLACK_SUPPORT_CHANNEL).' };
    return desk.onCommand(command);
  }

  /** A Socket Mode envelope: the same handlers as the HTTP routes; a command's answer goes into the ack. */
  async function onSocketEnvelope(envelope: SocketEnvelope): Promise<Record<string, unknown> | undefined> {
    switch (envelope.type) {
      case 'events_api': {
        const body = toEnvelope(envelope.payload);
        if (body.type === 'event_callback') await acceptEvent(body, envelope.retryNum === null ? null : String(envelope.retryNum));
        return undefined;
      }
      case 'interactive':
        acceptAction(toInteraction(envelope.payload));
        return undefined;
      case 'slash_commands':
        return { ...(await answerCommand(toCommand(envelope.payload))) };
      default:
        logger.debug({ envelopeType: envelope.type }, 'slack socket envelope type not used');
        return undefined;
    }
  }

  return {
    kind: 'slack',
    replyAttachments: carriesEveryReplyType('Slack'),
    async send(message) {
      const result = await postReply(client, message);
      await clearReactions(message.thread.key);
      return result;
    },
    attach,
    /** Opens the Socket Mode connection when an app token is set; it connects (and reconnects) in the background. */
    async start() {
      attached();
      if (config.appToken && !socket) {
        socket = createSlackSocket({ appToken: config.appToken, apiUrl: config.apiUrl, logger, onEnvelope: onSocketEnvelope });
        socket.start();
      } else if (!config.signingSecret) {
        logger.warn('Neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is set: Slack cannot reach Frontdesk.');
      }
    },
    async stop() {
      // No new envelopes first; then let the work of acknowledged ones finish.
      const closing = socket;
      socket = null;
      await closing?.stop();
      for (const off of unsubscribe.splice(0)) off();
      await idle();
    },
    idle,
  };
}
