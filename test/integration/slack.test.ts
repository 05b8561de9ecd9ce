import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { ROOT } from '../support/paths.ts';
import { addWorkspaceUsers, deskReplies, escalateSmsToDesk, fakeSms, BOT_USER_ID, slackFixture, slackHeaders, startSlackApi, type SlackApi } from './slack-web-api.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DESK = 'C0DESK0001';
const FORM = 'application/x-www-form-urlencoded';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;

const reply = deskReplies((text) => `**Found it** — see [tracking](https://track.example.com/NW-10004) for "${text}"`);

describe('Slack channel and support desk', () => {
  let api: SlackApi;
  let fd: Frontdesk;
  let slack: SlackAdapter;
  let sms: ReturnType<typeof fakeSms>;
  let engine: ReturnType<typeof scriptedEngine>;

  beforeAll(async () => {
    api = await startSlackApi();
    addWorkspaceUsers(api);
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    api.reset();
    slack = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: SECRET, appToken: null, supportChannel: DESK, apiUrl: api.url });
    sms = fakeSms();
    engine = scriptedEngine(reply);
    fd = await createTestFrontdesk({ adapters: [slack, sms], engine });
  });
  afterEach(async () => {
    await slack.idle();
    await fd.stop();
  });

  async function post(path: string, body: string, contentType = 'application/json', extra: Record<string, string> = {}, atMs?: number) {
    const res = await fd.app.request(`/webhooks/slack${path}`, { method: 'POST', body, headers: { ...slackHeaders(SECRET, body, contentType, atMs), ...extra } });
    return res;
  }

  async function event(payload: unknown, extra: Record<string, string> = {}) {
    const res = await post('/events', JSON.stringify(payload), 'application/json', extra);
    expect(res.status).toBe(200);
    await slack.idle();
  }

  it('mounts every URL and event of config/slack-manifest.yaml', async () => {
    const manifest = readFileSync(join(ROOT, 'config/slack-manifest.yaml'), 'utf8');
    const paths = [...manifest.matchAll(/url: https:\/\/frontdesk\.example\.com(\S+)/g)].map((m) => m[1]!);
    expect(paths.sort()).toEqual(['/webhooks/slack/actions', '/webhooks/slack/commands', '/webhooks/slack/events']);
    for (const path of paths) expect((await fd.app.request(path, { method: 'POST', body: '' })).status).toBe(401);
    for (const event of ['app_mention', 'message.channels', 'message.groups', 'message.im']) expect(manifest).toContain(`- ${event}`);
  });

  it('answers url_verification with the challenge', async () => {
    const fixture = slackFixture<{ challenge: string }>('url_verification.json');
    const res = await post('/events', JSON.stringify(fixture));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: fixture.challenge });
  });

  it('refuses forged and stale signatures and stores nothing', async () => {
    const body = JSON.stringify(slackFixture('app_mention.json'));
    const forged = await fd.app.request('/webhooks/slack/events', {
      method: 'POST',
      body,
      headers: { ...slackHeaders('not-the-secret', body, 'application/json') },
    });
    expect(forged.status).toBe(401);
    const stale = await post('/events', body, 'application/json', {}, Date.now() - 6 * 60_000);
    expect(stale.status).toBe(401);
    expect((await stale.json()).error.code).toBe('slack_signature_stale');
    const unsigned = await fd.app.request('/webhooks/slack/events', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    await slack.idle();
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
    // The event id was not consumed by the refused attempts.
    expect(await fd.store.repo.markProcessed('slack', 'Ev0LAN670R', Date.now())).toBe(true);
  });

  it('answers an app mention in its thread, shows a working reaction, continues on thread replies', async () => {
    const mention = slackFixture<{ event: { ts: string; channel: string } }>('app_mention.json');
    await event(mention);

    const [conversation] = await fd.store.repo.listConversations({ channel: 'slack' });
    expect(conversation!.threadKey).toBe('C123ABC456:1515449522.000016');
    const contact = await fd.store.repo.getContact(conversation!.contactId);
    expect(contact).toMatchObject({ name: 'Ada Lovelace', email: 'ada@northwind.example' });
    expect(engine.calls[0]!.message.text).toBe('where is my laptop order NW-10004? **urgent** & thanks');

    const posts = api.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.token).toBe('xoxb-test-token');
    expect(posts[0]!.args).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
    expect(posts[0]!.args.text).toBe('*Found it* — see <https://track.example.com/NW-10004|tracking> for "where is my laptop order NW-10004? *urgent* &amp; thanks"');
    const order = api.calls.map((c) => c.method).filter((m) => m.startsWith('reactions') || m === 'chat.postMessage');
    expect(order).toEqual(['reactions.add', 'chat.postMessage', 'reactions.remove']);
    expect(api.of('reactions.add')[0]!.args).toMatchObject({ channel: 'C123ABC456', timestamp: '1515449522.000016', name: 'eyes' });
    const [reply] = (await fd.store.repo.listMessages(conversation!.id)).filter((m) => m.direction === 'outbound');
    expect(reply!.deliveryStatus).toBe('sent');
    expect(reply!.providerMessageId).toBe(`C123ABC456:${(posts[0]!.result as { ts: string }).ts}`);

    await event(slackFixture('thread_reply.json'));
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(1);
    expect(engine.calls[1]!.message.text).toBe('It was placed last Tuesday, see the order page (https://example.com/orders/NW-10004)');
    expect(engine.calls[1]!.history.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(api.of('chat.postMessage')[1]!.args).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
  });

  it('processes a retried or duplicated event once', async () => {
    const mention = slackFixture('app_mention.json');
    const receive = vi.spyOn(fd.pipeline, 'receive');
    await event(mention);
    await event(mention, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    // The retry stops at the event id: it never reaches the pipeline's own message dedupe.
    expect(receive).toHaveBeenCalledTimes(1);
    expect(engine.calls).toHaveLength(1);
    expect(api.of('chat.postMessage')).toHaveLength(1);
    const [conversation] = await fd.store.repo.listConversations({ channel: 'slack' });
    expect(await fd.store.repo.listMessages(conversation!.id)).toHaveLength(2);
  });

  it('never ingests bot messages (its own echo) and answers DMs in a thread', async () => {
    await event(slackFixture('bot_message.json'));
    await event({ ...slackFixture<Record<string, unknown>>('bot_message.json'), event_id: 'Ev0SELF', event: { ...slackFixture<{ event: object }>('thread_reply.json').event, user: BOT_USER_ID } });
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(0);
    expect(engine.calls).toHaveLength(0);

    await event(slackFixture('message_im.json'));
    const [conversation] = await fd.store.repo.listConversations({ channel: 'slack' });
    expect(conversation!.threadKey).toBe('D024BE91L:1355517523.000005');
    expect(api.of('chat.postMessage')[0]!.args).toMatchObject({ channel: 'D024BE91L', thread_ts: '1355517523.000005' });
  });

  it('turns a 429 into a retryable delivery failure with Retry-After', async () => {
    api.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } });
    await event(slackFixture('app_mention.json'));
    const [conversation] = await fd.store.repo.listConversations({ channel: 'slack' });
    const [reply] = (await fd.store.repo.listMessages(conversation!.id)).filter((m) => m.direction === 'outbound');
    expect(reply).toMatchObject({ deliveryStatus: 'pending', attempts: 1 });
    expect(reply!.error).toMatch(/^slack_rate_limited/);
  });

  describe('as the support desk', () => {
    const CUSTOMER = '+15555550123';

    const escalateSms = () => escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);

    async function staffUser() {
      return fd.store.repo.createUser({ id: 'usr_sam', email: 'sam@northwind.example', name: 'Sam Staff', role: 'agent', passwordHash: null, slackUserId: null, createdAt: Date.now() });
    }

    it('posts an escalated SMS conversation to the support channel with buttons and mirrors later messages', async () => {
      const { conversationId, parent, parentTs } = await escalateSms();
      expect(parent.args.thread_ts).toBeUndefined();
      expect(String(parent.args.text)).toContain('ticket #1');
      const blocks = JSON.stringify(parent.args.blocks);
      for (const expected of ['Ada Customer', '+15555550123', 'sms', 'escalation', '0.31', '#1 (escalated', 'damaged parcel', 'crushed']) expect(blocks).toContain(expected);
      const actions = (parent.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!;
      expect(actions.elements!.map((e) => e.action_id)).toEqual(['frontdesk_take_over', 'frontdesk_hand_back', 'frontdesk_resolve', 'frontdesk_assign_me']);
      expect(actions.elements!.every((e) => e.value === conversationId)).toBe(true);
      expect(await fd.store.repo.findByExternal('slack-desk', `${DESK}:${parentTs}`)).toBe(conversationId);
      // The customer's SMS got the bot's handoff message.
      // Out of business hours the handoff also says when people are back.
      expect(sms.sent.map((m) => m.text)).toEqual([expect.stringMatching(/^I am passing you to a person now\.($|\n\nOur team is out right now)/)]);

      await fd.pipeline.receive({ channel: 'sms', from: { address: CUSTOMER }, text: 'Photos are on the way **today**, see [reset your password](https://evil.example) <b>', providerMessageId: 'SM0002', receivedAt: Date.now(), thread: { key: `${CUSTOMER}:+15555550100` } });
      await slack.idle();
      const mirrored = api.of('chat.postMessage').filter((c) => c.args.thread_ts === parentTs);
      expect(mirrored).toHaveLength(1);
      expect(mirrored[0]!.args).toMatchObject({ channel: DESK });
      // Shown as the customer wrote it: their markup is never rendered for staff.
      expect(String(mirrored[0]!.args.text)).toContain('Photos are on the way **today**, see [reset your password](https://evil.example) &lt;b&gt;');
      expect(engine.calls).toHaveLength(1); // humans own it: the bot stays quiet
    });

    it('sends a staff thread reply to the customer over SMS as a human; note: stays internal', async () => {
      const user = await staffUser();
      const { conversationId, parentTs } = await escalateSms();
      const fixture = slackFixture<{ event: Record<string, unknown> }>('desk_thread_reply.json');
      await event({ ...fixture, event: { ...fixture.event, thread_ts: parentTs } });

      expect(sms.sent).toHaveLength(2);
      expect(sms.sent[1]).toMatchObject({ to: { address: CUSTOMER }, text: "Hi Ada, I'm Sam from support & I'm on it.", authorKind: 'human' });
      const conversation = await fd.store.repo.getConversation(conversationId);
      expect(conversation!.owner).toBe('human');
      const messages = await fd.store.repo.listMessages(conversationId, { includeInternal: true });
      expect(messages.at(-1)).toMatchObject({ authorKind: 'human', authorId: user.id, internal: false, deliveryStatus: 'sent' });
      expect((await fd.store.repo.getUser(user.id))!.slackUserId).toBe('U0STAFF01');
      expect(api.of('reactions.add').at(-1)!.args).toMatchObject({ channel: DESK, timestamp: '1700000100.000300', name: 'white_check_mark' });

      await event({ ...fixture, event_id: 'Ev0DESK002', event: { ...fixture.event, ts: '1700000150.000400', thread_ts: parentTs, text: 'note: VIP customer, refund without asking for photos' } });
      expect(sms.sent).toHaveLength(2);
      const note = (await fd.store.repo.listMessages(conversationId, { includeInternal: true })).at(-1)!;
      expect(note).toMatchObject({ internal: true, text: 'VIP customer, refund without asking for photos', authorId: user.id });
      expect(api.of('chat.postMessage').some((c) => String(c.args.text).includes('VIP'))).toBe(false);
    });

    it('Resolve and Assign to me buttons update the conversation, the ticket and the parent message', async () => {
      const user = await staffUser();
      const { conversationId, parentTs } = await escalateSms();
      const actions = slackFixture<{ actions: Record<string, unknown>[] }>('block_actions.json');
      const press = async (actionId: string) => {
        const payload = { ...actions, actions: [{ ...actions.actions[0], action_id: actionId, value: conversationId }] };
        const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        const res = await post('/actions', body, FORM);
        expect(res.status).toBe(200);
        await slack.idle();
      };

      await press('frontdesk_assign_me');
      expect((await fd.store.repo.getConversation(conversationId))!.assigneeId).toBe(user.id);
      expect((await fd.store.repo.getTicket('TK-ESC-1'))!.assigneeId).toBe(user.id);
      const assigned = api.of('chat.update').at(-1)!;
      expect(assigned.args).toMatchObject({ channel: DESK, ts: parentTs });
      expect(JSON.stringify(assigned.args.blocks)).toContain('Sam Staff');

      await press('frontdesk_resolve');
      expect((await fd.store.repo.getConversation(conversationId))!.status).toBe('resolved');
      expect((await fd.store.repo.getTicket('TK-ESC-1'))!.status).toBe('resolved');
      const resolved = api.of('chat.update').at(-1)!;
      expect(resolved.args).toMatchObject({ channel: DESK, ts: parentTs });
      const blocks = resolved.args.blocks as { type: string }[];
      expect(blocks.some((b) => b.type === 'actions')).toBe(false);
      expect(JSON.stringify(blocks)).toContain('#1 (resolved');
    });

    it('answers /frontdesk status and resolves by ticket id', async () => {
      await staffUser();
      const { conversationId } = await escalateSms();
      const status = await post('/commands', slackFixture<string>('slash_command.txt').replace('status+TICKET', 'status+TK-ESC-1'), FORM);
      expect(status.status).toBe(200);
      const body = (await status.json()) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('*Ticket #1*');
      expect(body.text).toContain('escalated');

      const resolve = await post('/commands', slackFixture<string>('slash_command.txt').replace('status+TICKET', 'resolve+TK-ESC-1'), FORM);
      expect(((await resolve.json()) as { text: string }).text).toBe('Resolved.');
      await slack.idle();
      expect((await fd.store.repo.getConversation(conversationId))!.status).toBe('resolved');

      const unknown = await post('/commands', slackFixture<string>('slash_command.txt').replace('status+TICKET', 'status+TK-NOPE'), FORM);
      expect(((await unknown.json()) as { text: string }).text).toContain('No ticket or conversation TK-NOPE');
    });
  });
});
