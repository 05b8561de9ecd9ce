/**
 * Live updates across replicas: events published on one replica reach SSE clients connected to
 * any other through PostgreSQL LISTEN/NOTIFY. Notifications carry ids only (NOTIFY payloads are
 * capped at 8 KB); the receiving replica reads the current record from the shared database.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createMemoryBus } from '../../core/bus.ts';
import type { BusEvent, EventBus, Logger, Store } from '../../core/ports.ts';

const CHANNEL = 'frontdesk_events';
const RECONNECT_MS = 1_000;
/** Notices sent in one NOTIFY stay under PostgreSQL's 8,000-byte payload cap. */
const MAX_PAYLOAD_BYTES = 7_500;

type Notice = { type: BusEvent['type']; conversationId: string; id?: string; agent?: string | null; text?: string };
/** One NOTIFY: the notices a replica published in one turn of its event loop, in order. */
type Batch = { origin: string; notices: Notice[] };

/** Notices cut into payloads under the cap, order kept. */
function payloads(origin: string, notices: Notice[]): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  let bytes = 0;
  const overhead = Buffer.byteLength(JSON.stringify({ origin, notices: [] }));
  for (const notice of notices) {
    const json = JSON.stringify(notice);
    const size = Buffer.byteLength(json) + 1;
    if (batch.length > 0 && overhead + bytes + size > MAX_PAYLOAD_BYTES) {
      out.push(`{"origin":${JSON.stringify(origin)},"notices":[${batch.join(',')}]}`);
      batch = [];
      bytes = 0;
    }
    batch.push(json);
    bytes += size;
  }
  if (batch.length > 0) out.push(`{"origin":${JSON.stringify(origin)},"notices":[${batch.join(',')}]}`);
  return out;
}

export interface NotifyBus extends EventBus {
  close(): Promise<void>;
}

export async function createPgNotifyBus(opts: { url: string; store: Store; logger: Logger }): Promise<NotifyBus> {
  const { store, logger } = opts;
  const origin = randomUUID();
  const local = createMemoryBus((error) => logger.warn({ err: error }, 'event listener failed'));
  const sender = new pg.Pool({ connectionString: opts.url, max: 1 }); // one NOTIFY in flight at a time (see send)
  // As the store's pool: an idle connection the server closes must not take the process down.
  sender.on('error', (error) => logger.warn({ err: error }, 'database dropped an idle notify connection; the pool opens a new one'));
  let listener: pg.Client | null = null;
  let closed = false;
  let relaying = Promise.resolve();

  async function load(notice: Notice): Promise<BusEvent | null> {
    switch (notice.type) {
      case 'typing':
        return { type: 'typing', conversationId: notice.conversationId, agent: notice.agent ?? null };
      // A reply piece is a few characters, well under the payload cap; it is not stored anywhere to read back.
      case 'delta':
        return { type: 'delta', conversationId: notice.conversationId, agent: notice.agent ?? null, text: notice.text ?? '' };
      case 'message': {
        const message = await store.repo.getMessage(notice.id!);
        return message && { type: 'message', conversationId: notice.conversationId, message };
      }
      case 'conversation': {
        const conversation = await store.repo.getConversation(notice.conversationId);
        return conversation && { type: 'conversation', conversationId: notice.conversationId, conversation };
      }
      case 'ticket': {
        const ticket = await store.repo.getTicket(notice.id!);
        return ticket && { type: 'ticket', conversationId: notice.conversationId, ticket };
      }
    }
  }

  async function listen() {
    const client = new pg.Client({ connectionString: opts.url });
    client.on('notification', (msg) => {
      let batch: Batch;
      try {
        batch = JSON.parse(msg.payload ?? '') as Batch;
      } catch {
        return;
      }
      if (batch.origin === origin || !Array.isArray(batch.notices)) return; // delivered locally when published
      // Only what someone here listens to is read back: every replica hears every message's
      // notices, and reading them all would cost each replica a few reads per message served by
      // the others, more the more replicas share the database. A listener that subscribes later
      // reads the current state itself (as an SSE stream does when it opens).
      const wanted = batch.notices.filter((notice) => local.listens(notice.conversationId));
      if (wanted.length === 0) return;
      // Loaded together, published in the order they were sent, after the batches before.
      relaying = relaying
        .then(() => Promise.all(wanted.map(load)))
        .then((events) => {
          for (const event of events) if (event) local.publish(event);
        })
        .catch((error) => logger.warn({ err: error }, 'could not relay a notification'));
    });
    client.on('error', (error) => {
      logger.warn({ err: error }, 'event listener connection lost; reconnecting');
      listener = null;
      if (!closed) setTimeout(() => void listen().catch(() => undefined), RECONNECT_MS).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  }
  await listen();

  // What one turn of the event loop publishes (a reply's message, conversation and ticket events,
  // a run of typing pieces) goes out as one NOTIFY, and while one is on its way what is published
  // next waits and goes out together in the following one: under load a round trip carries the
  // notices of many messages, not a few of one. One at a time also keeps publishing order.
  let queued: Notice[] = [];
  let sending: Promise<void> | null = null;
  async function send() {
    while (queued.length > 0) {
      const notices = queued;
      queued = [];
      for (const payload of payloads(origin, notices)) {
        // Named: the server parses and plans it once per connection, not per NOTIFY.
        await sender.query({ name: 'frontdesk_notify', text: 'select pg_notify($1, $2)', values: [CHANNEL, payload] }).catch((error) => logger.warn({ err: error }, 'could not notify other replicas'));
      }
    }
    sending = null;
  }

  return {
    publish(event) {
      local.publish(event);
      const notice: Notice = {
        type: event.type,
        conversationId: event.conversationId,
        id: event.type === 'message' ? event.message.id : event.type === 'ticket' ? event.ticket.id : undefined,
        agent: event.type === 'typing' || event.type === 'delta' ? event.agent : undefined,
        text: event.type === 'delta' ? event.text : undefined,
      };
      queued.push(notice);
      sending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(send);
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      await sending;
      await listener?.end().catch(() => undefined);
      await sender.end();
    },
  };
}
