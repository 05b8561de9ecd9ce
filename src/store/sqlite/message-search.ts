/**
 * Inbox search on SQLite: the conversations with a message holding every term as a word prefix
 * ("refund" finds "refunded"), by the FTS5 index of migrations/sqlite/0006_console_inbox.sql.
 */
import { sql, type SQL } from 'drizzle-orm';

/** `terms` are letters and digits only (searchTerms); quoting keeps FTS5 from reading them as syntax. */
export function conversationsMatching(terms: string[]): SQL {
  const query = terms.map((term) => `"${term}"*`).join(' AND ');
  return sql`select ms.conversation_id from message_fts f join message_search ms on ms.seq = f.rowid where message_fts match ${query}`;
}
