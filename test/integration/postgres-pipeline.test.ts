/**
 * The whole message path on PostgreSQL: the same pipeline, store and HTTP app as on SQLite,
 * with two replicas sharing one database.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

const reason = await postgresUnavailable();

describeWithService('PostgreSQL', reason)('pipeline on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let replicas: Awaited<ReturnType<typeof createTestFrontdesk>>[];

  beforeAll(async () => {
    db = await createTestDatabase();
    replicas = [await createTestFrontdesk({ env: { DATABASE_URL: db.url } }), await createTestFrontdesk({ env: { DATABASE_URL: db.url } })];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await db.drop();
  });

  it('answers on one replica what was started on another, and streams it to both', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const started = await (await a.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
    const seenOnA = new Promise((resolve) => a.bus.subscribe(started.conversation.id, (e) => e.type === 'message' && e.message.direction === 'outbound' && resolve(e.message.text)));
    const res = await b.app.request(`/v1/conversations/${started.conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${started.visitorToken}` },
      body: JSON.stringify({ text: 'Where is my order NW-10003?' }),
    });
    const { reply } = await res.json();
    expect(reply).toMatchObject({ agentName: 'orders', route: 'orders', deliveryStatus: 'delivered' });
    expect(await seenOnA).toBe(reply.text);
    const analytics = await b.store.repo.aggregateEvents(0, Date.now() + 1, 'web');
    expect(analytics.find((r) => r.type === 'first_response' && r.actor === 'bot')?.count).toBe(1);
  });
});
