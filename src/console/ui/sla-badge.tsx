/** A ticket's SLA state as a small badge: what is due, by when, and whether it is late. */
import type { TicketSla } from '../../core/service-levels.ts';
import { formatTime } from './api.ts';

const TARGET = { first_response: { short: 'reply', long: 'First reply' }, resolution: { short: 'resolve', long: 'Resolution' } } as const;
const STATE = { ok: 'due', due_soon: 'due soon', breached: 'overdue' } as const;

export function SlaBadge({ sla }: { sla: TicketSla | null | undefined }) {
  if (!sla) return null;
  if (sla.state === 'paused') {
    return (
      <span class="tag sla sla-paused" title="Waiting on the customer: the resolution clock is stopped until they reply">
        resolve paused
      </span>
    );
  }
  const due = formatTime(sla.dueAt);
  return (
    <span class={`tag sla sla-${sla.state}`} title={`${TARGET[sla.target].long} due ${due}`}>
      {TARGET[sla.target].short} {STATE[sla.state]} · <time dateTime={new Date(sla.dueAt).toISOString()}>{due}</time>
    </span>
  );
}
