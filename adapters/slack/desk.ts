/**
 * Slack as the human support desk: every escalated conversation (of any channel) gets one
 * parent message in the support channel with buttons; later customer messages are mirrored
 * into its thread; staff answer in the thread (or write `note:` for internal notes), press the
 * buttons, or use `/frontdesk`. The parent message is kept up to date with status and assignee.
 */
import type { webApi } from '@slack/bolt';
import { FrontdeskError } from '../../src/core/errors.ts';
import { createKeyedQueue } from '../../src/core/keyed-queue.ts';
import { ticketRef } from '../../src/core/ticket-ref.ts';
import type { AdapterContext, BusEvent } from '../../src/core/ports.ts';
import type { Conversation, Ticket } from '../../src/core/types.ts';
import { escapeMrkdwn, fromMrkdwn, SECTION_LIMIT, splitText } from './format.ts';
import { splitChannelTs } from './parse.ts';
import { DESK_ACTIONS, DESK_TARGET, type SlackBlockActions, type SlackCommand, type SlackMessageEvent } from './types.ts';
import type { UserDirectory } from './users.ts';

const LAST_MESSAGES = 5;
const NOTE_PREFIX = /^\s*note:\s*/i;

export interface SlackDeskDeps {
  client: webApi.WebClient;
  /** The support channel id. */
  channel: string;
  context: AdapterContext;
  users: UserDirectory;
}

/** The reply body of a slash command (shown only to the person who ran it). */
export interface CommandResponse {
  response_type: 'ephemeral';
  text: string;
}

