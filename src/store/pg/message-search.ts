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

/** `terms` are letters and digits only (searchTerms), so they are safe inside a tsquery. */
export function conversationsMatching(terms: string[]): SQL {
  const query = terms.map((term) => `${term}:*`).join(' & ');
  return sql`select m.conversation_id from messages m
             where to_tsvector('simple', regexp_replace(m.text, '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple', ${query})`;
}
