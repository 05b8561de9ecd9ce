/**
 * GET /v1/analytics over HTTP on a whole Frontdesk, on SQLite and on PostgreSQL: the channel
 * filter applies to every figure including the daily series, the bot resolution rate moves as
 * conversations settle, and per-agent figures name who replied, resolved and how fast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { createTestFrontdesk, manualClock } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
const START = Date.UTC(2026, 10, 24, 12);
const MINUTE = 60_000;

function analyticsSuite(open: (clock: ReturnType<typeof manualClock>) => Promise<{ fd: Frontdesk; close(): Promise<void> }>) {
  let fd: Frontdesk;
  let close: () => Promise<void>;
  const clock = manualClock(START);
  const tokens: Record<'ada' | 'bo' | 'operator', string> = { ada: '', bo: '', operator: '' };
  const users: Record<'ada' | 'bo', string> = { ada: '', bo: '' };

  const post = (path: string, token: string, body?: unknown) =>
    fd.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const analytics = async (query: string) => {
    const res = await fd.app.request(`/v1/analytics?since=${START}&until=${clock.now()}${query}`, { headers: { authorization: `Bearer ${tokens.operator}` } });
    expect(res.status).toBe(200);
    return res.json();
  };
  async function webConversation(text: string) {
    const started = await (await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
    const asked = await fd.app.request(`/v1/conversations/${started.conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.visitorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(asked.status).toBe(200);
    return started.conversation.id as string;
  }

  beforeAll(async () => {
    ({ fd, close } = await open(clock));
    for (const name of ['ada', 'bo'] as const) {
      const user = await fd.store.repo.createUser({ id: newId(), email: `${name}@northwind.example`, name: name.toUpperCase(), role: 'agent', passwordHash: null, slackUserId: null, createdAt: START });
      users[name] = user.id;
      tokens[name] = (await createApiToken(fd.store, clock, { name, userId: user.id })).token;
    }
    tokens.operator = (await createApiToken(fd.store, clock, { name: 'operator' })).token;
    // An SMS conversation on the same day, stored directly: no SMS provider is needed to count it.
    const contact = await fd.store.repo.createContact({ id: newId(), name: null, email: null, createdAt: START });
    await fd.store.repo.createConversation({
      id: newId(), contactId: contact.id, channel: 'sms', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null, subject: null,
      agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: START, createdAt: START, updatedAt: START,
    });
  });
  afterAll(async () => close());

  it('keeps the daily series and every figure to the channel asked for', async () => {
    await webConversation('Can I pay with PayPal?');
    clock.advance(MINUTE);
    const sms = await analytics('&channel=sms');
    expect(sms.daily).toEqual([{ day: '2026-11-24', channel: 'sms', count: 1 }]);
    expect(sms.total.messagesIn).toBe(0); // the web conversation's message is not the SMS channel's
    const web = await analytics('&channel=web');
    expect(web.daily).toEqual([{ day: '2026-11-24', channel: 'web', count: 1 }]);
    expect(Object.keys(web.channels)).toEqual(['web']);
    const all = await analytics('');
    expect(all.daily).toEqual([{ day: '2026-11-24', channel: 'sms', count: 1 }, { day: '2026-11-24', channel: 'web', count: 1 }]);
  });

  it('moves the bot resolution rate as conversations settle, without waiting for humans to close theirs', async () => {
    expect((await analytics('')).total.botResolutionRate).toBeNull(); // nothing settled yet
    const solved = await webConversation('Do you ship to Canada?');
    const handed = await webConversation('I want to talk to a person about my refund');
    clock.advance(MINUTE);
    await fd.support.resolve(solved, 'contact'); // the customer closed it: the bot's
    expect(await post(`/v1/conversations/${handed}/takeover`, tokens.ada)).toHaveProperty('status', 200);
    const { total } = await analytics('&channel=web');
    expect(total.resolved).toEqual({ bot: 1, human: 0 });
    expect(total.botResolutionRate).toBe(0.5); // one resolved by the bot, one handed to humans, still open
  });

  it('gives per-agent figures: conversations handled and resolved, median first response', async () => {
    const [one, two, three] = [await webConversation('Where is my parcel?'), await webConversation('My invoice is wrong'), await webConversation('Can I change my address?')];
    for (const [id, who, after] of [[one, 'ada', 1], [two, 'ada', 3], [three, 'bo', 2]] as const) {
      expect((await post(`/v1/conversations/${id}/takeover`, tokens[who])).status).toBe(200);
      clock.advance(after * MINUTE);
      expect((await post(`/v1/conversations/${id}/replies`, tokens[who], { text: 'On it.' })).status).toBe(201);
      expect((await post(`/v1/conversations/${id}/replies`, tokens[who], { text: 'a note', internal: true })).status).toBe(201);
    }
    expect((await post(`/v1/conversations/${one}/resolve`, tokens.ada)).status).toBe(200);
    clock.advance(MINUTE);
    const { agents } = await analytics('');
    expect(agents).toEqual([
      { userId: users.ada, name: 'ADA', handled: 2, resolved: 1, medianFirstResponseMs: 2 * MINUTE },
      { userId: users.bo, name: 'BO', handled: 1, resolved: 0, medianFirstResponseMs: 2 * MINUTE },
    ]);
    expect((await analytics('&channel=sms')).agents).toEqual([]);
  });
}

describe('analytics on SQLite', () => {
  analyticsSuite(async (clock) => {
    const fd = await createTestFrontdesk({ clock });
    return { fd, close: () => fd.stop() };
  });
});

const reason = await postgresUnavailable();
describeWithService('PostgreSQL', reason)('analytics on PostgreSQL', () => {
  analyticsSuite(async (clock) => {
    const db = await createTestDatabase();
    const fd = await createTestFrontdesk({ env: { DATABASE_URL: db.url }, clock });
    return {
      fd,
      async close() {
        await fd.stop();
        await db.drop();
      },
    };
  });
});
