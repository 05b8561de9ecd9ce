/**
 * The Repository, written once for both dialects. Queries use the dialect-neutral subset of
 * drizzle's builders (select/insert/update/delete, onConflict, returning), typed against the
 * PostgreSQL schema; the SQLite store passes its own tables, whose property names are identical.
 * The few statements that differ per dialect (full-text search, claiming outbox jobs across
 * replicas) come from the `DialectQueries` the store supplies.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lt, lte, max, min, notInArray, or, sql, sum, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgDatabase, PgSelect } from 'drizzle-orm/pg-core';
import type { AgentActivity, ConversationFilter, EventAggregate, ExportKind, ExportPage, ExportRows, InboundClaim, Repository, SlaOutcome, TicketFilter } from '../core/ports.ts';
import type {
  Attachment,
  Conversation,
  ChannelKind,
  KnowledgeArticle,
  KnowledgeHit,
  Message,
  MetricEvent,
  Order,
  PassageHit,
} from '../core/types.ts';
import { newId } from '../core/ids.ts';
import { TICKET_FIELDS } from '../core/types.ts';
import { replacePassages } from './passages.ts';
import { holdsPart } from './part-match.ts';
import { searchTerms } from './search-terms.ts';
import { countsFromTallies } from './tallied.ts';
import { RERANK_CANDIDATES, rerankByTitle, rerankPassages } from './title-rerank.ts';
import type * as pgSchema from './schema/pg.ts';

export type Schema = typeof pgSchema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<any, any>;

/** Statements that cannot be written once for both dialects. */
export interface DialectQueries {
  searchKnowledge(db: Db, terms: string[], limit: number): Promise<{ id: string; score: number }[]>;
  /** The best passages for OR-ed terms, best first, read with their articles' slug and title in one statement. */
  searchPassages(db: Db, terms: string[], limit: number): Promise<PassageHit[]>;
  /**
   * Runs `work` all or nothing: inside a transaction as a savepoint, otherwise as a transaction of
   * its own (an article and its passages are written together).
   */
  atomically<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T>;
  /** Row locking for the claim's subquery: PostgreSQL skips rows other replicas hold. */
  lockDueJobs(query: PgSelect): PgSelect;
  /** Holds a lock on `key` until the caller's transaction ends (PostgreSQL); nothing where one writer runs at a time (SQLite). */
  lockKey(db: Db, key: string): Promise<void>;
  /**
   * Whether built hot queries can be kept and reused: true where the repository's `db` serves it
   * for its whole life (SQLite's one connection, a PostgreSQL pool); building a drizzle query costs
   * more than running it on SQLite, and on PostgreSQL was a quarter of the message path's CPU in
   * Node. False for a PostgreSQL transaction's repository, made per transaction on that
   * transaction's client, which a kept query would outlive. On PostgreSQL hot queries are also
   * named prepared statements: each connection has the server parse one once, not per message.
   */
  reusesQueries: boolean;
  /**
   * Whether one statement can chain several writes (PostgreSQL's data-modifying WITH): then the
   * message path's writes are one round trip. Elsewhere they run one after another.
   */
  chainsWrites: boolean;
  /**
   * The next ticket number, taken inside the caller's transaction; undefined where the tickets
   * table assigns it itself on insert (PostgreSQL's identity sequence).
   */
  nextTicketNumber(db: Db): Promise<number | undefined>;
  /** A subquery of the ids of conversations with a message holding every term (as word prefixes) by the full-text index. */
  conversationsMatching(terms: string[]): SQL;
  /** A subquery of the ids of contacts whose name, email, or an address or display name of theirs holds `search` (contactsHoldingPart), by an index. */
  contactsMatching(search: string): SQL;
  /** Where the full-text rows are numbered in the order messages were written: search reads the newest hits first (searchPage). */
  hitOrder?: HitOrder;
}

/**
 * Message hits in the order they were written (SQLite numbers each message's full-text row as it
 * is stored; PostgreSQL orders them by message id, which is creation order), so that a search
 * needs to read only the newest hits to be sure of a page.
 */
export interface HitOrder {
  /**
   * Step `step` (0, 1, …) of reading a search's hits newest first, each step further back than the
   * one before: a subquery of the conversations of every message holding every term (as word
   * prefixes) whose number is at least `from`; `from` is null when these are all the hits.
   */
  newestHits(db: Db, terms: string[], step: number): Promise<{ conversations: SQL; from: HitBound | null }>;
  /** The condition that the conversation `conversationId` has a message numbered below `below`. */
  hasMessageBelow(conversationId: SQL, below: HitBound): SQL;
}

/** Where a step of HitOrder#newestHits stopped: a message's number (SQLite) or id (PostgreSQL). */
export type HitBound = number | string;

interface Runnable<R> {
  execute(placeholders?: Record<string, unknown>): Promise<R>;
}
type Reusable<R> = Runnable<R> & { prepare(name: string): Runnable<R> };

const MAX_LIST = 200;
/** The part countConversationsBy adds to know how many conversations a partial search count has found. */
const ENOUGH = '__matched';
/** Every column of a message and a metric event: the hot inserts bind each as a placeholder. */
const MESSAGE_COLUMNS = [
  'id', 'conversationId', 'channel', 'direction', 'authorKind', 'authorId', 'text', 'original', 'html', 'subject', 'internal',
  'agentName', 'route', 'confidence', 'providerMessageId', 'deliveryStatus', 'agentStatus', 'attempts', 'error', 'meta', 'createdAt',
] as const satisfies readonly (keyof Message)[];
const EVENT_COLUMNS = ['id', 'conversationId', 'type', 'actor', 'channel', 'value', 'data', 'createdAt'] as const satisfies readonly (keyof MetricEvent)[];
/** The largest export page: big enough that round trips do not dominate, small enough to stream. */
const MAX_EXPORT_PAGE = 5_000;

const DAY_MS = 86_400_000;
/**
 * Rows per rollup key on PostgreSQL (see eventRollups in schema/pg.ts): a session writes its
 * own, so message transactions on different connections do not wait for each other's commits.
 */
const ROLLUP_SHARDS = 8;

/** One row of event_rollups: the events of one UTC day, channel, type and actor. */
interface EventRollup {
  day: number;
  channel: ChannelKind;
  type: MetricEvent['type'];
  actor: MetricEvent['actor'];
  count: number;
  valueSum: number;
  valueCount: number;
}

/**
 * A row keyed by its columns' names in the database (the schemas' camelCase properties in
 * snake_case, as drizzle's `casing` names them), for json_populate_record.
 */
function snakeCased(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
}

/** A lone UTF-16 surrogate (half of a pair), which PostgreSQL's JSON refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/**
 * A JSON parameter whose strings are well-formed: a lone surrogate becomes U+FFFD, as the UTF-8
 * encoding of a text parameter makes it, instead of failing the statement.
 */
function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v));
}

/**
 * Where a range's rows can come from rollups: the whole UTC days in it, [firstDay, endDay), and the
 * partial days at either end (the whole range when it holds no whole day), from the rows themselves.
 */
function daysOf(since: number, until: number) {
  const firstDay = Math.ceil(since / DAY_MS) * DAY_MS;
  const endDay = Math.floor((until + 1) / DAY_MS) * DAY_MS;
  type Column = Parameters<typeof gt>[0];
  const wholeDays = firstDay < endDay;
  return {
    wholeDays,
    /** A rollup's day among the whole days. */
    whole: (day: Column) => and(gt(day, firstDay - 1), lt(day, endDay)),
    /** A row's time in the partial days. */
    partial: (at: Column) =>
      wholeDays ? or(and(gt(at, since - 1), lt(at, firstDay)), and(gt(at, endDay - 1), lte(at, until))) : and(gt(at, since - 1), lte(at, until)),
  };
}

/** The events summed per rollup row. */
function rollupsOf(list: MetricEvent[]): EventRollup[] {
  const rollups = new Map<string, EventRollup>();
  for (const event of list) {
    const day = Math.floor(event.createdAt / DAY_MS) * DAY_MS;
    const key = `${day}|${event.channel}|${event.type}|${event.actor}`;
    const rollup = rollups.get(key) ?? { day, channel: event.channel, type: event.type, actor: event.actor, count: 0, valueSum: 0, valueCount: 0 };
    rollup.count += 1;
    if (event.value !== null) {
      rollup.valueSum += event.value;
      rollup.valueCount += 1;
    }
    rollups.set(key, rollup);
  }
  return [...rollups.values()];
}

/**
 * Short names for the server's prepared statements, one per query shape: PostgreSQL cuts names at
 * 63 bytes, and some shapes are named by their column list (`updateConversation:…`).
 */
const statementNames = new Map<string, string>();
function serverStatementName(shape: string): string {
  let name = statementNames.get(shape);
  if (!name) statementNames.set(shape, (name = `frontdesk_${statementNames.size + 1}`));
  return name;
}

const clampLimit = (limit: number | undefined, fallback = 50) => Math.max(1, Math.min(limit ?? fallback, MAX_LIST));

type ArticleRow = Omit<KnowledgeArticle, 'tags'> & { tags: string };
const toArticle = (row: ArticleRow): KnowledgeArticle => ({
  ...row,
  tags: row.tags ? row.tags.split(',').map((t) => t.trim()).filter(Boolean) : [],
});

