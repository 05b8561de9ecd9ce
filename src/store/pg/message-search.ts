/**
 * Inbox search on PostgreSQL: the conversations with a message holding every term as a word
 * prefix ("refund" finds "refunded"), by the GIN expression index messages_text_search_idx
 * (migrations/pg/0007_console_inbox.sql). The 'simple' configuration keeps words as they are, so
 * names and words of every language are found; the text is split at every non-alphanumeric
 * character first, or the parser would keep NW-10003 as the signed number -10003 and an email
 * whole, where SQLite finds "10003" and "khan". The query repeats the index's expression
 * exactly, or the planner cannot use it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, HitOrder } from '../repository.ts';

/** `terms` are letters and digits only (searchTerms), so they are safe inside a tsquery. */
export function conversationsMatching(terms: string[]): SQL {
  const query = terms.map((term) => `${term}:*`).join(' & ');
  return sql`select m.conversation_id from messages m
             where to_tsvector('simple', regexp_replace(m.text, '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple', ${query})`;
}

/**
 * Chunks read at each step of a search before it reads every hit: a chunk is the messages whose
 * ids share their first CHUNK_CHARS characters (ULIDs: 2^23 ms of creation time, 2.3 hours).
 */
const CHUNK_STEPS = [4, 16, 64];
const CHUNK_CHARS = 5;

/** A tsquery lexeme in quotes: backslash and quote escaped (a chunk is part of an id, any text). */
const quoted = (lexeme: string) => `'${lexeme.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** Every hit, by the whole-text index: the last step. */
const everyHit = (terms: string[]) => ({ conversations: conversationsMatching(terms), from: null });

/**
 * The newest hits first (HitOrder in ../repository.ts), by message id. GIN returns a word's
 * messages in no useful order, and reading them all costs a heap fetch per hit (0.3 s for a word
 * in 135,000 of 1,000,000 messages) to keep 50 conversations. So messages_recent_search_idx
 * (migrations/pg/0020_recent_message_search.sql) holds each word again prefixed by the message's
 * chunk, "01JD3.refund": a step finds the newest chunks by a walk down the primary key (one
 * descent per chunk) and asks the index for the terms within them only. Every message whose id
 * is at least the oldest chunk walked is in a chunk walked, whatever the ids look like, so the
 * step has read every hit from there on. A step that finds no hit at all goes straight to the
 * last one, where the whole-text index reads every hit: a word that rare has few to read, and
 * a page of other matches (a customer's email) is not asked for once per step.
 */
export const hitOrder: HitOrder = {
  async newestHits(db, terms, step) {
    const count = CHUNK_STEPS[step];
    if (count === undefined) return everyHit(terms);
    const walk = await db.execute(sql`with recursive chunks(chunk, n) as (
        (select left(id, ${CHUNK_CHARS}), 1 from messages order by id desc limit 1)
        union all
        select (select left(m.id, ${CHUNK_CHARS}) from messages m where m.id < chunks.chunk order by m.id desc limit 1), n + 1
        from chunks where chunk is not null and n < ${count}
      ) select chunk from chunks where chunk is not null`);
    const chunks = (walk.rows as { chunk: string }[]).map((row) => row.chunk);
    if (chunks.length === 0) return everyHit(terms); // no messages
    const query = chunks.map((chunk) => `(${terms.map((term) => `${quoted(`${chunk}.${term}`)}:*`).join(' & ')})`).join(' | ');
    const hits = await db.execute(sql`select distinct m.conversation_id as id from messages m where message_recent_lexemes(m.id, m.text) @@ ${query}::tsquery`);
    const ids = (hits.rows as { id: string }[]).map((row) => row.id);
    // Fewer chunks than asked for: the walk reached the oldest message, and every hit is read.
    const from = chunks.length < count ? null : chunks.at(-1)!;
    if (ids.length === 0 && from !== null) return everyHit(terms);
    return { conversations: sql`select json_array_elements_text(${JSON.stringify(ids)}::json)`, from };
  },
  hasMessageBelow(conversationId, below) {
    return sql`exists (select 1 from messages m where m.conversation_id = ${conversationId} and m.id < ${below})`;
  },
};
