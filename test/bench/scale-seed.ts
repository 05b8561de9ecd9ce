/**
 * The data `npm run bench:scale` measures on: a deployment's history generated deterministically
 * and written with bulk SQL in one transaction (prepared inserts on SQLite, batches of JSON rows on
 * PostgreSQL), the indexes, search tables and rollups built afterwards as migrations build them on
 * an existing database; far faster than the message path. Conversations spread over the last 180 days with
 * a realistic mix of channels, statuses and owners; each has its messages, the metric events the
 * pipeline records for them (about 13.7 per conversation with 10 messages), and about half a
 * ticket with SLA targets. Conversations handed to humans are assigned to one of 20 staff members,
 * who write their replies and first responses. Ids are ULID-shaped and sort by creation time, as
 * the store's own are.
 */
import Database from 'better-sqlite3';
import { encodeTime } from 'ulidx';
import pg from 'pg';
import { createRandom } from '../../agents/engines/local/classifier/random.ts';
import { BENCH_MESSAGES } from './messages.ts';

export interface SeedSize {
  conversations: number;
  messages: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SPAN_DAYS = 180;
/** Staff members the human conversations are assigned to. */
const AGENTS = 20;
/** Resolution targets in hours (a first response is due in an eighth of it). */
const SLA_HOURS = [72, 24, 8, 4] as const;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REPLIES = [
  'Your order is on its way and should arrive within three business days.',
  'You can return any item within 30 days for a full refund.',
  'Standard shipping is free over 50 dollars; express costs 12 dollars.',
  'Yes, we accept PayPal, Visa, Mastercard and American Express.',
  'Use the reset link on the sign-in page; it is valid for one hour.',
  'I have passed this to a colleague who will reply shortly.',
  'Thanks for waiting, the refund has been issued to your card.',
];

const pick = <T>(random: () => number, weighted: [T, number][]): T => {
  let r = random();
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted.at(-1)![0];
};

type Row = unknown[];
type Table = 'users' | 'contacts' | 'contact_identities' | 'conversations' | 'messages' | 'tickets' | 'events';
const COLUMNS: Record<Table, string[]> = {
  users: ['id', 'email', 'name', 'created_at'],
  contacts: ['id', 'name', 'email', 'created_at', 'updated_at'],
  contact_identities: ['id', 'contact_id', 'channel', 'address', 'verified', 'created_at'],
  conversations: ['id', 'contact_id', 'channel', 'thread_key', 'status', 'owner', 'route', 'assignee_id', 'subject', 'first_response_at', 'resolved_at', 'last_message_at', 'created_at', 'updated_at'],
  messages: ['id', 'conversation_id', 'channel', 'direction', 'author_kind', 'author_id', 'text', 'internal', 'agent_name', 'route', 'delivery_status', 'agent_status', 'attempts', 'created_at'],
  tickets: ['id', 'number', 'conversation_id', 'status', 'category', 'priority', 'summary', 'created_at', 'updated_at', 'resolved_at', 'first_response_due_at', 'resolution_due_at', 'first_response_at'],
  events: ['id', 'conversation_id', 'type', 'actor', 'channel', 'value', 'created_at'],
};

/** Row sink per dialect; `flush` ends the bulk load. */
interface Writer {
  add(table: Table, row: Row): Promise<void>;
  flush(): Promise<void>;
}

/** Generates the history and hands every row to `writer`, parents before children. */
async function generate(size: SeedSize, now: number, writer: Writer): Promise<{ events: number; tickets: number }> {
  const random = createRandom(17);
  const id = (at: number) => {
    let tail = '';
    for (let i = 0; i < 16; i++) tail += CROCKFORD[Math.floor(random() * 32)];
    return encodeTime(at, 10) + tail;
  };
  const perConversation = size.messages / size.conversations;
  const start = now - SPAN_DAYS * DAY;
  let messagesLeft = size.messages;
  let events = 0;
  let tickets = 0;
  // The staff: conversations handed to humans are assigned to one, who gives most of its replies.
  const agents = Array.from({ length: AGENTS }, (_, n) => id(start));
  for (const [n, agent] of agents.entries()) await writer.add('users', [agent, `agent${n}@example.com`, `Agent ${n}`, start]);
  for (let i = 0; i < size.conversations; i++) {
    // Evenly spread in time, in order, so that ids and creation times agree.
    const createdAt = Math.floor(start + ((i + random()) / size.conversations) * SPAN_DAYS * DAY);
    const channel = pick(random, [['web', 0.45], ['email', 0.25], ['sms', 0.2], ['slack', 0.1]] as const);
    const status = pick(random, [['open', 0.12], ['pending', 0.05], ['resolved', 0.58], ['closed', 0.25]] as const);
    const owner = random() < 0.3 ? 'human' : 'bot';
    const route = pick(random, [['faq', 0.4], ['orders', 0.3], ['billing', 0.15], ['account', 0.1], ['escalation', 0.05]] as const);
    const assignee = owner === 'human' ? agents[Math.floor(random() * AGENTS)]! : null;
    const contactId = id(createdAt);
    const conversationId = id(createdAt);
    const address = channel === 'sms' ? `+1555${String(i).padStart(7, '0')}` : `customer${i}@example.com`;
    await writer.add('contacts', [contactId, `Customer ${i}`, `customer${i}@example.com`, createdAt, createdAt]);
    await writer.add('contact_identities', [id(createdAt), contactId, channel, address, 0, createdAt]);

    const remaining = size.conversations - i;
    const count = i === size.conversations - 1 ? messagesLeft : Math.max(2, Math.min(messagesLeft - 2 * (remaining - 1), Math.round(perConversation * (0.4 + 1.2 * random()))));
    messagesLeft -= count;
    const rows: Row[] = [];
    const eventRows: Row[] = [];
    const event = (type: string, actor: string, at: number, value: number | null = null) => eventRows.push([id(at), conversationId, type, actor, channel, value, at]);
    event('conversation_created', 'contact', createdAt);
    let at = createdAt;
    let firstResponseAt: number | null = null;
    let humanResponseAt: number | null = null;
    const handoffAt = createdAt + 1000;
    for (let m = 0; m < count; m++) {
      const inbound = m % 2 === 0;
      at += inbound ? Math.floor(random() * 600_000) : 800 + Math.floor(random() * 4000);
      const human = !inbound && owner === 'human' && m > 2;
      // A colleague now and then answers in someone else's conversation.
      const author = human ? (random() < 0.8 ? assignee : agents[Math.floor(random() * AGENTS)]!) : null;
      const text = inbound ? BENCH_MESSAGES[Math.floor(random() * BENCH_MESSAGES.length)]! : REPLIES[Math.floor(random() * REPLIES.length)]!;
      rows.push([id(at), conversationId, channel, inbound ? 'inbound' : 'outbound', inbound ? 'contact' : human ? 'human' : 'bot', author, text, 0,
        inbound || human ? null : 'faq', inbound ? route : null, inbound ? 'received' : 'delivered', inbound ? 'done' : null, inbound ? 0 : 1, at]);
      event(inbound ? 'message_in' : 'message_out', inbound ? 'contact' : human ? 'human' : 'bot', at);
      if (!inbound && firstResponseAt === null) {
        firstResponseAt = at;
        event('first_response', 'bot', at, at - createdAt);
      }
      if (human && humanResponseAt === null) {
        humanResponseAt = at;
        event('first_response', 'human', at, at - handoffAt);
      }
    }
    if (owner === 'human') event('handoff', 'bot', handoffAt);
    const resolved = status === 'resolved' || status === 'closed';
    const resolvedAt = resolved ? at + 1000 : null;
    if (resolvedAt !== null) {
      event('resolved', owner, resolvedAt, resolvedAt - createdAt);
      if (random() < 0.3) event('csat', 'contact', resolvedAt + 1000, 1 + Math.floor(random() * 5));
    }
    await writer.add('conversations', [conversationId, contactId, channel, channel === 'email' ? `<${conversationId}@example.com>` : address, status, owner, route, assignee,
      channel === 'email' ? 'Question about my order' : null, firstResponseAt, resolvedAt, at, createdAt, resolvedAt ?? at]);
    for (const row of rows) await writer.add('messages', row);
    for (const row of eventRows) await writer.add('events', row);
    events += eventRows.length;
    if (random() < 0.52) {
      tickets += 1;
      const ticketStatus = resolved ? 'resolved' : pick(random, [['open', 0.5], ['in_progress', 0.35], ['escalated', 0.15]] as const);
      // SLA targets (first response and resolution due in hours from the ticket), some missed.
      const openedAt = createdAt + 2000;
      const dueIn = pick(random, [[SLA_HOURS[0], 0.2], [SLA_HOURS[1], 0.6], [SLA_HOURS[2], 0.15], [SLA_HOURS[3], 0.05]] as const);
      await writer.add('tickets', [id(openedAt), tickets, conversationId, ticketStatus, route, pick(random, [['low', 0.2], ['normal', 0.6], ['high', 0.15], ['urgent', 0.05]] as const),
        `${route} request from customer ${i}`, openedAt, resolvedAt ?? openedAt, resolvedAt, openedAt + (dueIn * HOUR) / 8, openedAt + (random() < 0.1 ? DAY / 4 : dueIn * HOUR), humanResponseAt]);
    }
  }
  await writer.flush();
  return { events, tickets };
}

/**
 * Backfills written alike in both dialects (SQLite reads `NOT internal` of its 0/1 column as
 * PostgreSQL reads it of a boolean): migrations sqlite 0015 / pg 0019 (analytics_rollups) and
 * sqlite 0016 / pg 0021 (conversation_tallies).
 */
const STAFF_REPLIES_BACKFILL = `INSERT INTO staff_replies (message_id, user_id, conversation_id, channel, created_at, previous_at)
    SELECT id, author_id, conversation_id, channel, created_at, lag(created_at) OVER (PARTITION BY conversation_id, author_id ORDER BY created_at, id)
    FROM messages WHERE author_kind = 'human' AND direction = 'outbound' AND NOT internal AND author_id IS NOT NULL`;
const STAFF_FIRST_RESPONSES_BACKFILL = `INSERT INTO staff_first_responses (event_id, message_id, user_id, channel, created_at, ms)
    SELECT e.id, m.id, m.author_id, e.channel, e.created_at, e.value FROM events e
    JOIN messages m ON m.conversation_id = e.conversation_id AND m.created_at = e.created_at
      AND m.author_kind = 'human' AND m.direction = 'outbound' AND NOT m.internal AND m.author_id IS NOT NULL
    WHERE e.type = 'first_response' AND e.actor = 'human'`;
const CONVERSATION_TALLIES_BACKFILL = `INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
    SELECT status, owner, channel, coalesce(route, ''), coalesce(assignee_id, ''), count(*) FROM conversations GROUP BY 1, 2, 3, 4, 5`;

/**
 * What the migrations write from existing rows when they add the structures that triggers keep
 * afterwards, per trigger on a seeded table: the seed drops those triggers while it loads (on
 * SQLite a trigger feeding FTS5 costs about 25 times its bulk backfill, since FTS5 flushes its
 * pending terms at every statement's savepoint), then recreates them and runs these. A trigger
 * not listed here stops the seed rather than leave its table silently empty.
 */
const SQLITE_BACKFILLS: Record<string, string | null> = {
  // migrations/sqlite/0006_console_inbox.sql
  messages_search_ai: 'INSERT INTO message_search (message_id, conversation_id) SELECT id, conversation_id FROM messages ORDER BY id',
  messages_search_au: null, // updates only: nothing to backfill
  // migrations/sqlite/0011_contact_search.sql (one row per contact holds its identities too)
  contacts_search_ai: 'INSERT INTO contact_search (contact_id) SELECT id FROM contacts ORDER BY id',
  contacts_search_au: null,
  contact_identities_search_ai: null, // covered by contacts_search_ai's backfill, which runs after every identity is in
  contact_identities_search_au: null,
  contact_identities_search_ad: null,
  // migrations/sqlite/0015_analytics_rollups.sql
  conversation_rollups_ai: 'INSERT INTO conversation_rollups (day, channel, count) SELECT created_at / 86400000 * 86400000, channel, count(*) FROM conversations GROUP BY 1, 2',
  conversation_rollups_au: null,
  conversation_rollups_ad: null,
  staff_replies_ai: STAFF_REPLIES_BACKFILL,
  resolution_rollups_ai: `INSERT INTO resolution_rollups (day, channel, assignee_id, count)
    SELECT e.created_at / 86400000 * 86400000, e.channel, c.assignee_id, count(*) FROM events e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.type = 'resolved' AND e.actor = 'human' AND c.assignee_id IS NOT NULL GROUP BY 1, 2, 3`,
  resolution_rollups_au: null,
  staff_first_responses_event_ai: STAFF_FIRST_RESPONSES_BACKFILL,
  staff_first_responses_message_ai: null, // the same pairs: covered by the backfill above
  // migrations/sqlite/0016_conversation_tallies.sql
  conversations_tally_ai: CONVERSATION_TALLIES_BACKFILL,
  conversations_tally_ad: null, // deletes and updates only: nothing to backfill
  conversations_tally_au: null,
};

/** The daily rollups of the seeded events, as the migrations sqlite 0008 / pg 0010 (scale_indexes) build them; shard 0 on PostgreSQL. */
const BUILD_ROLLUPS = `INSERT INTO event_rollups (day, channel, type, actor, count, value_sum, value_count)
  SELECT created_at / ${DAY} * ${DAY}, channel, type, actor, count(*), coalesce(sum(value), 0), count(value) FROM events GROUP BY 1, 2, 3, 4`;

const SEEDED_TABLES = Object.keys(COLUMNS) as Table[];

/**
 * Seeds a migrated SQLite file in one transaction with prepared inserts. The seeded tables'
 * secondary indexes and triggers are dropped first and rebuilt afterwards, as a migration builds
 * them on an existing database: a sorted index build and one FTS5 backfill, instead of keeping
 * each up to date row by row.
 */
export async function seedSqlite(path: string, size: SeedSize, now: number) {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF'); // a throwaway database: no durability needed while loading
  sqlite.pragma('cache_size = -262144'); // 256 MB: the index builds sort in memory
  const statements = Object.fromEntries(
    Object.entries(COLUMNS).map(([table, columns]) => [table, sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`)]),
  ) as Record<Table, Database.Statement>;
  const inList = SEEDED_TABLES.map((table) => `'${table}'`).join(', ');
  const deferred = sqlite
    .prepare(`select type, name, sql from sqlite_master where type in ('index', 'trigger') and tbl_name in (${inList}) and sql is not null`)
    .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
  const unknown = deferred.filter((d) => d.type === 'trigger' && !(d.name in SQLITE_BACKFILLS));
  if (unknown.length) throw new Error(`scale-seed: no backfill known for trigger(s) ${unknown.map((d) => d.name).join(', ')}: add what their migration writes to SQLITE_BACKFILLS`);
  sqlite.exec('begin');
  try {
    for (const { type, name } of deferred) sqlite.exec(`drop ${type} "${name}"`);
    const counts = await generate(size, now, {
      add: async (table, row) => void statements[table].run(row),
      flush: async () => undefined,
    });
    for (const { sql } of deferred) sqlite.exec(sql);
    for (const { name } of deferred) {
      const backfill = SQLITE_BACKFILLS[name];
      if (backfill) sqlite.exec(backfill);
    }
    sqlite.exec(BUILD_ROLLUPS);
    sqlite.prepare('update ticket_counter set value = ? where id = 1').run(counts.tickets);
    sqlite.exec('commit');
    sqlite.exec('analyze');
    return counts;
  } finally {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    sqlite.close();
  }
}

/**
 * The same for PostgreSQL (migrations/pg/0019_analytics_rollups.sql), per trigger on a seeded
 * table: the seed disables them while it loads (row by row, each looks up rows whose indexes are
 * dropped for the load) and runs these once the indexes are back. Rollups go to shard 0.
 */
const PG_BACKFILLS: Record<string, string | null> = {
  conversation_rollups_keep: 'INSERT INTO conversation_rollups (day, channel, shard, count) SELECT created_at / 86400000 * 86400000, channel, 0, count(*) FROM conversations GROUP BY 1, 2',
  staff_replies_add: STAFF_REPLIES_BACKFILL,
  resolution_rollups_add: `INSERT INTO resolution_rollups (day, channel, assignee_id, shard, count)
    SELECT e.created_at / 86400000 * 86400000, e.channel, c.assignee_id, 0, count(*) FROM events e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.type = 'resolved' AND e.actor = 'human' AND c.assignee_id IS NOT NULL GROUP BY 1, 2, 3`,
  resolution_rollups_move: null, // updates only
  staff_first_responses_by_event: STAFF_FIRST_RESPONSES_BACKFILL,
  staff_first_responses_by_message: null, // the same pairs: covered by the backfill above
  // migrations/pg/0021_conversation_tallies.sql
  conversations_tally_insert_delete: CONVERSATION_TALLIES_BACKFILL,
  conversations_tally_update: null, // updates only
};

/** Rows per insert on PostgreSQL: each batch is one JSON parameter. */
const PG_BATCH = 20_000;
const PG_BOOLEAN_COLUMNS = new Set(['verified', 'internal']);

/**
 * Seeds a migrated PostgreSQL database in one transaction: the seeded tables' secondary indexes
 * (GIN full-text and trigram ones included) are dropped and their triggers disabled, the rows
 * inserted in batches, each one JSON parameter, and the indexes built again from their own
 * definitions and the triggers' tables filled, as a migration builds them on an existing database.
 */
export async function seedPostgres(url: string, size: SeedSize, now: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const buffers = Object.fromEntries(SEEDED_TABLES.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;
  const write = async (table: Table) => {
    const rows = buffers[table];
    if (rows.length === 0) return;
    const columns = COLUMNS[table];
    const objects = rows.map((row) => Object.fromEntries(columns.map((column, c) => [column, PG_BOOLEAN_COLUMNS.has(column) ? Boolean(row[c]) : row[c]])));
    // Named columns, so the table's defaults fill the others.
    const list = columns.join(', ');
    await client.query(`insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(objects)]);
    buffers[table] = [];
  };
  // Parents are written before children: a child's batch first flushes the tables it refers to.
  const parents: Record<Table, Table[]> = {
    users: [], contacts: [], contact_identities: ['contacts'], conversations: ['users', 'contacts'],
    messages: ['users', 'contacts', 'conversations'], events: ['users', 'contacts', 'conversations'], tickets: ['users', 'contacts', 'conversations'],
  };
  try {
    await client.query('begin');
    await client.query(`set local maintenance_work_mem = '256MB'`);
    // Secondary indexes only: those behind primary keys and unique constraints stay (foreign keys need them).
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `select i.indexname as name, i.indexdef as definition from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = any($1)
         and not exists (select 1 from pg_constraint k where k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
      [SEEDED_TABLES],
    );
    for (const { name } of indexes) await client.query(`drop index "${name}"`);
    const { rows: triggers } = await client.query<{ name: string }>(
      `select t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
       where not t.tgisinternal and c.relnamespace = current_schema()::regnamespace and c.relname = any($1)`,
      [SEEDED_TABLES],
    );
    const unknown = triggers.filter((t) => !(t.name in PG_BACKFILLS));
    if (unknown.length) throw new Error(`scale-seed: no backfill known for trigger(s) ${unknown.map((t) => t.name).join(', ')}: add what their migration writes to PG_BACKFILLS`);
    for (const table of SEEDED_TABLES) await client.query(`alter table "${table}" disable trigger user`);
    const counts = await generate(size, now, {
      async add(table, row) {
        const buffer = buffers[table];
        buffer.push(row);
        if (buffer.length >= PG_BATCH) {
          for (const parent of parents[table]) await write(parent);
          await write(table);
        }
      },
      async flush() {
        for (const table of ['users', 'contacts', 'contact_identities', 'conversations', 'messages', 'events', 'tickets'] as Table[]) await write(table);
      },
    });
    for (const { definition } of indexes) await client.query(definition);
    for (const table of SEEDED_TABLES) await client.query(`alter table "${table}" enable trigger user`);
    for (const { name } of triggers) {
      const backfill = PG_BACKFILLS[name];
      if (backfill) await client.query(backfill);
    }
    await client.query(BUILD_ROLLUPS);
    await client.query(`select setval(pg_get_serial_sequence('tickets', 'number'), $1)`, [counts.tickets]);
    await client.query('commit');
    await client.query('vacuum analyze'); // what autovacuum would have done by now: statistics and the visibility map (index-only scans)
    return counts;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
