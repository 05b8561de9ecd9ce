/**
 * Short ticket numbers end to end: a customer's escalation reply shows `#<number>`, never the
 * ticket's 26-character id, on SQLite and PostgreSQL; two SQLite connections (two processes on one
 * file) never hand out the same number; and the migration numbers the tickets a database already
 * has in the order they were created.
 */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { Store } from '../../src/core/ports.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Conversation } from '../../src/core/types.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const pgReason = await postgresUnavailable();
const ULID = /[0-9A-HJKMNP-TV-Z]{26}/;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-tickets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A web conversation whose customer asks for a person: the reply and the ticket it opened. */
async function escalate(fd: Awaited<ReturnType<typeof createTestFrontdesk>>) {
  const start = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { conversation, visitorToken } = (await start.json()) as { conversation: { id: string }; visitorToken: string };
  const res = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
    body: JSON.stringify({ text: 'I want to speak to a real person, not a bot. Get me a human agent now.' }),
  });
  const { reply } = (await res.json()) as { reply: { text: string } };
  const [ticket] = await fd.store.repo.listTickets({ conversationId: conversation.id });
  return { reply, ticket: ticket! };
}

async function expectRepliesShowNumbers(fd: Awaited<ReturnType<typeof createTestFrontdesk>>) {
  const first = await escalate(fd);
  const second = await escalate(fd);
  for (const { reply, ticket } of [first, second]) {
    expect(reply.text).toContain(`#${ticket.number}`);
    expect(reply.text).not.toContain(ticket.id);
    expect(reply.text).not.toMatch(ULID);
  }
  expect(second.ticket.number).toBeGreaterThan(first.ticket.number);
  const token = (await createApiToken(fd.store, fd.clock, { name: 't' })).token;
  const api = (await (await fd.app.request(`/v1/tickets/${first.ticket.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { ticket: { number: number } };
  expect(api.ticket.number).toBe(first.ticket.number);
}

function ticketRow(conversation: Conversation, createdAt: number) {
  return { id: newId(), conversationId: conversation.id, status: 'open' as const, category: 'question', priority: 'normal' as const, summary: 's', assigneeId: null, createdAt, updatedAt: createdAt, resolvedAt: null };
}
async function conversationIn(store: Store): Promise<Conversation> {
  const contact = await store.repo.createContact({ id: newId(), name: null, email: null, createdAt: 1 });
  return store.repo.createConversation({
    id: newId(), contactId: contact.id, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null,
    subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: 1, createdAt: 1, updatedAt: 1,
  });
}

/** A copy of a dialect's migrations folder that stops before the ticket-number migration. */
function migrationsBefore(dialect: 'sqlite' | 'pg', tag: string): string {
  const dir = tempDir();
  cpSync(join(import.meta.dirname, '../../migrations', dialect), dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at, `${tag} in the ${dialect} journal`).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('ticket numbers on SQLite', () => {
  it('shows #number in the reply instead of the ticket id', async () => {
    const fd = await createTestFrontdesk();
    try {
      await expectRepliesShowNumbers(fd);
    } finally {
      await fd.stop();
    }
  });

  it('never gives two connections on one file the same number', async () => {
    const path = join(tempDir(), 'frontdesk.db');
    const a = createSqliteStore({ path });
    await a.migrate();
    const b = createSqliteStore({ path });
    const conversation = await conversationIn(a);
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).transaction((repo) => repo.createTicket(ticketRow(conversation, i)))));
    const numbers = created.map((t) => t.number);
    expect(new Set(numbers).size).toBe(40);
    expect(Math.max(...numbers)).toBe(40);
    await Promise.all([a.close(), b.close()]);
  });

  it('numbers existing tickets by creation time when migrating, and continues after them', async () => {
    const path = join(tempDir(), 'frontdesk.db');
    const sqlite = new Database(path);
    migrateSqlite(drizzleSqlite({ client: sqlite }), { migrationsFolder: migrationsBefore('sqlite', '0004_ticket_numbers') });
    sqlite.exec(`insert into contacts (id, created_at, updated_at) values ('c1', 1, 1);
      insert into conversations (id, contact_id, channel, status, owner, last_message_at, created_at, updated_at) values ('v1', 'c1', 'web', 'open', 'bot', 1, 1, 1);
      insert into tickets (id, conversation_id, status, category, priority, summary, created_at, updated_at) values
        ('t-late', 'v1', 'open', 'q', 'normal', 's', 300, 300), ('t-early', 'v1', 'open', 'q', 'normal', 's', 100, 100), ('t-mid', 'v1', 'open', 'q', 'normal', 's', 200, 200);`);
    sqlite.close();
    const store = createSqliteStore({ path });
    await store.migrate();
    const numbers = Object.fromEntries((await store.repo.listTickets({ conversationId: 'v1' })).map((t) => [t.id, t.number]));
    expect(numbers).toEqual({ 't-early': 1, 't-mid': 2, 't-late': 3 });
    const next = await store.repo.createTicket({ ...ticketRow((await store.repo.getConversation('v1'))!, 400) });
    expect(next.number).toBe(4);
    await store.close();
  });
});

describeWithService('PostgreSQL', pgReason)('ticket numbers on PostgreSQL', () => {
  it('shows #number in the reply instead of the ticket id', async () => {
    const db = await createTestDatabase();
    const fd = await createTestFrontdesk({ env: { DATABASE_URL: db.url } });
    try {
      await expectRepliesShowNumbers(fd);
    } finally {
      await fd.stop();
      await db.drop();
    }
  });

  it('numbers existing tickets by creation time when migrating, and continues after them', async () => {
    const db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migratePg(drizzlePg({ client: pool }), { migrationsFolder: migrationsBefore('pg', '0005_ticket_numbers') });
      await pool.query(`insert into contacts (id, created_at, updated_at) values ('c1', 1, 1);
        insert into conversations (id, contact_id, channel, status, owner, last_message_at, created_at, updated_at) values ('v1', 'c1', 'web', 'open', 'bot', 1, 1, 1);
        insert into tickets (id, conversation_id, status, category, priority, summary, created_at, updated_at) values
          ('t-late', 'v1', 'open', 'q', 'normal', 's', 300, 300), ('t-early', 'v1', 'open', 'q', 'normal', 's', 100, 100), ('t-mid', 'v1', 'open', 'q', 'normal', 's', 200, 200);`);
      const store = createPgStore({ url: db.url });
      await store.migrate();
      const numbers = Object.fromEntries((await store.repo.listTickets({ conversationId: 'v1' })).map((t) => [t.id, t.number]));
      expect(numbers).toEqual({ 't-early': 1, 't-mid': 2, 't-late': 3 });
      const next = await store.repo.createTicket(ticketRow((await store.repo.getConversation('v1'))!, 400));
      expect(next.number).toBe(4);
      await store.close();
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
