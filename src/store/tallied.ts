/**
 * Which conversation filters the inbox tallies (conversation_tallies) can count: those naming
 * only what the tallies are kept by (status, owner, channel, route, assignee) or nothing at all
 * (`ids: []`). A label, a contact, times, ids or a search need the conversations themselves.
 */
import type { ConversationFilter } from '../core/ports.ts';

export function tallied(filter: ConversationFilter): boolean {
  const { channel: _c, status: _s, statuses: _ss, owner: _o, route: _r, assigneeId: _a, unassigned: _u, ids, order: _order, limit: _limit, ...rest } = filter;
  return Object.values(rest).every((value) => value === undefined) && (!ids || ids.length === 0);
}

/** Whether countConversationsBy(filter, parts) reads the tallies alone. */
export const countsFromTallies = (filter: ConversationFilter, parts: Record<string, ConversationFilter>) =>
  tallied(filter) && Object.values(parts).every(tallied);
