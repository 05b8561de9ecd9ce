/**
 * Slack over Socket Mode: the real @slack/socket-mode client opens its connection through the
 * local Web API (apps.connections.open) and talks to the local WebSocket server there, which
 * plays Slack's side (hello, envelopes, acks). No signing secret is configured: the HTTP routes
 * must refuse everything while Socket Mode works.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { addWorkspaceUsers, deskReplies, escalateSmsToDesk, fakeSms, slackFixture, slackHeaders, startSlackApi, type SlackApi, type SocketPeer } from './slack-web-api.ts';

const APP_TOKEN = 'xapp-1-A0LAN0Z89-1234567890-socketmodetest';
const DESK = 'C0DESK0001';
const CUSTOMER = '+15555550123';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;

const reply = deskReplies((text) => `On its way: "${text}"`);

describe('Slack over Socket Mode', () => {
  let api: SlackApi;
  let fd: Frontdesk;
  let slack: SlackAdapter;
  let engine: ReturnType<typeof scriptedEngine>;
  let peer: SocketPeer;

  beforeAll(async () => {
    api = await startSlackApi();
    addWorkspaceUsers(api);
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    api.reset();
    slack = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: null, appToken: APP_TOKEN, supportChannel: DESK, apiUrl: api.url });
    engine = scriptedEngine(reply);
    fd = await createTestFrontdesk({ adapters: [slack, fakeSms()], engine });
    const connected = api.nextPeer();
    await fd.start();
    peer = await connected;
  });
  afterEach(async () => {
    await slack.idle();
    await fd.stop();
  });

  it('opens the connection with the app token and answers an app mention in its thread', async () => {
    const open = api.of('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe(APP_TOKEN);

    const ack = await peer.deliver('events_api', slackFixture('app_mention.json'), { envelopeId: 'dbdd0ef3-1543-4f94-bfb4-133d0e6c1545' });
    expect(ack).toEqual({ envelope_id: 'dbdd0ef3-1543-4f94-bfb4-133d0e6c1545', payload: {} });
    await slack.idle();

    const [conversation] = await fd.store.repo.listConversations({ channel: 'slack' });
    expect(conversation!.threadKey).toBe('C123ABC456:1515449522.000016');
    expect(engine.calls[0]!.message.text).toBe('where is my laptop order NW-10004? **urgent** & thanks');
    const posts = api.of('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.token).toBe('xoxb-test-token');
    expect(posts[0]!.args).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
    const [answer] = (await fd.store.repo.listMessages(conversation!.id)).filter((m) => m.direction === 'outbound');
    expect(answer!.deliveryStatus).toBe('sent');
  });

  it('processes an envelope Slack delivers again (same event_id) once, acknowledging both', async () => {
    const receive = vi.spyOn(fd.pipeline, 'receive');
    const mention = slackFixture('app_mention.json');
    const first = await peer.deliver('events_api', mention);
    const again = await peer.deliver('events_api', mention, { retryAttempt: 1 });
    await slack.idle();
    expect(peer.acks.map((a) => a.envelope_id)).toEqual([first.envelope_id, again.envelope_id]);
    expect(receive).toHaveBeenCalledTimes(1);
    expect(engine.calls).toHaveLength(1);
    expect(api.of('chat.postMessage')).toHaveLength(1);
  });

  it('acknowledges a malformed envelope without storing anything', async () => {
    const ack = await peer.deliver('events_api', { type: 'event_callback', event: { type: 'app_mention' } });
    await slack.idle();
    expect(ack.envelope_id).toBeTruthy();
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(0);
    expect(api.of('chat.postMessage')).toHaveLength(0);
  });

  it('refuses the HTTP routes (no signing secret) while Socket Mode works', async () => {
    const body = JSON.stringify(slackFixture('app_mention.json'));
    for (const path of ['/events', '/actions', '/commands']) {
      const res = await fd.app.request(`/webhooks/slack${path}`, { method: 'POST', body, headers: slackHeaders('any-secret', body, 'application/json') });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('slack_http_disabled');
    }
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(0);
    // The refused request did not consume the event id: Socket Mode still takes it.
    await peer.deliver('events_api', slackFixture('app_mention.json'));
    await slack.idle();
    expect(await fd.store.repo.listConversations({ channel: 'slack' })).toHaveLength(1);
  });

  describe('as the support desk', () => {
    async function escalateSms() {
      await fd.store.repo.createUser({ id: 'usr_sam', email: 'sam@northwind.example', name: 'Sam Staff', role: 'agent', passwordHash: null, slackUserId: null, createdAt: Date.now() });
      return escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    }

    it('resolves a conversation with the Resolve button (block_actions envelope)', async () => {
      const { conversationId, parentTs } = await escalateSms();
      const actions = slackFixture<{ actions: Record<string, unknown>[] }>('block_actions.json');
      const payload = { ...actions, actions: [{ ...actions.actions[0], action_id: 'frontdesk_resolve', value: conversationId }] };
      const ack = await peer.deliver('interactive', payload);
      expect(ack.envelope_id).toBeTruthy();
      await slack.idle();

      expect((await fd.store.repo.getConversation(conversationId))!.status).toBe('resolved');
      expect((await fd.store.repo.getTicket('TK-ESC-1'))!.status).toBe('resolved');
      const resolved = api.of('chat.update').at(-1)!;
      expect(resolved.args).toMatchObject({ channel: DESK, ts: parentTs });
      expect((resolved.args.blocks as { type: string }[]).some((b) => b.type === 'actions')).toBe(false);
    });

    it('answers /frontdesk status in the acknowledgement', async () => {
      await escalateSms();
      const fields = Object.fromEntries(new URLSearchParams(slackFixture<string>('slash_command.txt').replace('status+TICKET', 'status+%231')));
      const ack = await peer.deliver('slash_commands', fields);
      expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
      expect(String(ack.payload!.text)).toContain('*Ticket #1*');
      expect(String(ack.payload!.text)).toContain('escalated');
    });
  });

  it('closes the socket on stop()', async () => {
    await slack.stop();
    expect(await peer.closed).toBe(1000);
    expect(api.peers).toHaveLength(1);
  });

  it('closes a connection that a stop() overtook while it was being opened', async () => {
    const late = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: null, appToken: APP_TOKEN, supportChannel: null, apiUrl: api.url });
    const connecting = api.nextPeer();
    late.attach(fd.channel);
    await late.start();
    await late.stop();
    expect(await (await connecting).closed).toBe(1000);
  });
});
