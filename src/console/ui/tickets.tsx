/** Tickets: a filtered list and a detail page to change status, priority and assignee. */
import { useEffect, useState } from 'preact/hooks';
import { ticketRef } from '../../core/ticket-ref.ts';
import type { Conversation, Ticket } from '../../core/types.ts';
import { api, formatTime, queryString, useLive } from './api.ts';
import { FilterSelect } from './filter-select.tsx';
import { SlaBadge } from './sla-badge.tsx';
import type { TicketSla } from '../../core/service-levels.ts';
import type { Me } from './main.tsx';

const STATUSES = ['open', 'in_progress', 'resolved', 'escalated'];
/** A ticket as the list shows it: with how its next SLA target stands. */
type ListedTicket = Ticket & { sla: TicketSla | null };
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export function Tickets() {
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [tickets, setTickets] = useState<ListedTicket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ tickets: ListedTicket[] }>('GET', `/v1/tickets${queryString({ status, priority, limit: 100 })}`)
      .then((page) => setTickets(page.tickets))
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [status, priority]);
  useLive((event) => event.type === 'ticket', load, [status, priority]);
  return (
    <section aria-labelledby="tickets-title">
      <h1 id="tickets-title">Tickets</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect label="Status" value={status} onChange={setStatus} options={STATUSES} />
        <FilterSelect label="Priority" value={priority} onChange={setPriority} options={PRIORITIES} />
        <a class="button" href={`/v1/tickets/export.csv${queryString({ status, priority })}`} download>
          Export CSV
        </a>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {tickets === null ? (
        <p>Loading…</p>
      ) : tickets.length === 0 ? (
        <p>No tickets.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Summary</th>
              <th scope="col">Category</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">SLA</th>
              <th scope="col">Assignee</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((t) => (
              <tr key={t.id}>
                <td>
                  <a href={`#/tickets/${t.id}`}>{ticketRef(t)}</a>
                </td>
                <td>
                  <a href={`#/tickets/${t.id}`}>{t.summary}</a>
                </td>
                <td>{t.category}</td>
                <td>{t.status}</td>
                <td class={`prio-${t.priority}`}>{t.priority}</td>
                <td>
                  <SlaBadge sla={t.sla} />
                </td>
                <td>{t.assigneeId ?? '—'}</td>
                <td>{formatTime(t.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TicketDetail({ id, me }: { id: string; me: Me }) {
  const [data, setData] = useState<{ ticket: Ticket; conversation: Conversation | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ ticket: Ticket; conversation: Conversation | null }>('GET', `/v1/tickets/${encodeURIComponent(id)}`)
      .then(setData)
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [id]);
  const patch = (body: Record<string, unknown>) =>
    api('PATCH', `/v1/tickets/${encodeURIComponent(id)}`, body)
      .then(load)
      .catch((e: Error) => setError(e.message));
  if (!data) return error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>;
  const { ticket } = data;
  return (
    <section aria-labelledby="ticket-title">
      <p>
        <a href="#/tickets">← Tickets</a>
      </p>
      <h1 id="ticket-title">
        <span class="ticket-ref">{ticketRef(ticket)}</span> {ticket.summary}
      </h1>
      <p class="meta">
        {ticket.category} · created {formatTime(ticket.createdAt)} · updated {formatTime(ticket.updatedAt)}
        {ticket.resolvedAt && <> · resolved {formatTime(ticket.resolvedAt)}</>}
      </p>
      <div class="filters">
        <label>
          Status
          <select value={ticket.status} onChange={(e) => void patch({ status: e.currentTarget.value })}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={ticket.priority} onChange={(e) => void patch({ priority: e.currentTarget.value })}>
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <span>
          Assignee: {ticket.assigneeId === me.id ? 'me' : (ticket.assigneeId ?? 'nobody')}{' '}
          {ticket.assigneeId === me.id ? (
            <button type="button" onClick={() => void patch({ assigneeId: null })}>
              Unassign
            </button>
          ) : (
            <button type="button" onClick={() => void patch({ assigneeId: me.id })}>
              Assign to me
            </button>
          )}
        </span>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {data.conversation && (
        <p>
          Conversation: <a href={`#/c/${data.conversation.id}`}>{data.conversation.subject || data.conversation.id}</a> ({data.conversation.channel},{' '}
          {data.conversation.status})
        </p>
      )}
    </section>
  );
}
