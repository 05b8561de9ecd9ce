/**
 * Rate limits on replicas sharing PostgreSQL: a client spends one budget whichever replica the
 * load balancer sends it to, so adding replicas does not multiply what one address may do.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

const reason = await postgresUnavailable();

describeWithService('PostgreSQL', reason)('rate limits shared by two replicas', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let replicas: Awaited<ReturnType<typeof createTestFrontdesk>>[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, TRUST_PROXY: 'true', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '1', RATE_LIMIT_CONVERSATIONS_BURST: '3' };
    replicas = [await createTestFrontdesk({ env }), await createTestFrontdesk({ env })];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await db?.drop();
  });

  const start = (replica: number, address: string) =>
    replicas[replica]!.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: '{}' });

  it('counts one address against one budget across replicas, and other addresses apart', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await start(i % 2, '198.51.100.23')).status);
    // A burst of 3 in all, not 3 per replica.
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = await start(1, '198.51.100.23');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await start(0, '198.51.100.99')).status).toBe(201);
  });

  it('spends each token once when both replicas take at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => start(i % 2, '192.0.2.77')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });
});
