/**
 * The inbox's queries at scale, on SQLite and PostgreSQL: 20,000 conversations with 100,000
 * messages; times the first page of a tab with its five counts and row summaries, a page deep in
 * the list (cursor), and a search. `npx tsx test/bench/inbox.ts`
 */
import { newId } from '../../src/core/ids.ts';
import { viewFilter, INBOX_VIEWS } from '../../src/core/inbox-views.ts';
import type { Store } from '../../src/core/ports.ts';
import type { Conversation } from '../../src/core/types.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 20_000);
const MESSAGES_EACH = 5;
const WORDS = 'order parcel refund jacket zipper delivery invoice address return size colour boots tent warranty exchange late broken tracking label'.split(' ');

async function seed(store: Store) {
  const t0 = Date.UTC(2026, 0, 1);
  for (let batch = 0; batch < CONVERSATIONS / 500; batch++) {
    await store.transaction(async (repo) => {
      for (let i = 0; i < 500; i++) {
        const n = batch * 500 + i;
        const contact = await repo.createContact({ id: newId(), name: `Customer ${n}`, email: `c${n}@example.com`, createdAt: t0 });
        const at = t0 + n * 60_000;
        const conversation = await repo.createConversation({
          id: newId(), contactId: contact.id, channel: (['web', 'sms', 'email', 'slack'] as const)[n % 4], threadKey: null, status: n % 3 === 0 ? 'resolved' : 'open',
          owner: n % 5 === 0 ? 'human' : 'bot', currentAgent: null, route: null, assigneeId: null, subject: null, agentState: null, visitorTokenHash: null,
          firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: at, createdAt: at, updatedAt: at,
        } as Conversation);
        for (let m = 0; m < MESSAGES_EACH; m++) {
          const words = Array.from({ length: 12 }, (_, k) => WORDS[(n * 7 + m * 3 + k * 5) % WORDS.length]).join(' ');
          await repo.insertMessage({
            id: newId(), conversationId: conversation.id, channel: conversation.channel, direction: m % 2 ? 'outbound' : 'inbound', authorKind: m % 2 ? 'bot' : 'contact',
            authorId: null, text: `${words} NW-${10000 + n}`, original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null,
            providerMessageId: null, deliveryStatus: 'received', agentStatus: 'done', meta: null, createdAt: at + m,
          });
        }
      }
    });
  }
}

async function time(label: string, work: () => Promise<unknown>, runs = 20) {
  await work();
  const started = performance.now();
  for (let i = 0; i < runs; i++) await work();
  console.log(`  ${label}: ${((performance.now() - started) / runs).toFixed(2)} ms`);
}

async function measure(name: string, store: Store) {
  await store.migrate();
  const seeding = performance.now();
  await seed(store);
  console.log(`${name}: seeded ${CONVERSATIONS} conversations, ${CONVERSATIONS * MESSAGES_EACH} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const firstPage = async (filter: object) => {
    const views = Object.fromEntries(INBOX_VIEWS.map((view) => [view, viewFilter(view, 'nobody')]));
    const [rows] = await Promise.all([
      store.repo.listConversations({ ...filter, ...viewFilter('all', null), order: 'activity', limit: 50 }),
      store.repo.countConversationsBy(filter, views),
    ]);
    await store.repo.summarizeConversations(rows.map((c) => c.id), 'nobody');
    return rows;
  };
  await time('inbox first page (50 rows, 5 tab counts, summaries)', () => firstPage({}));
  const deep = await store.repo.listConversations({ ...viewFilter('all', null), order: 'activity', limit: 200 });
  const cursor = { lastMessageAt: deep.at(-1)!.lastMessageAt, id: deep.at(-1)!.id };
  await time('a page after 200 rows (cursor)', () => store.repo.listConversations({ ...viewFilter('all', null), order: 'activity', after: cursor, limit: 50 }));
  await time('search "zipper warranty" (first page and counts)', () => firstPage({ search: 'zipper warranty' }), 5);
  await time('search an order number "NW-19999"', () => firstPage({ search: 'NW-19999' }), 5);
  await store.close();
}

await measure('SQLite (file)', createSqliteStore({ path: `/tmp/frontdesk-inbox-bench-${process.pid}.db` }));
if (!(await postgresUnavailable())) {
  const db = await createTestDatabase();
  await measure('PostgreSQL', createPgStore({ url: db.url }));
  await db.drop();
}