export function createRepository(db: Db, t: Schema, dialect: DialectQueries): Repository {
  const first = <T>(rows: T[]): T | null => rows[0] ?? null;
  const p = (name: string) => sql.placeholder(name);
  const reused = new Map<string, Runnable<unknown>>();
  /** A partial update as a placeholder per present column (named `prefix` + column); the column set names the query. */
  const placeholders = (keys: string[], prefix = '') => Object.fromEntries(keys.map((k) => [k, p(`${prefix}${k}`)]));
  function patchOf(patch: object) {
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return { keys: Object.keys(values).sort(), values };
  }
  /**
   * A claim takes the lease and marks the attempt in flight; an attempt already marked (cut off
   * before it settled) keeps its mark, so the claimer sees since when the provider may have it.
   */
  const claimPatch = (until: number, now: number) => ({
    lockedUntil: until,
    sendingSince: sql<number>`coalesce(${t.outbox.sendingSince}, ${now})`,
    updatedAt: now,
  });
  /** A hot-path query with placeholders, built once where the dialect allows (see reusesQueries). */
  function hot<R>(name: string, build: () => Reusable<R>): Runnable<R> {
    if (!dialect.reusesQueries) return build().prepare(serverStatementName(name));
    let query = reused.get(name) as Runnable<R> | undefined;
    if (!query) reused.set(name, (query = build().prepare(serverStatementName(name))));
    return query;
  }
  /**
   * PostgreSQL: adds the events a WITH query named `inserted` returned (created_at, channel, type,
   * actor, value) to their days' rollups, in this session's shard of them.
   */
  function addToRollupsFrom(inserted: SQL): SQL {
    const r = t.eventRollups;
    const day = sql`created_at / ${sql.raw(String(DAY_MS))} * ${sql.raw(String(DAY_MS))}`;
    return sql`insert into ${r} (day, channel, type, actor, shard, count, value_sum, value_count)
      select ${day}, channel, type, actor, pg_backend_pid() % ${sql.raw(String(ROLLUP_SHARDS))}, count(*), coalesce(sum(value), 0), count(value)
      from ${inserted} group by 1, 2, 3, 4
      on conflict (day, channel, type, actor, shard) do update
      set count = ${r.count} + excluded.count, value_sum = ${r.valueSum} + excluded.value_sum, value_count = ${r.valueCount} + excluded.value_count`;
  }
  /** A WITH query of hand-written SQL: drizzle types only its builders there, but renders any SQL. */
  const rawWith = (alias: string, query: SQL) => db.$with(alias).as(query as never);
  /**
   * An inbound message's claim: sets `patch` (its agent status and who answered) when it is still
   * pending, returning its id. The one statement of claimInbound and of appendMessage's WITH on
   * PostgreSQL, both with placeholders (hot queries).
   */
  function claimQuery(messageId: string | SQLWrapper, patch: Record<string, unknown>) {
    return db
      .update(t.messages)
      .set(patch)
      .where(and(eq(t.messages.id, messageId), eq(t.messages.agentStatus, 'pending')))
      .returning({ id: t.messages.id });
  }
  const claimPatchOf = ({ status, answeredBy }: Pick<InboundClaim, 'status' | 'answeredBy'>) => patchOf({ ...answeredBy, agentStatus: status });
  /**
   * appendMessage on PostgreSQL, one statement: the inbound message's claim when there is one, the
   * message (nothing else when it is a duplicate or the claim lost), the events and their rollups,
   * and the conversation's update, which it returns. Its text depends only on the shape of the
   * input (which claim and conversation columns are set, whether there are events), every value
   * a placeholder, so each shape is a hot query.
   */
  async function appendInOneStatement(input: Parameters<Repository['appendMessage']>[0], row: Message) {
    const claim = input.claim && claimPatchOf(input.claim);
    const patch = patchOf(input.patch);
    const withEvents = input.events.length > 0;
    // Placeholder names per part: the claim and the conversation's update can set the same column (route).
    const valuesNamed = (prefix: string, values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
    const query = hot(`appendMessage:${claim ? claim.keys : '-'}:${withEvents}:${patch.keys}`, () => {
      const m = t.messages;
      const c = t.conversations;
      const claimed = claim ? [db.$with('claimed_inbound').as(claimQuery(p('claimId'), placeholders(claim.keys, 'claim_')))] : [];
      // The message as the table's own row type from one JSON parameter, as the events below: so the
      // claim can gate it (an INSERT … VALUES takes no condition).
      const message = rawWith('appended_message', sql`insert into ${m}
        select * from json_populate_record(null::${m}, ${p('message')}::json)
        ${claim ? sql`where exists (select 1 from claimed_inbound)` : sql``}
        on conflict do nothing returning id`);
      const appended = sql`exists (select 1 from appended_message)`;
      const events = rawWith('appended_events', sql`insert into ${t.events}
        select * from json_populate_recordset(null::${t.events}, ${p('events')}::json) where ${appended}
        returning created_at, channel, type, actor, value`);
      const rollups = rawWith('appended_rollups', addToRollupsFrom(sql`appended_events`));
      const updated = db.$with('appended_to').as(db.update(c).set(placeholders(patch.keys, 'set_')).where(and(eq(c.id, p('conversationId')), appended)).returning());
      const ctes = [...claimed, message, ...(withEvents ? [events, rollups] : []), updated];
      return db.with(...ctes).select().from(updated);
    });
    return first(
      await query.execute({
        ...(claim ? { ...valuesNamed('claim_', claim.values), claimId: input.claim!.messageId } : {}),
        ...valuesNamed('set_', patch.values),
        message: jsonParam(snakeCased(row)),
        ...(withEvents ? { events: jsonParam(input.events.map(snakeCased)) } : {}),
        conversationId: input.conversationId,
      }),
    );
  }
  const attachmentColumns = {
    id: t.attachments.id,
    messageId: t.attachments.messageId,
    filename: t.attachments.filename,
    contentType: t.attachments.contentType,
    size: t.attachments.size,
    url: t.attachments.url,
    createdAt: t.attachments.createdAt,
  };
  const articleColumns = {
    id: t.kbArticles.id,
    slug: t.kbArticles.slug,
    title: t.kbArticles.title,
    body: t.kbArticles.body,
    tags: t.kbArticles.tags,
    createdAt: t.kbArticles.createdAt,
    updatedAt: t.kbArticles.updatedAt,
  };
  async function getArticle(slug: string): Promise<KnowledgeArticle | null> {
    const [row] = await db.select(articleColumns).from(t.kbArticles).where(eq(t.kbArticles.slug, slug)).limit(1);
    return row ? toArticle(row) : null;
  }

  /**
   * The conversations a search finds: messages by the full-text index; the subject and who the
   * customer is (name, email, addresses) by part (dialect.contactsMatching). One set of ids rather
   * than an OR of conditions, so the database reads each source once by its index and a search
   * that finds few conversations does not walk every one to test it.
   */
  function conversationsFound(search: string, messageHits?: SQL): SQL {
    const terms = searchTerms(search);
    // union all: `in` needs no duplicates removed, and removing them cost PostgreSQL a hash of every hit.
    return sql`select id from conversations where subject is not null and ${holdsPart('subject', search)}
      union all select cv.id from conversations cv where cv.contact_id in (${dialect.contactsMatching(search)})
      ${terms.length ? sql`union all ${messageHits ?? dialect.conversationsMatching(terms)}` : sql``}`;
  }

  /**
   * A page of a search where hits are read newest first (dialect.hitOrder): a word in many
   * messages has its page among the newest hits, so reading every hit (135,000 for a common word
   * at 1,000,000 messages) to keep 50 conversations is wasted. Each step reads further back,
   * takes the page from the conversations of the hits read (and the subject and customer
   * matches, read whole), then asks whether a conversation the filter places before the page's
   * last could still have an unread hit: only one with a message older than every hit read can.
   * If none, the page is the one reading every hit gives; otherwise the next step reads further,
   * until the hits run out.
   */
  async function searchPage(filter: ConversationFilter, search: string, hitOrder: HitOrder) {
    const c = t.conversations;
    const activity = filter.order === 'activity';
    const limit = clampLimit(filter.limit);
    const plain = conversationWhere({ ...filter, search: undefined }, !activity);
    const order = activity ? [desc(c.lastMessageAt), desc(c.id)] : [desc(c.id)];
    const terms = searchTerms(search);
    for (let step = 0; ; step++) {
      const { conversations, from } = await hitOrder.newestHits(db, terms, step);
      const rows = await db
        .select()
        .from(c)
        .where(and(...plain, sql`${c.id} in (${conversationsFound(search, conversations)})`))
        .orderBy(...order)
        .limit(limit);
      if (from === null) return rows; // every hit read
      if (rows.length < limit) continue; // the page is not full yet
      const last = rows.at(-1)!;
      const beforeLast = activity
        ? or(gt(c.lastMessageAt, last.lastMessageAt), and(eq(c.lastMessageAt, last.lastMessageAt), gt(c.id, last.id)))
        : gt(c.id, last.id);
      const [unsure] = await db
        .select({ id: c.id })
        .from(c)
        .where(and(...plain, beforeLast, notInArray(c.id, rows.map((row) => row.id)), hitOrder.hasMessageBelow(sql`${c.id}`, from)))
        .limit(1);
      if (!unsure) return rows;
    }
  }

  /**
   * The conditions of a conversation filter, shared by the list and its count. `statusIndexed`
   * false writes the status test so no index serves it: listing open work by activity, SQLite
   * otherwise reads every open conversation by the status index and sorts them all for one page,
   * where walking the activity index stops after the page (40 → 1 ms at 20,000 conversations).
   */
  function conversationWhere(filter: ConversationFilter, statusIndexed = true): (SQL | undefined)[] {
    const c = t.conversations;
    const status = statusIndexed ? sql`${c.status}` : sql`(${c.status} || '')`;
    const where: (SQL | undefined)[] = [
      filter.channel ? eq(c.channel, filter.channel) : undefined,
      filter.status ? sql`${status} = ${filter.status}` : undefined,
      filter.statuses ? sql`${status} in (${sql.join(filter.statuses.map((s) => sql`${s}`), sql`, `)})` : undefined,
      filter.owner ? eq(c.owner, filter.owner) : undefined,
      filter.route ? eq(c.route, filter.route) : undefined,
      filter.assigneeId ? eq(c.assigneeId, filter.assigneeId) : undefined,
      filter.unassigned ? isNull(c.assigneeId) : undefined,
      filter.contactId ? eq(c.contactId, filter.contactId) : undefined,
      filter.ids ? inArray(c.id, filter.ids.length ? filter.ids : ['']) : undefined,
      filter.labelId
        ? inArray(c.id, db.select({ id: t.conversationLabels.conversationId }).from(t.conversationLabels).where(eq(t.conversationLabels.labelId, filter.labelId)))
        : undefined,
      filter.since !== undefined ? gt(c.lastMessageAt, filter.since) : undefined,
      filter.until !== undefined ? lte(c.createdAt, filter.until) : undefined,
      filter.before ? lt(c.id, filter.before) : undefined,
      filter.after
        ? or(lt(c.lastMessageAt, filter.after.lastMessageAt), and(eq(c.lastMessageAt, filter.after.lastMessageAt), lt(c.id, filter.after.id)))
        : undefined,
    ];
    const search = filter.search?.trim();
    if (search) where.push(sql`${c.id} in (${conversationsFound(search)})`);
    return where;
  }

  /** A tallied filter (tallied.ts) as a condition on conversation_tallies. `ids: []` is the false condition. */
  function tallyWhere(filter: ConversationFilter): SQL {
    const { channel, status, statuses, owner, route, assigneeId, unassigned, ids } = filter;
    const tl = t.conversationTallies;
    const conditions = [
      ids ? sql`1 = 0` : undefined,
      channel ? eq(tl.channel, channel) : undefined,
      status ? eq(tl.status, status) : undefined,
      statuses ? (statuses.length ? inArray(tl.status, statuses) : sql`1 = 0`) : undefined,
      owner ? eq(tl.owner, owner) : undefined,
      route ? eq(tl.route, route) : undefined,
      assigneeId ? eq(tl.assigneeId, assigneeId) : undefined,
      unassigned ? eq(tl.assigneeId, '') : undefined,
    ];
    return and(...conditions) ?? sql`1 = 1`;
  }

  /** The inbox tabs' counts from conversation_tallies, when the filter and every part are tallied. */
  async function countTallied<K extends string>(filter: ConversationFilter, parts: Record<K, ConversationFilter>) {
    if (!countsFromTallies(filter, parts)) return null;
    const where = tallyWhere(filter);
    const partWhere = Object.entries<ConversationFilter>(parts).map(([name, part]) => [name, tallyWhere(part)] as const);
    const n = t.conversationTallies.n;
    const columns = Object.fromEntries(partWhere.map(([name, condition]) => [name, sql<number>`coalesce(sum(case when ${condition} then ${n} else 0 end), 0)`.mapWith(Number)]));
    const [row] = await db.select(columns).from(t.conversationTallies).where(where);
    return row as Record<K, number>;
  }

  /** For each named part, how many conversations match both `where` and the part, in one pass. */
  async function countEach<K extends string>(where: (SQL | undefined)[], parts: Record<K, ConversationFilter>) {
    const columns = Object.fromEntries(
      Object.entries<ConversationFilter>(parts).map(([name, part]) => [
        name,
        sql<number>`coalesce(sum(case when ${and(...conversationWhere(part)) ?? sql`1 = 1`} then 1 else 0 end), 0)`.mapWith(Number),
      ]),
    );
    const [row] = await db.select(columns).from(t.conversations).where(and(...where));
    return row as Record<K, number>;
  }

  const repository: Repository = {
    // ── contacts ──
    async createContact(input) {
      const [row] = await db.insert(t.contacts).values({ ...input, updatedAt: input.createdAt }).returning();
      return row!;
    },
    async getContact(id) {
      return first(await hot('getContact', () => db.select().from(t.contacts).where(eq(t.contacts.id, p('id'))).limit(1)).execute({ id }));
    },
    async updateContact(id, patch, now) {
      await db.update(t.contacts).set({ ...patch, updatedAt: now }).where(eq(t.contacts.id, id));
    },
    async findIdentity(channel, address) {
      const query = hot('findIdentity', () =>
        db
          .select()
          .from(t.contactIdentities)
          .where(and(eq(t.contactIdentities.channel, p('channel')), eq(t.contactIdentities.address, p('address'))))
          .limit(1),
      );
      return first(await query.execute({ channel, address }));
    },
    async contactAt(channel, address) {
      const query = hot('contactAt', () =>
        db
          .select({ id: t.contacts.id, name: t.contacts.name, email: t.contacts.email, createdAt: t.contacts.createdAt, updatedAt: t.contacts.updatedAt })
          .from(t.contactIdentities)
          .innerJoin(t.contacts, eq(t.contacts.id, t.contactIdentities.contactId))
          .where(and(eq(t.contactIdentities.channel, p('channel')), eq(t.contactIdentities.address, p('address'))))
          .limit(1),
      );
      return first(await query.execute({ channel, address }));
    },
    async findContactByEmail(email) {
      const viaIdentity = await db
        .select({ contactId: t.contactIdentities.contactId })
        .from(t.contactIdentities)
        .where(and(eq(t.contactIdentities.channel, 'email'), eq(t.contactIdentities.address, email)))
        .limit(1);
      const id = viaIdentity[0]?.contactId;
      const where = id ? eq(t.contacts.id, id) : eq(t.contacts.email, email);
      return first(await db.select().from(t.contacts).where(where).orderBy(asc(t.contacts.id)).limit(1));
    },
    async createIdentity(input) {
      const [row] = await db.insert(t.contactIdentities).values(input).onConflictDoNothing().returning();
      if (row) return row;
      // Another writer stored this address first; ON CONFLICT waited for it to commit, so it is visible now.
      const [existing] = await db
        .select()
        .from(t.contactIdentities)
        .where(and(eq(t.contactIdentities.channel, input.channel), eq(t.contactIdentities.address, input.address)))
        .limit(1);
      return existing!;
    },
    async deleteContact(id) {
      await db.delete(t.contacts).where(eq(t.contacts.id, id));
    },
    async listIdentities(contactId) {
      return hot('listIdentities', () => db.select().from(t.contactIdentities).where(eq(t.contactIdentities.contactId, p('contactId')))).execute({ contactId });
    },
    async contactsSharing(emails, phones) {
      const list = (values: string[]) => sql.join(values.map((value) => sql`${value}`), sql`, `);
      // One set of ids, each source read by its index: as an OR of conditions, PostgreSQL walked
      // every contact in id order testing them (90 ms at 100,000 contacts, on every conversation view).
      const sources: SQL[] = [];
      if (emails.length) {
        sources.push(sql`select id from contacts where email in (${list(emails)})`);
        sources.push(sql`select contact_id from contact_identities where channel = 'email' and address in (${list(emails)})`);
      }
      if (phones.length) sources.push(sql`select contact_id from contact_identities where channel = 'sms' and address in (${list(phones)})`);
      if (sources.length === 0) return [];
      return db.select().from(t.contacts).where(sql`${t.contacts.id} in (${sql.join(sources, sql` union all `)})`).orderBy(asc(t.contacts.id)).limit(20);
    },
    async mergeContacts(fromId, intoId, now) {
      const both = await db.select().from(t.contacts).where(inArray(t.contacts.id, [fromId, intoId]));
      const from = both.find((c) => c.id === fromId);
      const into = both.find((c) => c.id === intoId);
      if (!from || !into || fromId === intoId) return null;
      await db.update(t.contactIdentities).set({ contactId: intoId }).where(eq(t.contactIdentities.contactId, fromId));
      await db.update(t.conversations).set({ contactId: intoId }).where(eq(t.conversations.contactId, fromId));
      await db.update(t.contactNotes).set({ contactId: intoId }).where(eq(t.contactNotes.contactId, fromId));
      await db
        .update(t.messages)
        .set({ authorId: intoId })
        .where(and(eq(t.messages.authorKind, 'contact'), eq(t.messages.authorId, fromId)));
      const patch = { name: into.name ?? from.name, email: into.email ?? from.email, updatedAt: now };
      await db.update(t.contacts).set(patch).where(eq(t.contacts.id, intoId));
      await db.delete(t.contacts).where(eq(t.contacts.id, fromId));
      return { ...into, ...patch };
    },

    async lockKey(key) {
      await dialect.lockKey(db, key);
    },

    // ── conversations ──
    async createConversation(input) {
      const [row] = await db.insert(t.conversations).values(input).returning();
      return row!;
    },
    async getConversation(id) {
      return first(await hot('getConversation', () => db.select().from(t.conversations).where(eq(t.conversations.id, p('id'))).limit(1)).execute({ id }));
    },
    async conversationWithCustomer(id) {
      const c = t.conversations;
      const i = t.contactIdentities;
      // The one rule of where a reply goes: the contact's first identity (oldest, then by id) on the conversation's channel.
      const query = hot('conversationWithCustomer', () =>
        db
          .select({ conversation: c, customer: { address: i.address, displayName: i.displayName } })
          .from(c)
          .leftJoin(i, eq(i.id, sql`(select ci.id from contact_identities ci
            where ci.contact_id = ${c.contactId} and ci.channel = ${c.channel} order by ci.created_at, ci.id limit 1)`))
          .where(eq(c.id, p('id')))
          .limit(1),
      );
      return first(await query.execute({ id }));
    },
    async conversationFromSender(conversationId, channel, address) {
      const c = t.conversations;
      const i = t.contactIdentities;
      // A row per identity of the sender (the contact holding the address), or one without any.
      const query = hot('conversationFromSender', () =>
        db
          .select({
            conversation: c,
            sender: { id: t.contacts.id, name: t.contacts.name, email: t.contacts.email, createdAt: t.contacts.createdAt, updatedAt: t.contacts.updatedAt },
            identity: i,
            ticketsWaiting: sql<boolean>`exists (select 1 from tickets tk where tk.conversation_id = conversations.id and tk.status = 'waiting')`.mapWith(Boolean),
          })
          .from(c)
          .leftJoin(i, eq(i.contactId, sql`(select ci.contact_id from contact_identities ci where ci.channel = ${p('channel')} and ci.address = ${p('address')})`))
          .leftJoin(t.contacts, eq(t.contacts.id, i.contactId))
          .where(eq(c.id, p('conversationId')))
          .orderBy(asc(i.createdAt), asc(i.id)),
      );
      const rows = await query.execute({ conversationId, channel, address });
      const [row] = rows;
      if (!row) return null;
      const senderIdentities = rows.flatMap((r) => (r.identity ? [r.identity] : []));
      return { conversation: row.conversation, sender: row.sender, senderIdentities, ticketsWaiting: row.ticketsWaiting };
    },
    async updateConversation(id, patch) {
      const { keys, values } = patchOf(patch);
      const query = hot(`updateConversation:${keys}`, () =>
        db.update(t.conversations).set(placeholders(keys)).where(eq(t.conversations.id, p('_id'))).returning(),
      );
      return first(await query.execute({ ...values, _id: id }));
    },
    async latestByThreadKey(channel, threadKey) {
      return first(
        await db
          .select()
          .from(t.conversations)
          .where(and(eq(t.conversations.channel, channel), eq(t.conversations.threadKey, threadKey)))
          .orderBy(desc(t.conversations.id))
          .limit(1),
      );
    },
    async findByProviderMessageIds(channel, providerIds) {
      if (providerIds.length === 0) return null;
      const hit = await db
        .select({ conversationId: t.messages.conversationId })
        .from(t.messages)
        .where(and(eq(t.messages.channel, channel), inArray(t.messages.providerMessageId, providerIds)))
        .orderBy(desc(t.messages.id))
        .limit(1);
      if (!hit[0]) return null;
      return first(await db.select().from(t.conversations).where(eq(t.conversations.id, hit[0].conversationId)).limit(1));
    },
    async latestBySubject(contactId, channel, subjectKey, since) {
      return first(
        await db
          .select()
          .from(t.conversations)
          .where(
            and(
              eq(t.conversations.contactId, contactId),
              eq(t.conversations.channel, channel),
              eq(t.conversations.subjectKey, subjectKey),
              gt(t.conversations.lastMessageAt, since),
            ),
          )
          .orderBy(desc(t.conversations.id))
          .limit(1),
      );
    },
    async listConversations(filter: ConversationFilter) {
      const search = filter.search?.trim();
      if (search && dialect.hitOrder && searchTerms(search).length > 0) return searchPage(filter, search, dialect.hitOrder);
      const c = t.conversations;
      const query = db.select().from(c).where(and(...conversationWhere(filter, filter.order !== 'activity'))).$dynamic();
      const ordered = filter.order === 'activity' ? query.orderBy(desc(c.lastMessageAt), desc(c.id)) : query.orderBy(desc(c.id));
      return ordered.limit(clampLimit(filter.limit));
    },
    async idleBotConversations(before, limit) {
      const c = t.conversations;
      return db
        .select()
        .from(c)
        .where(and(eq(c.status, 'open'), eq(c.owner, 'bot'), lt(c.lastMessageAt, before)))
        .orderBy(asc(c.lastMessageAt))
        .limit(limit);
    },

    // ── messages ──
    async insertMessage(input) {
      const query = hot('insertMessage', () =>
        db
          .insert(t.messages)
          .values(Object.fromEntries(MESSAGE_COLUMNS.map((column) => [column, p(column)])) as unknown as typeof t.messages.$inferInsert)
          .onConflictDoNothing()
          .returning(),
      );
      const rows = await query.execute({ attempts: 0, error: null, ...input });
      return (rows[0] as Message | undefined) ?? null;
    },
    async appendMessage(input) {
      const row = { attempts: 0, error: null, ...input.message } as Message;
      if (dialect.chainsWrites) {
        const conversation = await appendInOneStatement(input, row);
        return conversation && { conversation: conversation as Conversation, message: row };
      }
      // One after another, all or nothing: a duplicate undoes the conversation's update.
      const notAppended = new Error('not appended');
      return dialect
        .atomically(db, async () => {
          if (input.claim && !(await repository.claimInbound(input.claim.messageId, input.claim.status, input.claim.answeredBy))) throw notAppended;
          const conversation = await repository.updateConversation(input.conversationId, input.patch);
          const message = conversation && (await repository.insertMessage(input.message));
          if (!conversation || !message) throw notAppended;
          await repository.insertEvents(input.events);
          return { conversation, message };
        })
        .catch((error) => (error === notAppended ? null : Promise.reject(error)));
    },
    async getMessage(id) {
      return first(await hot('getMessage', () => db.select().from(t.messages).where(eq(t.messages.id, p('id'))).limit(1)).execute({ id }));
    },
    async findMessageByProviderId(channel, providerMessageId) {
      const query = hot('findMessageByProviderId', () =>
        db
          .select()
          .from(t.messages)
          .where(and(eq(t.messages.channel, p('channel')), eq(t.messages.providerMessageId, p('providerMessageId'))))
          .limit(1),
      );
      return first(await query.execute({ channel, providerMessageId }));
    },
    async listMessages(conversationId, opts = {}) {
      const m = t.messages;
      return db
        .select()
        .from(m)
        .where(
          and(
            eq(m.conversationId, conversationId),
            opts.after ? gt(m.id, opts.after) : undefined,
            opts.includeInternal ? undefined : eq(m.internal, false),
          ),
        )
        .orderBy(asc(m.id))
        .limit(clampLimit(opts.limit, 100));
    },
    async recentMessages(conversationId, limit) {
      const query = hot('recentMessages', () =>
        db
          .select()
          .from(t.messages)
          .where(eq(t.messages.conversationId, p('conversationId')))
          .orderBy(desc(t.messages.id))
          .limit(p('limit') as unknown as number),
      );
      return (await query.execute({ conversationId, limit })).reverse();
    },
    async updateMessage(id, patch) {
      const { keys, values } = patchOf(patch);
      await hot(`updateMessage:${keys}`, () => db.update(t.messages).set(placeholders(keys)).where(eq(t.messages.id, p('_id')))).execute({
        ...values,
        _id: id,
      });
    },
    async claimInbound(id, status, answeredBy) {
      const { keys, values } = claimPatchOf({ status, answeredBy });
      const query = hot(`claimInbound:${keys}`, () => claimQuery(p('_id'), placeholders(keys)));
      return (await query.execute({ ...values, _id: id })).length === 1;
    },
    async pendingInbound(before, limit) {
      return db
        .select()
        .from(t.messages)
        .where(and(eq(t.messages.agentStatus, 'pending'), lt(t.messages.createdAt, before)))
        .orderBy(asc(t.messages.createdAt))
        .limit(limit);
    },
    async insertAttachments(messageId, items, now) {
      if (items.length === 0) return [];
      const rows = items.map((a, i) => ({
        id: `${messageId}-${i}`,
        messageId,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        url: a.url ?? null,
        data: a.data ? Buffer.from(a.data) : null,
        createdAt: now,
      }));
      return db.insert(t.attachments).values(rows).returning(attachmentColumns);
    },
    async listAttachments(messageIds) {
      if (messageIds.length === 0) return [];
      return db.select(attachmentColumns).from(t.attachments).where(inArray(t.attachments.messageId, messageIds));
    },
    async getAttachmentData(id) {
      const row = first(await db.select().from(t.attachments).where(eq(t.attachments.id, id)).limit(1));
      if (!row) return null;
      const { data, ...attachment } = row;
      return { attachment: attachment as Attachment, data: data ? new Uint8Array(data) : null };
    },

    // ── tickets ──
    async createTicket(input) {
      // The number and the ticket are written together: a failed insert gives the number back.
      return dialect.atomically(db, async (tx) => {
        const number = await dialect.nextTicketNumber(tx);
        const [row] = await tx.insert(t.tickets).values({ ...input, number }).returning();
        return row!;
      });
    },
    async getTicket(id) {
      return first(await db.select().from(t.tickets).where(eq(t.tickets.id, id)).limit(1));
    },
    async getTicketByNumber(number) {
      return first(await db.select().from(t.tickets).where(eq(t.tickets.number, number)).limit(1));
    },
    async updateTicket(id, patch, actorId = null) {
      return dialect.atomically(db, async (tx) => {
        const before = first(await tx.select().from(t.tickets).where(eq(t.tickets.id, id)).limit(1));
        if (!before) return null;
        const after = first(await tx.update(t.tickets).set(patch).where(eq(t.tickets.id, id)).returning())!;
        const changes = TICKET_FIELDS.filter((field) => before[field] !== after[field]).map((field) => ({
          id: newId(),
          ticketId: id,
          field,
          fromValue: before[field],
          toValue: after[field],
          actorId,
          createdAt: after.updatedAt,
        }));
        if (changes.length > 0) await tx.insert(t.ticketEvents).values(changes);
        return after;
      });
    },
    async listTicketEvents(ticketId) {
      const e = t.ticketEvents;
      return db.select().from(e).where(eq(e.ticketId, ticketId)).orderBy(asc(e.createdAt), asc(e.id));
    },
    async listTickets(filter: TicketFilter) {
      const k = t.tickets;
      return db
        .select()
        .from(k)
        .where(
          and(
            filter.status ? eq(k.status, filter.status) : undefined,
            filter.assigneeId ? eq(k.assigneeId, filter.assigneeId) : undefined,
            filter.conversationId ? eq(k.conversationId, filter.conversationId) : undefined,
            filter.contactId
              ? inArray(k.conversationId, db.select({ id: t.conversations.id }).from(t.conversations).where(eq(t.conversations.contactId, filter.contactId)))
              : undefined,
            filter.priority ? eq(k.priority, filter.priority) : undefined,
            filter.before ? lt(k.id, filter.before) : undefined,
          ),
        )
        .orderBy(desc(k.id))
        .limit(clampLimit(filter.limit));
    },

    // ── exports ──
    async exportPage<K extends ExportKind>(kind: K, page: ExportPage) {
      // Typed as one table for the builder (a union of tables is not selectable); each has id and createdAt.
      const table = { conversations: t.conversations, messages: t.messages, tickets: t.tickets, metrics: t.events }[kind] as typeof t.messages;
      const rows = await db
        .select()
        .from(table)
        .where(and(gte(table.createdAt, page.from), lt(table.createdAt, page.to), page.after === null ? undefined : gt(table.id, page.after)))
        .orderBy(asc(table.id))
        .limit(Math.max(1, Math.min(page.limit, MAX_EXPORT_PAGE)));
      return rows as unknown as ExportRows[K][];
    },

    // ── outbox ──
    async enqueue(job) {
      await db.insert(t.outbox).values(job).onConflictDoNothing();
    },
    async claimJob(id, now, leaseMs) {
      const o = t.outbox;
      const query = hot('claimJob', () =>
        db
          .update(o)
          .set({ ...claimPatch(p('until') as unknown as number, p('now') as unknown as number) })
          .where(and(eq(o.id, p('id')), eq(o.status, 'pending'), lte(o.runAt, p('now')), or(isNull(o.lockedUntil), lt(o.lockedUntil, p('now')))))
          .returning(),
      );
      return first(await query.execute({ id, now, until: now + leaseMs }));
    },
    async claimDueJobs(now, leaseMs, limit) {
      const o = t.outbox;
      const due = db
        .select({ id: o.id })
        .from(o)
        .where(and(eq(o.status, 'pending'), lte(o.runAt, now), or(isNull(o.lockedUntil), lt(o.lockedUntil, now))))
        .orderBy(asc(o.runAt))
        .limit(limit)
        .$dynamic();
      return db
        .update(o)
        .set(claimPatch(now + leaseMs, now))
        .where(inArray(o.id, dialect.lockDueJobs(due)))
        .returning();
    },
    async finishJob(id, patch) {
      const { now, ...rest } = patch;
      await db.update(t.outbox).set({ ...rest, lockedUntil: null, sendingSince: null, updatedAt: now }).where(eq(t.outbox.id, id));
    },
    async listJobs(filter) {
      const o = t.outbox;
      return db
        .select()
        .from(o)
        .where(
          and(
            filter.status ? eq(o.status, filter.status) : undefined,
            filter.kind ? eq(o.kind, filter.kind) : undefined,
            filter.subscriptionId ? eq(o.subscriptionId, filter.subscriptionId) : undefined,
            filter.before ? lt(o.id, filter.before) : undefined,
          ),
        )
        .orderBy(desc(o.id))
        .limit(clampLimit(filter.limit));
    },
    async requeueFailedJob(messageId, now) {
      const o = t.outbox;
      const rows = await db
        .update(o)
        .set({ status: 'pending', runAt: now, lockedUntil: null, sendingSince: null, lastError: null, createdAt: now, updatedAt: now })
        .where(and(eq(o.messageId, messageId), eq(o.status, 'failed')))
        .returning();
      return first(rows);
    },

    async countPendingJobs() {
      const [row] = await db.select({ n: count().mapWith(Number) }).from(t.outbox).where(eq(t.outbox.status, 'pending'));
      return row?.n ?? 0;
    },
    async oldestPendingJobAt() {
      const [row] = await db.select({ at: min(t.outbox.createdAt) }).from(t.outbox).where(eq(t.outbox.status, 'pending'));
      return row?.at === null || row?.at === undefined ? null : Number(row.at);
    },

    // ── outgoing webhooks ──
    async createWebhookSubscription(input) {
      const [row] = await db.insert(t.webhookSubscriptions).values(input).returning();
      return row!;
    },
    async getWebhookSubscription(id) {
      return first(await db.select().from(t.webhookSubscriptions).where(eq(t.webhookSubscriptions.id, id)).limit(1));
    },
    async listWebhookSubscriptions() {
      return db.select().from(t.webhookSubscriptions).orderBy(asc(t.webhookSubscriptions.id));
    },
    async activeWebhookSubscriptions() {
      const w = t.webhookSubscriptions;
      return hot('activeWebhookSubscriptions', () => db.select().from(w).where(eq(w.active, true))).execute();
    },
    async updateWebhookSubscription(id, patch) {
      const { now, ...rest } = patch;
      return first(await db.update(t.webhookSubscriptions).set({ ...rest, updatedAt: now }).where(eq(t.webhookSubscriptions.id, id)).returning());
    },
    async deleteWebhookSubscription(id) {
      const rows = await db.delete(t.webhookSubscriptions).where(eq(t.webhookSubscriptions.id, id)).returning({ id: t.webhookSubscriptions.id });
      return rows.length > 0;
    },
    async insertWebhookEvent(event) {
      await db.insert(t.webhookEvents).values(event);
    },
    async getWebhookEvent(id) {
      return first(await db.select().from(t.webhookEvents).where(eq(t.webhookEvents.id, id)).limit(1));
    },

    // ── metrics ──
    async insertEvents(list) {
      if (list.length === 0) return;
      const r = t.eventRollups;
      const addToRollup = {
        count: sql`${r.count} + excluded.count`,
        valueSum: sql`${r.valueSum} + excluded.value_sum`,
        valueCount: sql`${r.valueCount} + excluded.value_count`,
      };
      if (dialect.chainsWrites) {
        // One statement, so one round trip and atomic on its own: the events, and their sums added
        // to the day's rollups from what the insert returns, in this session's shard of them.
        const e = t.events;
        const insert = db.insert(e).values(list).returning({ createdAt: e.createdAt, channel: e.channel, type: e.type, actor: e.actor, value: e.value });
        await db.execute(sql`with inserted as ${insert} ${addToRollupsFrom(sql`inserted`)}`);
        return;
      }
      const insertEvent = hot('insertEvent', () =>
        db.insert(t.events).values(Object.fromEntries(EVENT_COLUMNS.map((column) => [column, p(column)])) as unknown as typeof t.events.$inferInsert),
      );
      const addRollup = hot('addRollup', () =>
        db
          .insert(r)
          .values(placeholders(['day', 'channel', 'type', 'actor', 'count', 'valueSum', 'valueCount']) as unknown as typeof r.$inferInsert)
          .onConflictDoUpdate({ target: [r.day, r.channel, r.type, r.actor], set: addToRollup }),
      );
      // The events and their rollups are written all or nothing, also outside a transaction.
      await dialect.atomically(db, async () => {
        for (const event of list) await insertEvent.execute({ ...event });
        for (const rollup of rollupsOf(list)) await addRollup.execute({ ...rollup });
      });
    },
    async aggregateEvents(since, until, channel) {
      const e = t.events;
      const r = t.eventRollups;
      // Whole UTC days inside the range come from the rollups; the partial days at either end,
      // from the events themselves.
      const days = daysOf(since, until);
      const [raw, rolled] = await Promise.all([
        db
          .select({
            channel: e.channel,
            type: e.type,
            actor: e.actor,
            count: count().mapWith(Number),
            valueSum: sql<number>`coalesce(sum(${e.value}), 0)`.mapWith(Number),
            valueCount: count(e.value).mapWith(Number),
          })
          .from(e)
          .where(and(days.partial(e.createdAt), channel ? eq(e.channel, channel) : undefined))
          .groupBy(e.channel, e.type, e.actor),
        days.wholeDays
          ? db
              .select({
                channel: r.channel,
                type: r.type,
                actor: r.actor,
                count: sql<number>`sum(${r.count})`.mapWith(Number),
                valueSum: sql<number>`sum(${r.valueSum})`.mapWith(Number),
                valueCount: sql<number>`sum(${r.valueCount})`.mapWith(Number),
              })
              .from(r)
              .where(and(days.whole(r.day), channel ? eq(r.channel, channel) : undefined))
              .groupBy(r.channel, r.type, r.actor)
          : [],
      ]);
      const merged = new Map<string, Omit<EventRollup, 'day'>>();
      for (const row of [...raw, ...rolled]) {
        const key = `${row.channel}|${row.type}|${row.actor}`;
        const sumSoFar = merged.get(key);
        if (!sumSoFar) merged.set(key, { ...row });
        else {
          sumSoFar.count += row.count;
          sumSoFar.valueSum += row.valueSum;
          sumSoFar.valueCount += row.valueCount;
        }
      }
      return [...merged.values()].map(
        ({ valueSum, valueCount, ...row }): EventAggregate => ({ ...row, avgValue: valueCount === 0 ? null : valueSum / valueCount }),
      );
    },
    async dailyVolume(since, until, channel) {
      const c = t.conversations;
      const r = t.conversationRollups;
      // Integer division gives the UTC day in both dialects; the constant is inlined so the grouped
      // expression and the selected one are the same text.
      const day = sql<number>`${c.createdAt} / ${sql.raw(String(DAY_MS))} * ${sql.raw(String(DAY_MS))}`.mapWith(Number);
      // Whole days from the rollups (kept by triggers, see conversationRollups), the partial days
      // at either end from the conversations; no day is in both.
      const days = daysOf(since, until);
      const rolledCount = sql<number>`sum(${r.count})`.mapWith(Number);
      const [partial, rolled] = await Promise.all([
        db
          .select({ day, channel: c.channel, count: count().mapWith(Number) })
          .from(c)
          .where(and(days.partial(c.createdAt), channel ? eq(c.channel, channel) : undefined))
          .groupBy(day, c.channel),
        days.wholeDays
          ? db
              .select({ day: sql<number>`${r.day}`.mapWith(Number), channel: r.channel, count: rolledCount })
              .from(r)
              .where(and(days.whole(r.day), channel ? eq(r.channel, channel) : undefined))
              .groupBy(r.day, r.channel)
              .having(sql`sum(${r.count}) > 0`)
          : [],
      ]);
      return [...partial, ...rolled]
        .sort((a, b) => a.day - b.day || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0))
        .map((row) => ({ day: new Date(row.day).toISOString().slice(0, 10), channel: row.channel, count: row.count }));
    },
    async slaOutcomes(since, until, now, channel) {
      const k = t.tickets;
      type Column = typeof k.firstResponseDueAt | typeof k.resolutionDueAt | typeof k.firstResponseAt | typeof k.resolvedAt;
      const outcomes = async (target: SlaOutcome['target'], dueAt: Column, doneAt: Column) => {
        const day = sql<number>`${dueAt} / ${sql.raw(String(DAY_MS))} * ${sql.raw(String(DAY_MS))}`.mapWith(Number);
        const met = sql<number>`sum(case when ${doneAt} <= ${dueAt} then 1 else 0 end)`.mapWith(Number);
        // An open target is missed once due; one whose clock stopped (waiting on the customer) only if it was due before the pause.
        const stoppedAt = target === 'resolution' ? sql`coalesce(${k.pausedAt}, ${now})` : sql`${now}`;
        const missed = sql<number>`sum(case when ${doneAt} > ${dueAt} or (${doneAt} is null and ${dueAt} <= ${stoppedAt}) then 1 else 0 end)`.mapWith(Number);
        const rows = await db
          .select({ day, met, missed })
          .from(k)
          .where(
            and(
              gt(dueAt, since - 1),
              lte(dueAt, until),
              // Each ticket in the range looks its conversation up: listing the channel's conversations first read all of them.
              channel ? sql`exists (select 1 from ${t.conversations} where ${t.conversations.id} = ${k.conversationId} and ${t.conversations.channel} = ${channel})` : undefined,
            ),
          )
          .groupBy(day)
          .orderBy(day);
        return rows
          .filter((row) => row.met + row.missed > 0)
          .map((row) => ({ day: new Date(row.day).toISOString().slice(0, 10), target, met: row.met, missed: row.missed }));
      };
      const [first, resolution] = await Promise.all([
        outcomes('first_response', k.firstResponseDueAt, k.firstResponseAt),
        outcomes('resolution', k.resolutionDueAt, k.resolvedAt),
      ]);
      return [...first, ...resolution];
    },
    async agentActivity(since, until, channel) {
      const e = t.events;
      const c = t.conversations;
      const inRange = (column: typeof t.staffReplies.createdAt | typeof t.staffFirstResponses.createdAt) => and(gt(column, since - 1), lte(column, until));
      // Literals, not parameters: they repeat the predicate of the partial index events_staff_idx,
      // which a planner uses only when it can see that the query implies it.
      const resolvedByStaff = sql`${e.actor} = 'human' and ${e.type} = 'resolved'`;
      const s = t.staffReplies;
      const f = t.staffFirstResponses;
      const rr = t.resolutionRollups;
      const days = daysOf(since, until);
      const [handled, firstResponses, partialResolved, rolledResolved] = await Promise.all([
        // A conversation's first reply by the user in the range is the one whose previous reply is
        // not in it: counting those counts each conversation once (see staffReplies).
        db
          .select({ userId: s.userId, count: count().mapWith(Number) })
          .from(s)
          .where(and(inRange(s.createdAt), or(isNull(s.previousAt), lt(s.previousAt, since)), channel ? eq(s.channel, channel) : undefined))
          .groupBy(s.userId),
        // A human first response is recorded with its reply, at the same instant: that reply's
        // author gave it (the pairs are kept by triggers, see staffFirstResponses).
        db
          .select({ userId: f.userId, ms: f.ms })
          .from(f)
          .where(and(inRange(f.createdAt), channel ? eq(f.channel, channel) : undefined)),
        // Resolutions by the conversation's assignee: whole days from the rollups (kept by
        // triggers, see resolutionRollups), the partial days at either end from the events.
        db
          .select({ userId: c.assigneeId, count: count().mapWith(Number) })
          .from(e)
          .innerJoin(c, eq(c.id, e.conversationId))
          .where(and(resolvedByStaff, days.partial(e.createdAt), channel ? eq(e.channel, channel) : undefined))
          .groupBy(c.assigneeId),
        days.wholeDays
          ? db
              .select({ userId: rr.assigneeId, count: sql<number>`sum(${rr.count})`.mapWith(Number) })
              .from(rr)
              .where(and(days.whole(rr.day), channel ? eq(rr.channel, channel) : undefined))
              .groupBy(rr.assigneeId)
          : [],
      ]);
      // Events of unassigned conversations have no assignee to count them for.
      const resolved = new Map<string, number>();
      for (const r of [...partialResolved, ...rolledResolved]) if (r.userId !== null) resolved.set(r.userId, (resolved.get(r.userId) ?? 0) + r.count);
      return {
        handled,
        firstResponses: firstResponses.flatMap((r) => (r.ms === null ? [] : [{ userId: r.userId, ms: Number(r.ms) }])),
        // A rollup emptied by reassignments sums to nothing: no figure, as reading the events gives none.
        resolved: [...resolved].filter(([, n]) => n > 0).map(([userId, n]) => ({ userId, count: n })),
      } satisfies AgentActivity;
    },
    async insertCsat(input) {
      return first(await db.insert(t.csatResponses).values(input).onConflictDoNothing().returning());
    },
    async firstEventAt(conversationId, type) {
      const e = t.events;
      const rows = await db
        .select({ at: e.createdAt })
        .from(e)
        .where(and(eq(e.conversationId, conversationId), eq(e.type, type)))
        .orderBy(asc(e.id))
        .limit(1);
      return rows[0]?.at ?? null;
    },

    // ── knowledge base ──
    async upsertArticle(input) {
      const { now, id, tags, ...rest } = input;
      const values = { ...rest, tags: tags.join(', '), updatedAt: now };
      return dialect.atomically(db, async (tx) => {
        const [row] = await tx
          .insert(t.kbArticles)
          .values({ ...values, id: id ?? input.slug, createdAt: now })
          .onConflictDoUpdate({ target: t.kbArticles.slug, set: values })
          .returning(articleColumns);
        await replacePassages(tx, t, row!);
        return toArticle(row!);
      });
    },
    async deleteArticle(slug) {
      // Its passages go by the foreign key's cascade, their full-text rows with them.
      const rows = await db.delete(t.kbArticles).where(eq(t.kbArticles.slug, slug)).returning({ id: t.kbArticles.id });
      return rows.length > 0;
    },
    async searchKnowledge(query, limit) {
      const terms = searchTerms(query);
      if (terms.length === 0) return [];
      const hits = await dialect.searchKnowledge(db, terms, Math.max(limit, RERANK_CANDIDATES));
      if (hits.length === 0) return [];
      const rows = await db
        .select(articleColumns)
        .from(t.kbArticles)
        .where(inArray(t.kbArticles.id, hits.map((h) => h.id)));
      const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
      const candidates = hits.flatMap((h): KnowledgeHit[] => {
        const article = byId.get(h.id);
        return article ? [{ article, score: h.score }] : [];
      });
      return rerankByTitle(query, candidates, limit);
    },
    async searchPassages(query, limit) {
      const terms = searchTerms(query);
      if (terms.length === 0 || limit < 1) return [];
      const candidates = await dialect.searchPassages(db, terms, Math.max(limit, RERANK_CANDIDATES));
      return rerankPassages(query, candidates, limit);
    },
    async listArticles(opts) {
      const a = t.kbArticles;
      const query = db.select(articleColumns).from(a).where(opts?.after === undefined ? undefined : gt(a.slug, opts.after)).orderBy(asc(a.slug)).$dynamic();
      return (await (opts?.limit === undefined ? query : query.limit(clampLimit(opts.limit)))).map(toArticle);
    },
    async getArticle(slug) {
      return getArticle(slug);
    },
    async createArticle(input) {
      const { now, id, tags, ...rest } = input;
      return dialect.atomically(db, async (tx) => {
        const [row] = await tx
          .insert(t.kbArticles)
          .values({ ...rest, tags: tags.join(', '), id: id ?? input.slug, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning(articleColumns);
        if (!row) return null;
        await replacePassages(tx, t, row);
        return toArticle(row);
      });
    },
    async updateArticle(slug, input) {
      const a = t.kbArticles;
      const { now, ifUpdatedAt, title, body, tags } = input;
      // Strictly later than the previous save, so that ifUpdatedAt tells two saves in one millisecond apart.
      const updatedAt = sql<number>`case when ${a.updatedAt} >= ${now} then ${a.updatedAt} + 1 else ${now} end`;
      // The article and its passages change together: a search never sees the new title beside old passages.
      const updated = await dialect.atomically(db, async (tx) => {
        const [row] = await tx
          .update(a)
          .set({ title, body, tags: tags.join(', '), updatedAt })
          .where(ifUpdatedAt === undefined ? eq(a.slug, slug) : and(eq(a.slug, slug), eq(a.updatedAt, ifUpdatedAt)))
          .returning(articleColumns);
        if (row) await replacePassages(tx, t, row);
        return row;
      });
      if (updated) return { status: 'updated', article: toArticle(updated) };
      const current = await getArticle(slug);
      return current ? { status: 'conflict', current } : { status: 'not_found' };
    },
    async knowledgeRevision() {
      const a = t.kbArticles;
      // Every save raises its row's updatedAt, so the sum changes with it; a delete changes the count.
      const [row] = await db.select({ n: count().mapWith(Number), newest: max(a.updatedAt), total: sum(a.updatedAt) }).from(a);
      return `${row?.n ?? 0}:${row?.newest ?? 0}:${row?.total ?? 0}`;
    },
    async countArticles() {
      const [row] = await db.select({ n: count().mapWith(Number) }).from(t.kbArticles);
      return row?.n ?? 0;
    },

    // ── demo store orders ──
    async upsertOrder(order) {
      const { id, ...rest } = order;
      await db.insert(t.orders).values(order).onConflictDoUpdate({ target: t.orders.id, set: rest });
    },
    async getOrder(id) {
      return first(await hot('getOrder', () => db.select().from(t.orders).where(eq(t.orders.id, p('id'))).limit(1)).execute({ id })) as Order | null;
    },
    async ordersForEmail(email) {
      // On the message path: the engine's order lookups.
      const query = hot('ordersForEmail', () => db.select().from(t.orders).where(eq(t.orders.contactEmail, p('email'))).orderBy(desc(t.orders.placedAt)).limit(20));
      return (await query.execute({ email })) as Order[];
    },

    // ── staff ──
    async createUser(input) {
      const [row] = await db.insert(t.users).values(input).returning();
      return row!;
    },
    async getUser(id) {
      return first(await db.select().from(t.users).where(eq(t.users.id, id)).limit(1));
    },
    async findUserByEmail(email) {
      return first(await db.select().from(t.users).where(eq(t.users.email, email)).limit(1));
    },
    async findUserBySlackId(slackUserId) {
      return first(await db.select().from(t.users).where(eq(t.users.slackUserId, slackUserId)).limit(1));
    },
    async updateUser(id, patch) {
      await db.update(t.users).set(patch).where(eq(t.users.id, id));
    },
    async takeAssignmentTurn() {
      // The bump comes first: its row lock orders concurrent assigners before they read who is in.
      const turns = t.assignmentTurns;
      const [turn] = await db
        .insert(turns)
        .values({ id: 1, value: 1 })
        .onConflictDoUpdate({ target: turns.id, set: { value: sql`${turns.value} + 1` } })
        .returning({ value: turns.value });
      const u = t.users;
      const candidates = await db.select().from(u).where(and(eq(u.available, true), isNull(u.disabledAt))).orderBy(asc(u.id));
      return candidates.length === 0 ? null : candidates[(turn!.value - 1) % candidates.length]!;
    },
    async createApiToken(input) {
      const [row] = await db.insert(t.apiTokens).values(input).returning();
      return row!;
    },
    async findApiTokenByHash(tokenHash) {
      return first(await db.select().from(t.apiTokens).where(eq(t.apiTokens.tokenHash, tokenHash)).limit(1));
    },
    async touchApiToken(id, now) {
      await db.update(t.apiTokens).set({ lastUsedAt: now }).where(eq(t.apiTokens.id, id));
    },
    async revokeApiToken(tokenHash, now) {
      await db.update(t.apiTokens).set({ revokedAt: now }).where(and(eq(t.apiTokens.tokenHash, tokenHash), isNull(t.apiTokens.revokedAt)));
    },
    async listUsers() {
      return db.select().from(t.users).orderBy(asc(t.users.name));
    },
    async hasUsers() {
      return (await db.select({ id: t.users.id }).from(t.users).limit(1)).length > 0;
    },
    async listApiTokens() {
      return db.select().from(t.apiTokens).orderBy(desc(t.apiTokens.createdAt), desc(t.apiTokens.id));
    },
    async revokeApiTokenById(id, now) {
      const a = t.apiTokens;
      const rows = await db.update(a).set({ revokedAt: now }).where(and(eq(a.id, id), isNull(a.revokedAt))).returning({ id: a.id });
      return rows.length > 0;
    },
    async revokeUserTokens(userId, now) {
      const a = t.apiTokens;
      const rows = await db.update(a).set({ revokedAt: now }).where(and(eq(a.userId, userId), isNull(a.revokedAt))).returning({ id: a.id });
      return rows.length;
    },

    // ── provider bookkeeping ──
    async markProcessed(provider, key, now) {
      const rows = await db
        .insert(t.processedEvents)
        .values({ provider, key, createdAt: now })
        .onConflictDoNothing()
        .returning({ key: t.processedEvents.key });
      return rows.length === 1;
    },
    async setOptOut(channel, address, optedOut, now) {
      if (optedOut) {
        await db.insert(t.optOuts).values({ channel, address, createdAt: now }).onConflictDoNothing();
      } else {
        await db.delete(t.optOuts).where(and(eq(t.optOuts.channel, channel), eq(t.optOuts.address, address)));
      }
    },
    async isOptedOut(channel, address) {
      const query = hot('isOptedOut', () =>
        db
          .select({ a: t.optOuts.address })
          .from(t.optOuts)
          .where(and(eq(t.optOuts.channel, p('channel')), eq(t.optOuts.address, p('address'))))
          .limit(1),
      );
      return (await query.execute({ channel, address })).length > 0;
    },
    async getCursor(scope, key) {
      const rows = await db
        .select({ value: t.channelCursors.value })
        .from(t.channelCursors)
        .where(and(eq(t.channelCursors.scope, scope), eq(t.channelCursors.key, key)))
        .limit(1);
      return rows[0]?.value ?? null;
    },
    async setCursor(scope, key, value, now) {
      await db
        .insert(t.channelCursors)
        .values({ scope, key, value, updatedAt: now })
        .onConflictDoUpdate({ target: [t.channelCursors.scope, t.channelCursors.key], set: { value, updatedAt: now } });
    },
    async acquireLease(name, holder, now, ttlMs) {
      const l = t.leases;
      const rows = await db
        .insert(l)
        .values({ name, holder, expiresAt: now + ttlMs })
        .onConflictDoUpdate({
          target: l.name,
          set: { holder, expiresAt: now + ttlMs },
          setWhere: or(eq(l.holder, holder), lt(l.expiresAt, now)),
        })
        .returning({ holder: l.holder });
      return rows[0]?.holder === holder;
    },
    async releaseLease(name, holder) {
      await db.delete(t.leases).where(and(eq(t.leases.name, name), eq(t.leases.holder, holder)));
    },
    async linkExternal({ conversationId, target, externalId, now }) {
      await db.insert(t.externalThreads).values({ conversationId, target, externalId, createdAt: now }).onConflictDoNothing();
    },
    async findByExternal(target, externalId) {
      const rows = await db
        .select({ id: t.externalThreads.conversationId })
        .from(t.externalThreads)
        .where(and(eq(t.externalThreads.target, target), eq(t.externalThreads.externalId, externalId)))
        .limit(1);
      return rows[0]?.id ?? null;
    },
    async externalIdsFor(conversationId, target) {
      const rows = await db
        .select({ id: t.externalThreads.externalId })
        .from(t.externalThreads)
        .where(and(eq(t.externalThreads.conversationId, conversationId), eq(t.externalThreads.target, target)))
        .orderBy(asc(t.externalThreads.createdAt));
      return rows.map((r) => r.id);
    },
    async insertRouteCorrection(input) {
      await db.insert(t.routeCorrections).values(input);
    },
    async listRouteCorrections() {
      return db
        .select({ text: t.routeCorrections.text, toRoute: t.routeCorrections.toRoute })
        .from(t.routeCorrections)
        .orderBy(asc(t.routeCorrections.id));
    },

    // ── the staff console's inbox ──
    async countConversationsBy<K extends string>(filter: ConversationFilter, parts: Record<K, ConversationFilter>, options: { enough?: number } = {}) {
      const base = { ...filter, before: undefined, after: undefined };
      const search = base.search?.trim();
      const hitOrder = dialect.hitOrder;
      const terms = search ? searchTerms(search) : [];
      if (!search) return { counts: (await countTallied(base, parts)) ?? (await countEach(conversationWhere(base), parts)), complete: true };
      if (!options.enough || !hitOrder || terms.length === 0) return { counts: await countEach(conversationWhere(base), parts), complete: true };
      // Hits newest first (searchPage), until enough conversations match or every hit is read.
      const plain = conversationWhere({ ...base, search: undefined });
      for (let step = 0; ; step++) {
        const { conversations, from } = await hitOrder.newestHits(db, terms, step);
        const { [ENOUGH]: matched, ...counts } = await countEach([...plain, sql`${t.conversations.id} in (${conversationsFound(search, conversations)})`], { ...parts, [ENOUGH]: {} });
        if (from === null) return { counts: counts as Record<K, number>, complete: true };
        if (matched! >= options.enough) return { counts: counts as Record<K, number>, complete: false };
      }
    },
    async summarizeConversations(conversationIds, userId) {
      if (conversationIds.length === 0) return [];
      const m = t.messages;
      const latestIds = db
        .select({ id: max(m.id) })
        .from(m)
        .where(and(inArray(m.conversationId, conversationIds), eq(m.internal, false)))
        .groupBy(m.conversationId);
      const r = t.conversationReads;
      const unreadWhere = and(inArray(m.conversationId, conversationIds), eq(m.direction, 'inbound'), eq(m.internal, false));
      const ownerIds = db.select({ id: t.conversations.contactId }).from(t.conversations).where(inArray(t.conversations.id, conversationIds));
      const [latest, unread, labelled, tickets, contacts, identities, owners] = await Promise.all([
        db
          .select({ id: m.id, conversationId: m.conversationId, text: m.text, direction: m.direction, authorKind: m.authorKind, createdAt: m.createdAt })
          .from(m)
          .where(inArray(m.id, latestIds)),
        userId
          ? db
              .select({ conversationId: m.conversationId, n: count().mapWith(Number) })
              .from(m)
              .leftJoin(r, and(eq(r.conversationId, m.conversationId), eq(r.userId, userId)))
              .where(and(unreadWhere, or(isNull(r.readAt), gt(m.createdAt, r.readAt))))
              .groupBy(m.conversationId)
          : db.select({ conversationId: m.conversationId, n: count().mapWith(Number) }).from(m).where(unreadWhere).groupBy(m.conversationId),
        db
          .select({ conversationId: t.conversationLabels.conversationId, id: t.labels.id, name: t.labels.name, color: t.labels.color, createdAt: t.labels.createdAt })
          .from(t.conversationLabels)
          .innerJoin(t.labels, eq(t.labels.id, t.conversationLabels.labelId))
          .where(inArray(t.conversationLabels.conversationId, conversationIds))
          .orderBy(asc(t.labels.name)),
        db
          .select({
            conversationId: t.tickets.conversationId,
            id: t.tickets.id,
            number: t.tickets.number,
            status: t.tickets.status,
            resolvedAt: t.tickets.resolvedAt,
            firstResponseDueAt: t.tickets.firstResponseDueAt,
            resolutionDueAt: t.tickets.resolutionDueAt,
            firstResponseAt: t.tickets.firstResponseAt,
            pausedAt: t.tickets.pausedAt,
          })
          .from(t.tickets)
          .where(inArray(t.tickets.conversationId, conversationIds))
          .orderBy(asc(t.tickets.number)),
        db.select({ id: t.contacts.id, name: t.contacts.name, email: t.contacts.email }).from(t.contacts).where(inArray(t.contacts.id, ownerIds)),
        db
          .select({ contactId: t.contactIdentities.contactId, channel: t.contactIdentities.channel, address: t.contactIdentities.address, displayName: t.contactIdentities.displayName })
          .from(t.contactIdentities)
          .where(inArray(t.contactIdentities.contactId, ownerIds))
          .orderBy(asc(t.contactIdentities.createdAt), asc(t.contactIdentities.id)),
        db.select({ id: t.conversations.id, contactId: t.conversations.contactId }).from(t.conversations).where(inArray(t.conversations.id, conversationIds)),
      ]);
      return conversationIds.map((conversationId) => {
        const last = latest.find((row) => row.conversationId === conversationId);
        const ticket = tickets.filter((row) => row.conversationId === conversationId).at(-1);
        const contactId = owners.find((row) => row.id === conversationId)?.contactId;
        return {
          conversationId,
          lastMessage: last ? { id: last.id, text: last.text, direction: last.direction, authorKind: last.authorKind, createdAt: last.createdAt } : null,
          unread: unread.find((row) => row.conversationId === conversationId)?.n ?? 0,
          labels: labelled.filter((row) => row.conversationId === conversationId).map(({ conversationId: _, ...label }) => label),
          ticket: ticket ? (({ conversationId: _, ...rest }) => rest)(ticket) : null,
          contact: contacts.find((row) => row.id === contactId) ?? null,
          identities: identities.filter((row) => row.contactId === contactId).map(({ contactId: _, ...identity }) => identity),
        };
      });
    },
    async markRead(conversationId, userId, at) {
      const r = t.conversationReads;
      await db
        .insert(r)
        .values({ conversationId, userId, readAt: at })
        // Reading never moves the mark back (two tabs, a late request).
        .onConflictDoUpdate({ target: [r.userId, r.conversationId], set: { readAt: at }, setWhere: lt(r.readAt, at) });
    },

    // ── labels ──
    async listLabels() {
      return db.select().from(t.labels).orderBy(asc(t.labels.name));
    },
    async getLabel(id) {
      return first(await db.select().from(t.labels).where(eq(t.labels.id, id)).limit(1));
    },
    async createLabel(input) {
      return first(await db.insert(t.labels).values(input).onConflictDoNothing().returning());
    },
    async updateLabel(id, patch) {
      const l = t.labels;
      if (patch.name !== undefined) {
        const [taken] = await db.select({ id: l.id }).from(l).where(and(eq(l.name, patch.name), sql`${l.id} <> ${id}`)).limit(1);
        if (taken) return 'conflict';
      }
      const { values } = patchOf(patch);
      if (Object.keys(values).length === 0) return first(await db.select().from(l).where(eq(l.id, id)).limit(1));
      return first(await db.update(l).set(values).where(eq(l.id, id)).returning());
    },
    async deleteLabel(id) {
      // Its conversation_labels rows go by the foreign key's cascade.
      return (await db.delete(t.labels).where(eq(t.labels.id, id)).returning({ id: t.labels.id })).length > 0;
    },
    async addConversationLabel(conversationId, labelId, now) {
      await db.insert(t.conversationLabels).values({ conversationId, labelId, createdAt: now }).onConflictDoNothing();
    },
    async removeConversationLabel(conversationId, labelId) {
      await db
        .delete(t.conversationLabels)
        .where(and(eq(t.conversationLabels.conversationId, conversationId), eq(t.conversationLabels.labelId, labelId)));
    },

    // ── canned replies ──
    async listCannedReplies(search) {
      const r = t.cannedReplies;
      const text = search?.trim().toLowerCase();
      const pattern = text ? `%${text.replace(/[%_\\]/g, (m) => `\\${m}`)}%` : null;
      return db
        .select()
        .from(r)
        .where(pattern ? or(sql`lower(${r.shortcut}) like ${pattern} escape '\\'`, sql`lower(${r.title}) like ${pattern} escape '\\'`) : undefined)
        .orderBy(asc(r.shortcut))
        .limit(MAX_LIST);
    },
    async getCannedReply(id) {
      return first(await db.select().from(t.cannedReplies).where(eq(t.cannedReplies.id, id)).limit(1));
    },
    async createCannedReply(input) {
      return first(await db.insert(t.cannedReplies).values(input).onConflictDoNothing().returning());
    },
    async updateCannedReply(id, patch) {
      const r = t.cannedReplies;
      if (patch.shortcut !== undefined) {
        const [taken] = await db.select({ id: r.id }).from(r).where(and(eq(r.shortcut, patch.shortcut), sql`${r.id} <> ${id}`)).limit(1);
        if (taken) return 'conflict';
      }
      return first(await db.update(r).set(patchOf(patch).values).where(eq(r.id, id)).returning());
    },
    async deleteCannedReply(id) {
      return (await db.delete(t.cannedReplies).where(eq(t.cannedReplies.id, id)).returning({ id: t.cannedReplies.id })).length > 0;
    },

    // ── contact notes ──
    async listContactNotes(contactId) {
      return db.select().from(t.contactNotes).where(eq(t.contactNotes.contactId, contactId)).orderBy(desc(t.contactNotes.id)).limit(MAX_LIST);
    },
    async createContactNote(input) {
      const [row] = await db.insert(t.contactNotes).values(input).returning();
      return row!;
    },
    async deleteContactNote(contactId, noteId) {
      const n = t.contactNotes;
      return (await db.delete(n).where(and(eq(n.id, noteId), eq(n.contactId, contactId))).returning({ id: n.id })).length > 0;
    },
  };
  return repository;
}
