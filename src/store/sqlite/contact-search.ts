/**
 * Who the customer is, found by part on SQLite: the FTS5 trigram index of
 * migrations/sqlite/0011_contact_search.sql, where a quoted phrase matches any part of three
 * characters or more, in any case. A shorter part has no trigram to look up, so it is matched by
 * reading the contacts (what every search did before the index).
 */
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { contactsHoldingPart } from '../part-match.ts';

export function contactsMatching(search: string): SQL {
  if ([...search].length < 3) return contactsHoldingPart(search);
  const phrase = `"${search.replace(/"/g, '""')}"`;
  return sql`select cs.contact_id from contact_fts f join contact_search cs on cs.seq = f.rowid where contact_fts match ${phrase}`;
}
