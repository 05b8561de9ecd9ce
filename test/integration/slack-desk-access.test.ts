/**
 * Who may use the Slack support desk: only Slack users linked to Frontdesk staff, only in the desk
 * channel, and changing a conversation needs a role that may change it. Everyone else is refused
 * ephemerally and nothing changes. Also: events Frontdesk does not handle (object-shaped `user` or
 * `channel`, unknown types) are acknowledged and leave nothing behind. Every request is signed the
 * way Slack signs it and goes through the real HTTP routes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import type { User } from '../../src/core/types.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { addWorkspaceUsers, deskReplies, escalateSmsToDesk, fakeSms, slackFixture, slackHeaders, startSlackApi, type SlackApi } from './slack-web-api.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DESK = 'C0DESK0001';
const OTHER_CHANNEL = 'C123ABC456';
const FORM = 'application/x-www-form-urlencoded';
const CUSTOMER = '+15555550123';
/** Sam (U0STAFF01, sam@northwind.example) and Ada (U061F7AUR, ada@northwind.example) from addWorkspaceUsers. */
const SAM = 'U0STAFF01';
const ADA = 'U061F7AUR';

describe('Slack desk access and tolerant events', () => {
  let api: SlackApi;
  let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;
  let slack: SlackAdapter;
  let sms: ReturnType<typeof fakeSms>;

  beforeAll(async () => {
    api = await startSlackApi();
    addWorkspaceUsers(api);
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    api.reset();
    slack = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: SECRET, appToken: null, supportChannel: DESK, apiUrl: api.url });
    sms = fakeSms();
    fd = await createTestFrontdesk({ adapters: [slack, sms], engine: scriptedEngine(deskReplies(() => 'On its way.')) });
  });
  afterEach(async () => {
    await slack.idle();
    await fd.stop();
  });

  function post(path: string, body: string, contentType: string) {
    return fd.app.request(`/webhooks/slack${path}`, { method: 'POST', body, headers: slackHeaders(SECRET, body, contentType) });
  }

  /** Sam as a Frontdesk user with `role`, linked only through the email Slack's profile shows. */
  function samAs(role: string) {
    // `viewer` is not a Frontdesk role (yet): stored anyway to show that the desk fails closed on it.
    return fd.store.repo.createUser({ id: 'usr_sam', email: 'sam@northwind.example', name: 'Sam Staff', role: role as User['role'], passwordHash: null, slackUserId: null, createdAt: Date.now() });
  }

  async function command(text: string, as: { user?: string; channel?: string } = {}) {
    const body = slackFixture<string>('slash_command.txt')
      .replace('text=status+TICKET', `text=${encodeURIComponent(text)}`)
      .replace(`user_id=${SAM}`, `user_id=${as.user ?? SAM}`)
      .replace(`channel_id=${DESK}`, `channel_id=${as.channel ?? DESK}`);
    const res = await post('/commands', body, FORM);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { response_type: string; text: string };
    expect(answer.response_type).toBe('ephemeral');
    await slack.idle();
    return answer.text;
  }

  async function press(actionId: string, conversationId: string, as: { user?: string; channel?: string } = {}) {
    const fixture = slackFixture<Record<string, unknown> & { actions: Record<string, unknown>[] }>('block_actions.json');
    const channel = as.channel ?? DESK;
    const payload = {
      ...fixture,
      user: { id: as.user ?? SAM },
      channel: { id: channel },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: channel },
      actions: [{ ...fixture.actions[0], action_id: actionId, value: conversationId }],
    };
    const res = await post('/actions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
    expect(res.status).toBe(200);
    await slack.idle();
  }

  async function event(payload: unknown) {
    const res = await post('/events', JSON.stringify(payload), 'application/json');
    expect(res.status).toBe(200);
    await slack.idle();
  }

  const state = async (conversationId: string) => {
    const conversation = (await fd.store.repo.getConversation(conversationId))!;
    return { status: conversation.status, owner: conversation.owner, assigneeId: conversation.assigneeId, ticket: (await fd.store.repo.getTicket('TK-ESC-1'))!.status };
  };

  it('lets linked staff in the desk channel resolve, and links the Slack id by email once', async () => {
    await samAs('agent');
    const { conversationId } = await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    expect(await command('resolve #1')).toBe('Resolved.');
    expect(await state(conversationId)).toMatchObject({ status: 'resolved', ticket: 'resolved' });
    expect((await fd.store.repo.findUserBySlackId(SAM))?.id).toBe('usr_sam');
  });

  it('refuses a workspace member who is not linked staff: commands, buttons and thread replies change nothing', async () => {
    await samAs('agent');
    const { conversationId, parentTs } = await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    const before = await state(conversationId);

    expect(await command('resolve #1', { user: ADA })).toMatch(/not linked to a Frontdesk staff user/);
    expect(await command('status #1', { user: ADA })).toMatch(/not linked/);
    await press('frontdesk_resolve', conversationId, { user: ADA });
    await press('frontdesk_assign_me', conversationId, { user: ADA });
    const reply = slackFixture<{ event: Record<string, unknown> }>('desk_thread_reply.json');
    await event({ ...reply, event: { ...reply.event, user: ADA, thread_ts: parentTs } });

    expect(await state(conversationId)).toEqual(before);
    expect(sms.sent).toHaveLength(1); // only the bot's handoff message
    const ephemerals = api.of('chat.postEphemeral');
    expect(ephemerals).toHaveLength(3);
    for (const call of ephemerals) expect(call.args).toMatchObject({ channel: DESK, user: ADA });
    expect(String(ephemerals[2]!.args.text)).toMatch(/^Not sent to the customer\./);
    // Ada's email matches no staff user, so nobody got linked to her.
    expect(await fd.store.repo.findUserBySlackId(ADA)).toBeNull();
  });

  it('refuses linked staff outside the desk channel', async () => {
    await samAs('admin');
    const { conversationId } = await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    const before = await state(conversationId);
    expect(await command('resolve #1', { channel: OTHER_CHANNEL })).toBe(`Frontdesk desk commands and buttons work only in <#${DESK}>.`);
    expect(await command('status #1', { channel: OTHER_CHANNEL })).toMatch(/only in/);
    await press('frontdesk_resolve', conversationId, { channel: OTHER_CHANNEL });
    expect(await state(conversationId)).toEqual(before);
    expect(api.of('chat.postEphemeral').map((c) => c.args)).toEqual([expect.objectContaining({ channel: OTHER_CHANNEL, user: SAM })]);
  });

  it('lets a role that may not change conversations look, but not resolve or hand back', async () => {
    await samAs('viewer');
    const { conversationId } = await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    const before = await state(conversationId);
    expect(await command('status #1')).toContain('*Ticket #1*');
    expect(await command('resolve #1')).toBe('Your Frontdesk role (viewer) may look at conversations but not change them.');
    expect(await command('handback #1')).toMatch(/not change them/);
    await press('frontdesk_resolve', conversationId);
    expect(await state(conversationId)).toEqual(before);
    expect(api.of('chat.postEphemeral')).toHaveLength(1);
  });

  it('does not accept a matching email when the staff user is linked to another Slack account', async () => {
    await fd.store.repo.createUser({ id: 'usr_sam', email: 'sam@northwind.example', name: 'Sam Staff', role: 'agent', passwordHash: null, slackUserId: 'U0SOMEONE', createdAt: Date.now() });
    await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    expect(await command('resolve #1')).toMatch(/not linked/);
  });

  it('acknowledges events with object-shaped user or channel, edits and unknown types, storing nothing', async () => {
    const receive = vi.spyOn(fd.pipeline, 'receive');
    const unknown = { ...slackFixture<Record<string, unknown>>('channel_rename.json'), event_id: 'Ev0UNKNOWN1', event: { type: 'something_new', user: { id: 'U1' }, channel: 42 } };
    const noUser = { ...slackFixture<Record<string, unknown>>('app_mention.json'), event_id: 'Ev0NOUSER1', event: { type: 'message', channel: { id: 'C1' } } };
    for (const payload of [slackFixture('user_change.json'), slackFixture('channel_rename.json'), slackFixture('message_changed.json'), unknown, noUser]) await event(payload);
    expect(receive).not.toHaveBeenCalled();
    expect(await fd.store.repo.listConversations({})).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
    // Not even their event ids were stored: ignored events leave nothing behind.
    for (const id of ['Ev0USERCHG1', 'Ev0CHANREN1', 'Ev0MSGCHG1', 'Ev0UNKNOWN1', 'Ev0NOUSER1']) expect(await fd.store.repo.markProcessed('slack', id, Date.now())).toBe(true);
  });

  it('still refuses malformed JSON with a 400 in the JSON error shape', async () => {
    const res = await post('/events', '{"type":"event_callback",', 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_slack_payload', message: 'The Slack event is not valid JSON.' } });
  });

  it('sends a desk thread reply delivered twice (same event_id) to the customer once', async () => {
    await samAs('agent');
    const { parentTs } = await escalateSmsToDesk(fd, api, slack, DESK, CUSTOMER);
    const reply = slackFixture<{ event: Record<string, unknown> }>('desk_thread_reply.json');
    const payload = { ...reply, event: { ...reply.event, thread_ts: parentTs } };
    await event(payload);
    await event(payload);
    // Out of business hours the handoff also says when people are back.
    expect(sms.sent.map((m) => m.text)).toEqual([expect.stringMatching(/^I am passing you to a person now\.($|\n\nOur team is out right now)/), "Hi Ada, I'm Sam from support & I'm on it."]);
  });
});
