/**
 * PostgreSQL ends the idle connections of a running replica (a restart, a failover, an
 * administrator): the replica logs it, stays up, and its next queries and notifications go
 * through on new connections.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { Logger, Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createPgNotifyBus, type NotifyBus } from '../../src/store/pg/notify-bus.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const reason = await postgresUnavailable();

/** A logger that keeps its warnings and resolves `warned(text)` once one containing it arrives. */
function watchingLogger() {
  const warnings: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const ignore = () => undefined;
  const logger: Logger = {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn(_obj, msg) {
      warnings.push(msg ?? '');
      for (const waiter of waiters) if (msg?.includes(waiter.text)) waiter.resolve();
    },
    child: () => logger,
  };
  const warned = (text: string) =>
    warnings.some((w) => w.includes(text)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return { logger, warnings, warned };
}

describeWithService('PostgreSQL', reason)('PostgreSQL connections lost while idle', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let bus: NotifyBus;
  const watch = watchingLogger();

  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore({ url: db.url, logger: watch.logger });
    await store.migrate();
    bus = await createPgNotifyBus({ url: db.url, store, logger: watch.logger });
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
    await db.drop();
  });

  it('keeps the replica up and serving on new connections', async () => {
    const contact = await store.repo.createContact({ id: newId(), name: 'Ada', email: null, createdAt: Date.now() });
    bus.publish({ type: 'typing', conversationId: 'c1', agent: null }); // the notify pool now holds a connection too
    await store.repo.getContact(contact.id);

    expect(await db.terminateConnections()).toBeGreaterThanOrEqual(2);
    await watch.warned('database dropped an idle connection');

    expect((await store.repo.getContact(contact.id))?.name).toBe('Ada');
    bus.publish({ type: 'typing', conversationId: 'c1', agent: null });
  });
});
