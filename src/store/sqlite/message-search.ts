/**
 * Inbox search on SQLite: the conversations with a message holding every term as a word prefix
 * ("refund" finds "refunded"), by the FTS5 index of migrations/sqlite/0006_console_inbox.sql.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { HitOrder } from '../repository.ts';

/** `terms` are letters and digits only (searchTerms); quoting keeps FTS5 from reading them as syntax. */
const matchQuery = (terms: string[]) => terms.map((term) => `"${term}"*`).join(' AND ');

export function conversationsMatching(terms: string[]): SQL {
  return sql`select ms.conversation_id from message_fts f join message_search ms on ms.seq = f.rowid where message_fts match ${matchQuery(terms)}`;
}

/** Hits read at the first step of a search; each further step reads four times as many. */
const FIRST_HITS = 500;

/**
 * The newest hits first (HitOrder in ../repository.ts): message_search numbers each message as it
 * is stored (seq, also its FTS row), and FTS5 reads a word's rows newest first. One MATCH per
 * step: a prefix term merges the rows of every word it begins, whatever the LIMIT.
 */
export const hitOrder: HitOrder = {
  async newestHits(db, terms, step) {
    const n = FIRST_HITS * 4 ** step;
    const rows = (db as unknown as BaseSQLiteDatabase<'sync', unknown>).all<{ seq: number; conversationId: string }>(
      sql`select ms.seq as seq, ms.conversation_id as conversationId
          from (select rowid from message_fts where message_fts match ${matchQuery(terms)} order by rowid desc limit ${n}) f
          join message_search ms on ms.seq = f.rowid`,
    );
    let oldest = Infinity;
    for (const row of rows) oldest = Math.min(oldest, row.seq);
    const ids = [...new Set(rows.map((row) => row.conversationId))];
    return { conversations: sql`select value from json_each(${JSON.stringify(ids)})`, from: rows.length < n ? null : oldest };
  },
  hasMessageBelow(conversationId, below) {
    return sql`exists (select 1 from messages m join message_search ms on ms.message_id = m.id where m.conversation_id = ${conversationId} and ms.seq < ${below})`;
  },
};
