/**
 * Slack as the human support desk: every escalated conversation (of any channel) gets one
 * parent message in the support channel with buttons; later customer messages are mirrored
 * into its thread; staff answer in the thread (or write `note:` for internal notes), press the
 * buttons, or use `/frontdesk`. The parent message is kept up to date with status and assignee.
 * Only linked staff (a Frontdesk user with that Slack id, or with the Slack profile's email), in the
 * desk channel, may use commands, buttons and thread replies; changing anything needs a role in
 * CHANGING_ROLES. Everyone else gets an ephemeral refusal and nothing changes.
 */
import type { webApi } from '@slack/bolt';
import { FrontdeskError } from '../../src/core/errors.ts';
import { createKeyedQueue } from '../../src/core/keyed-queue.ts';
import { ticketRef } from '../../src/core/ticket-ref.ts';
import type { BusEvent, ChannelContext } from '../../src/core/ports.ts';
import type { Conversation, Ticket, User } from '../../src/core/types.ts';
import { escapeMrkdwn, fromMrkdwn, SECTION_LIMIT, splitText } from './format.ts';
import { splitChannelTs } from './parse.ts';
import { DESK_ACTIONS, DESK_TARGET, type SlackBlockActions, type SlackCommand, type SlackMessageEvent } from './types.ts';
import type { UserDirectory } from './users.ts';

const LAST_MESSAGES = 5;
const NOTE_PREFIX = /^\s*note:\s*/i;
/** Roles that may change a conversation from Slack; any other role may only look (fails closed). */
const CHANGING_ROLES: ReadonlySet<string> = new Set<User['role']>(['agent', 'admin']);

export interface SlackDeskDeps {
  client: webApi.WebClient;
  /** The support channel id. */
  channel: string;
  context: ChannelContext;
  users: UserDirectory;
}

/** The reply body of a slash command (shown only to the person who ran it). */
export interface CommandResponse {
  response_type: 'ephemeral';
  text: string;
}

