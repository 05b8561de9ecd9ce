import { z } from 'zod';
import { InvalidInputError } from '../../src/core/errors.ts';
import { unstorableTextError, unstorableTextPath } from '../../src/core/text.ts';
import type { InboundMessage } from '../../src/core/types.ts';
import { fromMrkdwn } from './format.ts';
import { SlackBlockActions, SlackCommand, SlackEnvelope, type SlackEvent, SlackMessageEvent, type SlackUser } from './types.ts';

/** Message subtypes that carry a person's new words; edits, joins, deletions and bot posts do not. */
const HUMAN_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(`The Slack ${what} is not valid JSON.`, undefined, 'invalid_slack_payload');
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  // Slack sends no NUL or lone surrogate; ids and text holding one would fail the store's insert.
  const unstorable = unstorableTextPath(value);
  if (unstorable !== null) throw unstorableTextError(`The Slack ${what}'s ${unstorable || 'body'}`, unstorable);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidInputError(`Unexpected Slack ${what}: ${z.prettifyError(parsed.error)}`, parsed.error.issues, 'invalid_slack_payload');
  }
  return parsed.data;
}

/** An Events API body (`url_verification`, `event_callback`, `app_rate_limited`). */
export function parseEnvelope(rawBody: string): SlackEnvelope {
  return toEnvelope(parseJson(rawBody, 'event'));
}

/** The `payload` field of an interactivity request; null for interaction types Frontdesk does not use. */
export function parseInteraction(rawBody: string): SlackBlockActions | null {
  const payload = new URLSearchParams(rawBody).get('payload');
  if (!payload) throw new InvalidInputError('The Slack interaction has no payload field.', undefined, 'invalid_slack_payload');
  return toInteraction(parseJson(payload, 'interaction'));
}

/** An interaction payload already decoded (Socket Mode `interactive` envelopes carry it as JSON). */
export function toInteraction(value: unknown): SlackBlockActions | null {
  if ((value as { type?: unknown } | null)?.type !== 'block_actions') return null;
  return validate(SlackBlockActions, value, 'interaction');
}

/** A slash command's form fields. */
export function parseCommand(rawBody: string): SlackCommand {
  return toCommand(Object.fromEntries(new URLSearchParams(rawBody)));
}

/** A slash command's fields already decoded (Socket Mode `slash_commands` envelopes). */
export function toCommand(value: unknown): SlackCommand {
  return validate(SlackCommand, value, 'command');
}

/** An Events API body already decoded (the payload of a Socket Mode `events_api` envelope). */
export function toEnvelope(value: unknown): SlackEnvelope {
  return validate(SlackEnvelope, value, 'event');
}

/**
 * The message or app_mention event of an envelope, or null for every other event (user_change,
 * channel_rename, …) and for message events of a shape Frontdesk does not read: those are
 * acknowledged and ignored, since refusing them only makes Slack retry.
 */
export function toMessageEvent(event: SlackEvent): SlackMessageEvent | null {
  if (event.type !== 'message' && event.type !== 'app_mention') return null;
  const parsed = SlackMessageEvent.safeParse(event);
  return parsed.success ? parsed.data : null;
}

/**
 * True for anything a person did not just write: posts by bots and apps (Frontdesk's own
 * replies and desk mirrors among them), edits, deletions, joins. Ingesting those would loop.
 */
export function isIgnorable(event: SlackMessageEvent, botUserId: string | null): boolean {
  if (event.bot_id || event.subtype === 'bot_message') return true;
  if (!HUMAN_SUBTYPES.has(event.subtype)) return true;
  if (!event.user || !event.channel || !event.ts) return true;
  return botUserId !== null && event.user === botUserId;
}

/** Frontdesk's thread key for a Slack message: `<channel>:<thread_ts || ts>`. */
export function threadKeyOf(event: Pick<SlackMessageEvent, 'channel' | 'thread_ts' | 'ts'>): string {
  return `${event.channel}:${event.thread_ts ?? event.ts}`;
}

/** Splits `<channel>:<ts>` (thread keys, provider message ids, desk links). */
export function splitChannelTs(value: string): { channel: string; ts: string } | null {
  const index = value.indexOf(':');
  return index > 0 ? { channel: value.slice(0, index), ts: value.slice(index + 1) } : null;
}

/**
 * One Slack message as the pipeline's InboundMessage: the sender's Slack user id is the identity
 * address (name and email from users.info), the bot's own mention is dropped from the text.
 * Null when nothing is left to answer.
 */
export function toInbound(event: SlackMessageEvent, sender: SlackUser, botUserId: string | null): InboundMessage | null {
  const raw = event.text ?? '';
  const withoutMention = botUserId ? raw.replaceAll(`<@${botUserId}>`, '') : raw;
  const text = fromMrkdwn(withoutMention);
  const attachments = (event.files ?? []).map((file) => ({
    filename: file.name ?? file.id,
    contentType: file.mimetype ?? 'application/octet-stream',
    size: file.size ?? 0,
    url: file.url_private,
  }));
  if (!text && attachments.length === 0) return null;
  return {
    channel: 'slack',
    from: { address: sender.id, ...(sender.name ? { name: sender.name } : {}), ...(sender.email ? { email: sender.email } : {}) },
    to: event.channel,
    text,
    ...(text !== raw.trim() ? { original: raw } : {}),
    attachments,
    providerMessageId: `${event.channel}:${event.ts}`,
    receivedAt: Math.round(Number(event.ts) * 1000),
    thread: { key: threadKeyOf(event) },
    meta: { slack: { channel: event.channel, ts: event.ts, threadTs: event.thread_ts ?? null, team: event.team ?? null } },
  };
}