export function createSlackDesk(deps: SlackDeskDeps) {
  const { client, channel, context, users } = deps;
  const { store, support } = context;
  const logger = context.logger.child({ channel: 'slack', part: 'desk' });
  // Work on one conversation's thread runs in order: the parent exists before mirrors land.
  const queue = createKeyedQueue();
  /** What each parent message shows now, to update it only when something visible changed. */
  const rendered = new Map<string, string>();

  const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  async function ticketOf(conversationId: string): Promise<Ticket | null> {
    const tickets = await store.repo.listTickets({ conversationId, limit: 1 });
    return tickets[0] ?? null;
  }

  /** The parent message: who, where, why, the last messages and the buttons. */
  async function renderParent(conversation: Conversation, reason: string | null) {
    const repo = store.repo;
    const [contact, identities, ticket, recent] = await Promise.all([
      repo.getContact(conversation.contactId),
      repo.listIdentities(conversation.contactId),
      ticketOf(conversation.id),
      repo.recentMessages(conversation.id, 20),
    ]);
    const address = identities.find((i) => i.channel === conversation.channel)?.address ?? null;
    const customer = [contact?.name, contact?.email ?? address].filter(Boolean).join(' · ') || 'Unknown customer';
    const assignee = conversation.assigneeId ? await repo.getUser(conversation.assigneeId) : null;
    const visible = recent.filter((m) => !m.internal);
    const confidence = [...visible].reverse().find((m) => m.authorKind === 'bot' && m.confidence !== null)?.confidence ?? null;
    const closed = conversation.status === 'resolved' || conversation.status === 'closed';
    const summary = ticket?.summary ?? reason ?? 'Handed to humans.';
    const status = `${conversation.status} · ${conversation.owner === 'human' ? 'human-owned' : 'bot-owned'}`;
    const lines = visible.slice(-LAST_MESSAGES).map((m) => {
      const who = m.direction === 'inbound' ? 'Customer' : m.authorKind === 'human' ? 'Staff' : `Bot${m.agentName ? ` (${m.agentName})` : ''}`;
      return `> *${who}:* ${escapeMrkdwn(short(m.text.replace(/\s+/g, ' '), 300))}`;
    });
    const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeMrkdwn(short(value, 200))}` });
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: short(`${closed ? 'Resolved' : 'Escalated'}: ${contact?.name ?? address ?? 'customer'}`, 150) } },
      {
        type: 'section',
        fields: [
          field('Customer', customer),
          field('Channel', conversation.channel),
          field('Route', conversation.route ?? '—'),
          field('Confidence', confidence === null ? '—' : confidence.toFixed(2)),
          field('Ticket', ticket ? `${ticketRef(ticket)} (${ticket.status}, ${ticket.priority})` : '—'),
          field('Status', status),
          field('Assignee', assignee ? assignee.name : 'unassigned'),
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: short(`*Summary*\n${escapeMrkdwn(summary)}`, SECTION_LIMIT) } },
    ];
    if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: short(`*Last messages*\n${lines.join('\n')}`, SECTION_LIMIT) } });
    if (!closed) {
      const button = (text: string, actionId: string, style?: 'primary' | 'danger') => ({
        type: 'button',
        text: { type: 'plain_text', text },
        action_id: actionId,
        value: conversation.id,
        ...(style ? { style } : {}),
      });
      blocks.push({
        type: 'actions',
        block_id: 'frontdesk_desk',
        elements: [
          button('Take over', DESK_ACTIONS.takeOver, 'primary'),
          button('Hand back to bot', DESK_ACTIONS.handBack),
          button('Resolve', DESK_ACTIONS.resolve, 'danger'),
          button('Assign to me', DESK_ACTIONS.assignMe),
        ],
      });
    }
    const text = `${closed ? 'Resolved' : 'Escalated'} ${conversation.channel} conversation with ${customer}${ticket ? ` — ticket ${ticketRef(ticket)}` : ''}: ${short(summary, 300)}`;
    return { text, blocks, key: `${status}|${assignee?.id ?? ''}|${ticket?.status ?? ''}|${ticket?.assigneeId ?? ''}` };
  }

  async function deskThread(conversationId: string): Promise<{ channel: string; ts: string } | null> {
    const [link] = await store.repo.externalIdsFor(conversationId, DESK_TARGET);
    return link ? splitChannelTs(link) : null;
  }

  async function post(thread: { channel: string; ts: string }, text: string) {
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text, unfurl_links: false });
  }

  /** Escalation → one parent message per conversation (a repeated escalation is noted in its thread). */
  function onEscalation(e: { conversation: Conversation; ticket: Ticket | null; reason: string }): Promise<void> {
    return queue.run(e.conversation.id, async () => {
      const existing = await deskThread(e.conversation.id);
      const conversation = (await store.repo.getConversation(e.conversation.id)) ?? e.conversation;
      const view = await renderParent(conversation, e.reason);
      if (existing) {
        await post(existing, `Escalated again: ${escapeMrkdwn(e.reason)}`);
        await refreshIn(conversation.id, existing, e.reason);
        return;
      }
      const result = await client.chat.postMessage({ channel, text: view.text, blocks: view.blocks as never, unfurl_links: false });
      await store.repo.linkExternal({ conversationId: conversation.id, target: DESK_TARGET, externalId: `${result.channel ?? channel}:${result.ts}`, now: context.clock.now() });
      rendered.set(conversation.id, view.key);
    });
  }

  async function refreshIn(conversationId: string, thread: { channel: string; ts: string }, reason: string | null = null) {
    const conversation = await store.repo.getConversation(conversationId);
    if (!conversation) return;
    const view = await renderParent(conversation, reason);
    if (rendered.get(conversationId) === view.key) return;
    await client.chat.update({ channel: thread.channel, ts: thread.ts, text: view.text, blocks: view.blocks as never });
    rendered.set(conversationId, view.key);
  }

  /** Bus events: mirror new customer messages, keep the parent message current. */
  function onBusEvent(event: BusEvent): Promise<void> | null {
    const mirror = event.type === 'message' && event.message.direction === 'inbound' && !event.message.internal;
    if (!mirror && event.type !== 'conversation' && event.type !== 'ticket') return null;
    return queue.run(event.conversationId, async () => {
      const thread = await deskThread(event.conversationId);
      if (!thread) return;
      if (event.type === 'message') {
        // The customer's words as they wrote them: customer-provided markup (a link labelled
        // "reset your password") is never rendered for staff.
        const text = `*Customer* (${event.message.channel}):\n${escapeMrkdwn(event.message.text)}`;
        for (const chunk of splitText(text, 3_900)) await post(thread, chunk);
        return;
      }
      await refreshIn(event.conversationId, thread);
    });
  }

  /** Slack user → Frontdesk user: by linked Slack id, else by the email Slack knows (then linked). */
  async function frontdeskUser(slackUserId: string) {
    const linked = await store.repo.findUserBySlackId(slackUserId);
    if (linked) return linked;
    const profile = await users.get(slackUserId);
    const byEmail = profile.email ? await store.repo.findUserByEmail(profile.email) : null;
    if (byEmail && !byEmail.slackUserId) await store.repo.updateUser(byEmail.id, { slackUserId });
    return byEmail;
  }

  /** The conversation a desk thread belongs to, or null for threads Frontdesk did not start. */
  async function conversationOfThread(threadTs: string): Promise<string | null> {
    return store.repo.findByExternal(DESK_TARGET, `${channel}:${threadTs}`);
  }

  /** A staff reply in a desk thread: to the customer (taking the conversation over) or a `note:`. */
  async function onStaffMessage(event: SlackMessageEvent, conversationId: string): Promise<void> {
    const thread = { channel, ts: event.thread_ts! };
    const user = await frontdeskUser(event.user!);
    const raw = event.text ?? '';
    const internal = NOTE_PREFIX.test(raw);
    const text = fromMrkdwn(internal ? raw.replace(NOTE_PREFIX, '') : raw);
    if (!text) return;
    try {
      const message = await support.replyAsHuman({ conversationId, userId: user?.id ?? null, text, internal });
      if (message.deliveryStatus === 'failed' || message.deliveryStatus === 'refused') {
        await post(thread, `:warning: Not delivered to the customer: ${escapeMrkdwn(message.error ?? message.deliveryStatus)}`);
      } else {
        await client.reactions.add({ channel, timestamp: event.ts!, name: internal ? 'memo' : 'white_check_mark' }).catch(() => undefined);
      }
    } catch (error) {
      await post(thread, `:warning: ${escapeMrkdwn(error instanceof Error ? error.message : String(error))}`);
    }
  }

  /** A button on a parent message. */
  async function onAction(payload: SlackBlockActions): Promise<void> {
    for (const action of payload.actions) {
      const conversationId = action.value;
      if (!conversationId) continue;
      const user = await frontdeskUser(payload.user.id);
      try {
        await runAction(action.action_id, conversationId, user?.id ?? null);
      } catch (error) {
        const text = error instanceof FrontdeskError ? error.message : 'That did not work; see the Frontdesk logs.';
        if (!(error instanceof FrontdeskError)) logger.error({ err: error, action: action.action_id }, 'desk action failed');
        await client.chat.postEphemeral({ channel: payload.channel?.id ?? channel, user: payload.user.id, text }).catch(() => undefined);
      }
    }
  }

  async function runAction(actionId: string, conversationId: string, userId: string | null): Promise<string> {
    const ticket = await ticketOf(conversationId);
    switch (actionId) {
      case DESK_ACTIONS.takeOver:
        await support.takeOver(conversationId, userId);
        if (ticket && (ticket.status === 'open' || ticket.status === 'escalated')) await support.updateTicket(ticket.id, { status: 'in_progress' });
        return 'You took the conversation over; replies in the desk thread go to the customer.';
      case DESK_ACTIONS.handBack:
        await support.handBack(conversationId, userId);
        return 'The bot answers this conversation again.';
      case DESK_ACTIONS.resolve:
        await support.resolve(conversationId, 'human', userId);
        return 'Resolved.';
      case DESK_ACTIONS.assignMe:
        if (!userId) {
          throw new FrontdeskError('slack_user_unknown', 'Your Slack account is not linked to a Frontdesk user (same email, or set slackUserId).', 403);
        }
        await support.assign(conversationId, userId);
        if (ticket) await support.updateTicket(ticket.id, { assigneeId: userId });
        return 'Assigned to you.';
      default:
        throw new FrontdeskError('unknown_action', `Unknown action ${actionId}.`, 400);
    }
  }

  /** A ticket by what people type: `#1042`, `1042` or its id. */
  async function ticketOfRef(ref: string): Promise<Ticket | null> {
    const number = /^#?(\d{1,9})$/.exec(ref)?.[1];
    return number ? store.repo.getTicketByNumber(Number(number)) : store.repo.getTicket(ref);
  }

  /** `/frontdesk status <ticket>`, `/frontdesk resolve <ticket>`, `/frontdesk handback <ticket>`. */
  async function onCommand(command: SlackCommand): Promise<CommandResponse> {
    const reply = (text: string): CommandResponse => ({ response_type: 'ephemeral', text });
    const [verb = 'help', ref] = command.text.trim().split(/\s+/).filter(Boolean);
    const usage = 'Usage: `/frontdesk status <ticket>`, `/frontdesk resolve <ticket>`, `/frontdesk handback <ticket>` (the ticket number like #1042, the ticket id or the conversation id).';
    const conversationId = ref
      ? ((await ticketOfRef(ref))?.conversationId ?? (await store.repo.getConversation(ref))?.id ?? null)
      : command.thread_ts && command.channel_id === channel
        ? await conversationOfThread(command.thread_ts)
        : null;
    if (verb === 'help' || !['status', 'resolve', 'handback'].includes(verb)) return reply(usage);
    if (!conversationId) return reply(ref ? `No ticket or conversation ${ref}.` : usage);
    const user = await frontdeskUser(command.user_id);
    try {
      if (verb === 'resolve') return reply(await runAction(DESK_ACTIONS.resolve, conversationId, user?.id ?? null));
      if (verb === 'handback') return reply(await runAction(DESK_ACTIONS.handBack, conversationId, user?.id ?? null));
    } catch (error) {
      if (error instanceof FrontdeskError) return reply(error.message);
      throw error;
    }
    const conversation = (await store.repo.getConversation(conversationId))!;
    const ticket = await ticketOf(conversationId);
    const assignee = conversation.assigneeId ? await store.repo.getUser(conversation.assigneeId) : null;
    return reply(
      [
        ticket ? `*Ticket ${ticketRef(ticket)}*: ${ticket.status}, ${ticket.priority} — ${escapeMrkdwn(ticket.summary)}` : `*Conversation ${conversation.id}*`,
        `Conversation: ${conversation.status}, ${conversation.owner === 'human' ? 'human-owned' : 'bot-owned'}, channel ${conversation.channel}, route ${conversation.route ?? '—'}`,
        `Assignee: ${assignee ? escapeMrkdwn(assignee.name) : 'unassigned'}`,
      ].join('\n'),
    );
  }

  return {
    onEscalation,
    onBusEvent,
    onAction,
    onCommand,
    conversationOfThread,
    onStaffMessage,
  };
}

export type SlackDesk = ReturnType<typeof createSlackDesk>;