export function createSlackDesk(deps: SlackDeskDeps) {
  const { client, channel, context, users } = deps;
  const { conversations, desk, support } = context;
  const logger = context.logger.child({ channel: 'slack', part: 'desk' });
  // Work on one conversation's thread runs in order: the parent exists before mirrors land.
  const queue = createKeyedQueue();
  /** What each parent message shows now, to update it only when something visible changed. */
  const rendered = new Map<string, string>();

  const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  /** The parent message: who, where, why, the last messages and the buttons. */
  async function renderParent(conversation: Conversation, reason: string | null) {
    const [contact, address, ticket, recent] = await Promise.all([
      conversations.contact(conversation.contactId),
      conversations.customerAddress(conversation),
      desk.ticketOf(conversation.id),
      conversations.recentMessages(conversation.id, 20),
    ]);
    const customer = [contact?.name, contact?.email ?? address].filter(Boolean).join(' · ') || 'Unknown customer';
    const assignee = conversation.assigneeId ? await desk.user(conversation.assigneeId) : null;
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
    const [link] = await desk.linksOf(conversationId, DESK_TARGET);
    return link ? splitChannelTs(link) : null;
  }

  async function post(thread: { channel: string; ts: string }, text: string) {
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text, unfurl_links: false });
  }

  /** Escalation → one parent message per conversation (a repeated escalation is noted in its thread). */
  function onEscalation(e: { conversation: Conversation; ticket: Ticket | null; reason: string }): Promise<void> {
    return queue.run(e.conversation.id, async () => {
      const existing = await deskThread(e.conversation.id);
      const conversation = (await conversations.get(e.conversation.id)) ?? e.conversation;
      const view = await renderParent(conversation, e.reason);
      if (existing) {
        await post(existing, `Escalated again: ${escapeMrkdwn(e.reason)}`);
        await refreshIn(conversation.id, existing, e.reason);
        return;
      }
      const result = await client.chat.postMessage({ channel, text: view.text, blocks: view.blocks as never, unfurl_links: false });
      await desk.link(conversation.id, DESK_TARGET, `${result.channel ?? channel}:${result.ts}`);
      rendered.set(conversation.id, view.key);
    });
  }

  async function refreshIn(conversationId: string, thread: { channel: string; ts: string }, reason: string | null = null) {
    const conversation = await conversations.get(conversationId);
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
    const linked = await desk.userBySlackId(slackUserId);
    if (linked) return linked;
    const profile = await users.get(slackUserId);
    const byEmail = profile.email ? await desk.userByEmail(profile.email) : null;
    if (!byEmail) return null;
    // Already linked to another Slack account: that link wins over a matching email.
    if (byEmail.slackUserId) return null;
    await desk.linkSlackUser(byEmail.id, slackUserId);
    return { ...byEmail, slackUserId };
  }

  /**
   * Who may use the desk: a Slack user linked to a Frontdesk staff user, acting in the desk channel,
   * with a role that may `change` when asked to. Returns the staff user, or the refusal to show.
   */
  async function staffFor(slackUserId: string, channelId: string | null, change: boolean): Promise<{ user: User } | { refusal: string }> {
    if (channelId !== channel) return { refusal: `Frontdesk desk commands and buttons work only in <#${channel}>.` };
    const user = await frontdeskUser(slackUserId);
    if (!user) {
      return { refusal: 'Your Slack account is not linked to a Frontdesk staff user: an admin can create one with your Slack email (`frontdesk user create --email … --slack <your member id>`).' };
    }
    if (user.disabledAt !== null) return { refusal: 'Your Frontdesk user is disabled; an operator can enable it with `frontdesk user enable`.' };
    if (change && !CHANGING_ROLES.has(user.role)) return { refusal: `Your Frontdesk role (${user.role}) may look at conversations but not change them.` };
    return { user };
  }

  /** The conversation a desk thread belongs to, or null for threads Frontdesk did not start. */
  async function conversationOfThread(threadTs: string): Promise<string | null> {
    return desk.conversationOf(DESK_TARGET, `${channel}:${threadTs}`);
  }

  /** A staff reply in a desk thread: to the customer (taking the conversation over) or a `note:`. */
  async function onStaffMessage(event: SlackMessageEvent, conversationId: string): Promise<void> {
    const thread = { channel, ts: event.thread_ts! };
    const staff = await staffFor(event.user!, event.channel ?? null, true);
    if ('refusal' in staff) {
      await client.chat.postEphemeral({ channel, user: event.user!, thread_ts: thread.ts, text: `Not sent to the customer. ${staff.refusal}` }).catch(() => undefined);
      return;
    }
    const raw = event.text ?? '';
    const internal = NOTE_PREFIX.test(raw);
    const text = fromMrkdwn(internal ? raw.replace(NOTE_PREFIX, '') : raw);
    if (!text) return;
    try {
      const message = await support.replyAsHuman({ conversationId, userId: staff.user.id, text, internal });
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
    const where = payload.channel?.id ?? payload.container?.channel_id ?? null;
    const tell = (text: string) => client.chat.postEphemeral({ channel: where ?? channel, user: payload.user.id, text }).catch(() => undefined);
    for (const action of payload.actions) {
      const conversationId = action.value;
      if (!conversationId) continue;
      const staff = await staffFor(payload.user.id, where, true);
      if ('refusal' in staff) {
        await tell(staff.refusal);
        continue;
      }
      try {
        await runAction(action.action_id, conversationId, staff.user.id);
      } catch (error) {
        if (!(error instanceof FrontdeskError)) logger.error({ err: error, action: action.action_id }, 'desk action failed');
        await tell(error instanceof FrontdeskError ? error.message : 'That did not work; see the Frontdesk logs.');
      }
    }
  }

  async function runAction(actionId: string, conversationId: string, userId: string): Promise<string> {
    const ticket = await desk.ticketOf(conversationId);
    switch (actionId) {
      case DESK_ACTIONS.takeOver:
        await support.takeOver(conversationId, userId);
        if (ticket && (ticket.status === 'open' || ticket.status === 'escalated')) await support.updateTicket(ticket.id, { status: 'in_progress' }, userId);
        return 'You took the conversation over; replies in the desk thread go to the customer.';
      case DESK_ACTIONS.handBack:
        await support.handBack(conversationId, userId);
        return 'The bot answers this conversation again.';
      case DESK_ACTIONS.resolve:
        await support.resolve(conversationId, 'human', userId);
        return 'Resolved.';
      case DESK_ACTIONS.assignMe:
        await support.assign(conversationId, userId);
        if (ticket) await support.updateTicket(ticket.id, { assigneeId: userId }, userId);
        return 'Assigned to you.';
      default:
        throw new FrontdeskError('unknown_action', `Unknown action ${actionId}.`, 400);
    }
  }

  /** A ticket by what people type: `#1042`, `1042` or its id. */
  async function ticketOfRef(ref: string): Promise<Ticket | null> {
    const number = /^#?(\d{1,9})$/.exec(ref)?.[1];
    return number ? desk.ticketByNumber(Number(number)) : desk.ticket(ref);
  }

  /** `/frontdesk status <ticket>`, `/frontdesk resolve <ticket>`, `/frontdesk handback <ticket>`. */
  async function onCommand(command: SlackCommand): Promise<CommandResponse> {
    const reply = (text: string): CommandResponse => ({ response_type: 'ephemeral', text });
    const [verb = 'help', ref] = command.text.trim().split(/\s+/).filter(Boolean);
    const usage = 'Usage: `/frontdesk status <ticket>`, `/frontdesk resolve <ticket>`, `/frontdesk handback <ticket>` (the ticket number like #1042, the ticket id or the conversation id).';
    if (verb === 'help' || !['status', 'resolve', 'handback'].includes(verb)) return reply(usage);
    // Checked before any lookup, so nobody else learns even whether a ticket exists.
    const staff = await staffFor(command.user_id, command.channel_id, verb !== 'status');
    if ('refusal' in staff) return reply(staff.refusal);
    const conversationId = ref
      ? ((await ticketOfRef(ref))?.conversationId ?? (await conversations.get(ref))?.id ?? null)
      : command.thread_ts
        ? await conversationOfThread(command.thread_ts)
        : null;
    if (!conversationId) return reply(ref ? `No ticket or conversation ${ref}.` : usage);
    try {
      if (verb === 'resolve') return reply(await runAction(DESK_ACTIONS.resolve, conversationId, staff.user.id));
      if (verb === 'handback') return reply(await runAction(DESK_ACTIONS.handBack, conversationId, staff.user.id));
    } catch (error) {
      if (error instanceof FrontdeskError) return reply(error.message);
      throw error;
    }
    const conversation = (await conversations.get(conversationId))!;
    const ticket = await desk.ticketOf(conversationId);
    const assignee = conversation.assigneeId ? await desk.user(conversation.assigneeId) : null;
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
