/**
 * The inbox's tabs, as filters: what a support team means by "mine", "unassigned" and so on.
 * Open work is open or pending; resolved and closed conversations are only under Resolved.
 */
import type { ConversationFilter } from './ports.ts';

export const INBOX_VIEWS = ['mine', 'unassigned', 'human', 'all', 'resolved'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

const OPEN = ['open', 'pending'] as const;

/**
 * The filter of one tab for user `userId` (null: a token without a user, whose Mine is empty).
 *  - mine: open work assigned to the user;
 *  - unassigned: open work nobody is assigned to (bot-owned included: anyone may pick it up);
 *  - human: open work handed to people (owner human), assigned or not;
 *  - all: all open work;
 *  - resolved: resolved and closed conversations.
 */
export function viewFilter(view: InboxView, userId: string | null): ConversationFilter {
  switch (view) {
    case 'mine':
      return userId ? { statuses: [...OPEN], assigneeId: userId } : { ids: [] };
    case 'unassigned':
      return { statuses: [...OPEN], unassigned: true };
    case 'human':
      return { statuses: [...OPEN], owner: 'human' };
    case 'all':
      return { statuses: [...OPEN] };
    case 'resolved':
      return { statuses: ['resolved', 'closed'] };
  }
}

/**
 * `filter` narrowed to `view`: both must hold. Where both name an assignee and they differ, nothing
 * matches (Mine with another person's filter), as the tab counts say.
 */
export function withinView(filter: ConversationFilter, view: ConversationFilter): ConversationFilter {
  if (filter.assigneeId && view.assigneeId && filter.assigneeId !== view.assigneeId) return { ...filter, ids: [] };
  const ids = view.ids && filter.ids ? filter.ids.filter((id) => view.ids!.includes(id)) : (view.ids ?? filter.ids);
  return { ...filter, ...view, ids, assigneeId: view.assigneeId ?? filter.assigneeId };
}
