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

type Notice = { origin: string; type: BusEvent['type']; conversationId: string; id?: string; agent?: string | null; text?: string };

export interface NotifyBus extends EventBus {
  close(): Promise<void>;
}

export async function createPgNotifyBus(opts: { url: string; store: Store; logger: Logger }): Promise<NotifyBus> {
  const { store, logger } = opts;
  const origin = randomUUID();
  const local = createMemoryBus((error) => logger.warn({ err: error }, 'event listener failed'));
  const sender = new pg.Pool({ connectionString: opts.url, max: 2 });
  // As the store's pool: an idle connection the server closes must not take the process down.
  sender.on('error', (error) => logger.warn({ err: error }, 'database dropped an idle notify connection; the pool opens a new one'));
  let listener: pg.Client | null = null;
  let closed = false;

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
      let notice: Notice;
      try {
        notice = JSON.parse(msg.payload ?? '') as Notice;
      } catch {
        return;
      }
      if (notice.origin === origin) return; // delivered locally when published
      load(notice)
        .then((event) => event && local.publish(event))
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

  return {
    publish(event) {
      local.publish(event);
      const notice: Notice = {
        origin,
        type: event.type,
        conversationId: event.conversationId,
        id: event.type === 'message' ? event.message.id : event.type === 'ticket' ? event.ticket.id : undefined,
        agent: event.type === 'typing' || event.type === 'delta' ? event.agent : undefined,
        text: event.type === 'delta' ? event.text : undefined,
      };
      sender.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(notice)]).catch((error) => {
        logger.warn({ err: error }, 'could not notify other replicas');
      });
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await sender.end();
    },
  };
}
