/**
 * Part matching for conversation search: the subject and who the customer is are found by any
 * part of them ("777" finds +1777…), written once for both dialects.
 */
import { sql, type SQL } from 'drizzle-orm';

/** A LIKE pattern finding `search` anywhere, its wildcards and the escape character taken as text (escape '\'). */
export const partPattern = (search: string) => `%${search.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;

/** `column` (an identifier) holds `search` in any case. */
export const holdsPart = (column: string, search: string) => sql`lower(${sql.identifier(column)}) like ${partPattern(search)} escape '\\'`;

/** The contacts whose name or email, or one of whose addresses or display names, holds `search`. */
export const contactsHoldingPart = (search: string): SQL =>
  sql`select id from contacts where ${holdsPart('name', search)} or ${holdsPart('email', search)}
      union select contact_id from contact_identities where ${holdsPart('address', search)} or ${holdsPart('display_name', search)}`;
