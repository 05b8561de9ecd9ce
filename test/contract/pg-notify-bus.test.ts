/**
 * Two replicas on one PostgreSQL database: an event published on one reaches the other's
 * subscribers, with the record read from the shared database.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { BusEvent, Store } from '../../src/core/ports.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createPgNotifyBus, type NotifyBus } from '../../src/store/pg/notify-bus.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const reason = await postgresUnavailable();

describeWithService('PostgreSQL', reason)('PostgreSQL event bus across replicas', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let a: NotifyBus;
  let b: NotifyBus;
  const logger = createLogger('silent');

  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore({ url: db.url });
    await store.migrate();
    a = await createPgNotifyBus({ url: db.url, store, logger });
    b = await createPgNotifyBus({ url: db.url, store, logger });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await store.close();
    await db.drop();
  });

  it('relays a stored conversation from one replica to the other, once', async () => {
    const now = Date.now();
    const contact = await store.repo.createContact({ id: newId(), name: 'Ada', email: null, createdAt: now });
    const conversation = await store.repo.createConversation({
      id: newId(), contactId: contact.id, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
      assigneeId: null, subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null,
      resolvedAt: null, lastMessageAt: now, createdAt: now, updatedAt: now,
    });
    const onA: BusEvent[] = [];
    a.subscribe(conversation.id, (event) => onA.push(event));
    const received = new Promise<BusEvent>((resolve) => b.subscribe(conversation.id, resolve));
    a.publish({ type: 'conversation', conversationId: conversation.id, conversation });
    const event = await received;
    expect(event.type).toBe('conversation');
    expect(event.type === 'conversation' && event.conversation.id).toBe(conversation.id);
    const typing = new Promise<BusEvent>((resolve) => b.subscribe('*', (e) => e.type === 'typing' && resolve(e)));
    a.publish({ type: 'typing', conversationId: conversation.id, agent: 'orders' });
    expect(await typing).toMatchObject({ type: 'typing', agent: 'orders' });
    expect(onA.map((e) => e.type)).toEqual(['conversation', 'typing']); // local delivery, not echoed back
  });

  it('sends what one turn publishes as one NOTIFY, split under the payload cap, in order', async () => {
    const conversationId = newId();
    const watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
    const payloads: string[] = [];
    const pieces = Array.from({ length: 60 }, (_, i) => `piece ${i} ${'x'.repeat(200)}`); // about 17 KB: more than one payload
    // The watcher's connection hears the NOTIFYs on its own time: wait until it has every piece.
    const piecesHeard = () => payloads.filter((p) => p.includes(conversationId)).reduce((n, p) => n + (p.match(/piece \d+/g)?.length ?? 0), 0);
    const watcherHeardAll = new Promise<void>((resolve) =>
      watcher.on('notification', (msg) => {
        payloads.push(msg.payload ?? '');
        if (piecesHeard() === pieces.length) resolve();
      }),
    );
    await watcher.query('LISTEN frontdesk_events');
    try {
      const seen: string[] = [];
      const all = new Promise<void>((resolve) =>
        b.subscribe(conversationId, (event) => {
          if (event.type === 'delta') seen.push(event.text);
          if (seen.length === pieces.length) resolve();
        }),
      );
      for (const text of pieces) a.publish({ type: 'delta', conversationId, agent: 'faq', text });
      await all;
      await watcherHeardAll;
      expect(seen).toEqual(pieces);
      const ours = payloads.filter((p) => p.includes(conversationId));
      expect(ours.length).toBeGreaterThan(1);
      expect(ours.length).toBeLessThanOrEqual(3); // not one per event
      for (const payload of ours) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    } finally {
      await watcher.end();
    }
  });

  it('reads back only the notices of conversations someone on the receiving replica listens to', async () => {
    const read: string[] = [];
    // A third replica whose reads of the shared database are counted.
    const counted: Store = {
      ...store,
      repo: {
        ...store.repo,
        getConversation: (id) => (read.push(id), store.repo.getConversation(id)),
        getMessage: (id) => (read.push(id), store.repo.getMessage(id)),
      },
    };
    const c = await createPgNotifyBus({ url: db.url, store: counted, logger });
    try {
      const now = Date.now();
      const contact = await store.repo.createContact({ id: newId(), name: 'Grace', email: null, createdAt: now });
      const conversation = (id: string) =>
        store.repo.createConversation({
          id, contactId: contact.id, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
          assigneeId: null, subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null,
          resolvedAt: null, lastMessageAt: now, createdAt: now, updatedAt: now,
        });
      const unwatched = await conversation(newId());
      const watched = await conversation(newId());
      const received = new Promise<BusEvent>((resolve) => c.subscribe(watched.id, resolve));
      // One turn: both go out in one NOTIFY, the unwatched first.
      a.publish({ type: 'conversation', conversationId: unwatched.id, conversation: unwatched });
      a.publish({ type: 'conversation', conversationId: watched.id, conversation: watched });
      expect((await received).conversationId).toBe(watched.id);
      expect(read).toEqual([watched.id]);
    } finally {
      await c.close();
    }
  });
});
