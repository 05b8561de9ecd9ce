import { describe, expect, it } from 'vitest';
import { slackFixture } from '../../test/integration/slack-web-api.ts';
import { FrontdeskError } from '../../src/core/errors.ts';
import { isIgnorable, parseCommand, parseEnvelope, parseInteraction, threadKeyOf, toInbound, toMessageEvent } from './parse.ts';
import type { SlackMessageEvent } from './types.ts';

const BOT = 'U0LAN0Z89';
const ADA = { id: 'U061F7AUR', name: 'Ada Lovelace', email: 'ada@northwind.example', isBot: false };

function eventOf(name: string): SlackMessageEvent {
  const envelope = parseEnvelope(JSON.stringify(slackFixture(name)));
  if (envelope.type !== 'event_callback') throw new Error('not an event');
  const event = toMessageEvent(envelope.event);
  if (!event) throw new Error('not a message event');
  return event;
}

describe('Slack payload parsing', () => {
  it('normalises an app mention: user id as address, mention dropped, thread key from ts', () => {
    const inbound = toInbound(eventOf('app_mention.json'), ADA, BOT)!;
    expect(inbound).toMatchObject({
      channel: 'slack',
      from: { address: 'U061F7AUR', name: 'Ada Lovelace', email: 'ada@northwind.example' },
      to: 'C123ABC456',
      text: 'where is my laptop order NW-10004? **urgent** & thanks',
      providerMessageId: 'C123ABC456:1515449522.000016',
      receivedAt: 1515449522000,
      thread: { key: 'C123ABC456:1515449522.000016' },
    });
  });

  it('keys a thread reply by its parent thread_ts', () => {
    expect(threadKeyOf(eventOf('thread_reply.json'))).toBe('C123ABC456:1515449522.000016');
    expect(threadKeyOf(eventOf('message_im.json'))).toBe('D024BE91L:1355517523.000005');
  });

  it('ignores bot posts, our own user, edits, and a bare mention', () => {
    expect(isIgnorable(eventOf('bot_message.json'), BOT)).toBe(true);
    expect(isIgnorable({ ...eventOf('thread_reply.json'), user: BOT }, BOT)).toBe(true);
    expect(isIgnorable({ ...eventOf('thread_reply.json'), subtype: 'message_changed' }, BOT)).toBe(true);
    expect(isIgnorable(eventOf('thread_reply.json'), BOT)).toBe(false);
    expect(toInbound({ ...eventOf('app_mention.json'), text: `<@${BOT}>  ` }, ADA, BOT)).toBeNull();
  });

  it('reads url_verification, block_actions and slash commands', () => {
    expect(parseEnvelope(JSON.stringify(slackFixture('url_verification.json')))).toMatchObject({ type: 'url_verification' });
    const payload = new URLSearchParams({ payload: JSON.stringify(slackFixture('block_actions.json')) }).toString();
    expect(parseInteraction(payload)).toMatchObject({ user: { id: 'U0STAFF01' }, actions: [{ action_id: 'frontdesk_resolve' }] });
    expect(parseInteraction(new URLSearchParams({ payload: '{"type":"view_submission"}' }).toString())).toBeNull();
    expect(parseCommand(slackFixture<string>('slash_command.txt'))).toMatchObject({ command: '/frontdesk', text: 'status TICKET', user_id: 'U0STAFF01', channel_id: 'C0DESK0001' });
  });

  it('reads events whose user or channel are objects, and keeps only message events', () => {
    const messageOf = (name: string) => {
      const envelope = parseEnvelope(JSON.stringify(slackFixture(name)));
      return envelope.type === 'event_callback' ? toMessageEvent(envelope.event) : 'not an event';
    };
    expect(messageOf('user_change.json')).toBeNull();
    expect(messageOf('channel_rename.json')).toBeNull();
    expect(toMessageEvent({ type: 'message', user: { id: 'U1' }, channel: 'C1', ts: '1.2' })).toBeNull();
    expect(toMessageEvent({ type: 'app_mention', user: 'U1', channel: 'C1', ts: '1.2' })).toMatchObject({ user: 'U1' });
    // An edit is a message event, but no person just wrote it.
    expect(isIgnorable(messageOf('message_changed.json') as SlackMessageEvent, null)).toBe(true);
  });

  it('rejects malformed bodies with a 400', () => {
    const status = (fn: () => unknown) => {
      try {
        fn();
        return null;
      } catch (error) {
        return error instanceof FrontdeskError ? error.status : 'other';
      }
    };
    expect(status(() => parseEnvelope('{nope'))).toBe(400);
    expect(status(() => parseEnvelope('{"type":"event_callback"}'))).toBe(400);
    expect(status(() => parseInteraction('foo=bar'))).toBe(400);
    expect(status(() => parseCommand('command=%2Ffrontdesk'))).toBe(400);
  });
});
