/** Tickets: a filtered list, and a page per ticket with its summary, the conversation around it and the history of its changes. */
import { useEffect, useState } from 'preact/hooks';
import { ticketRef } from '../../core/ticket-ref.ts';
import { TICKET_STATUSES, type Conversation, type Message, type Ticket, type TicketEvent, type TicketStatus } from '../../core/types.ts';
import type { StaffMember } from '../../http/inbox-routes.ts';
import { api, formatTime, queryString, useLive } from './api.ts';
import { FilterSelect } from './filter-select.tsx';
import { SlaBadge } from './sla-badge.tsx';
import type { TicketSla } from '../../core/service-levels.ts';
import type { Me } from './main.tsx';

/** How the console names each ticket status. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'open',
  in_progress: 'in progress',
  waiting: 'waiting on customer',
  resolved: 'resolved',
  escalated: 'escalated',
};
const STATUSES = TICKET_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));
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
                <td>{STATUS_LABELS[t.status]}</td>
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

type ApiMessage = Message & { renderedHtml?: string | null };
interface TicketPage {
  ticket: ListedTicket;
  conversation: Conversation | null;
  messages: ApiMessage[];
  history: TicketEvent[];
}

const FIELD_NAMES: Record<TicketEvent['field'], string> = { status: 'Status', priority: 'Priority', assigneeId: 'Assignee' };

/** The messages that led to the ticket and what followed; customer text stays text, our replies are the server's safe HTML. */
function Excerpt({ messages }: { messages: ApiMessage[] }) {
  if (messages.length === 0) return <p>No messages.</p>;
  return (
    <ol class="messages" aria-label="Conversation excerpt">
      {messages.map((m) => (
        <li key={m.id} class={`msg ${m.direction} ${m.internal ? 'internal' : ''} by-${m.authorKind}`}>
          <div class="msg-head">
            <strong>{m.authorKind === 'contact' ? 'Customer' : m.authorKind === 'bot' ? `${m.agentName ?? 'agent'} (AI)` : m.internal ? 'Internal note' : 'Human agent'}</strong>
            <time>{formatTime(m.createdAt)}</time>
          </div>
          {m.direction === 'outbound' && m.renderedHtml ? <div class="msg-text md" dangerouslySetInnerHTML={{ __html: m.renderedHtml }} /> : <p class="msg-text">{m.text}</p>}
        </li>
      ))}
    </ol>
  );
}

/** Who changed what, oldest first; user ids shown as names. */
function History({ ticket, history, name }: { ticket: Ticket; history: TicketEvent[]; name(id: string | null, none: string): string }) {
  const value = (e: TicketEvent, v: string | null) =>
    e.field === 'assigneeId' ? name(v, 'nobody') : e.field === 'status' && v !== null ? (STATUS_LABELS[v as TicketStatus] ?? v) : (v ?? '—');
  // As it was opened: the value before its first change, else the value now.
  const opened = (field: 'status' | 'priority') => history.find((e) => e.field === field)?.fromValue ?? ticket[field];
  return (
    <ol class="history" aria-label="Ticket history">
      <li>
        <time>{formatTime(ticket.createdAt)}</time> Opened as {opened('status')}, priority {opened('priority')}
      </li>
      {history.map((e) => (
        <li key={e.id} data-field={e.field}>
          <time>{formatTime(e.createdAt)}</time> {FIELD_NAMES[e.field]}: {value(e, e.fromValue)} → <strong>{value(e, e.toValue)}</strong> by {name(e.actorId, 'Frontdesk')}
        </li>
      ))}
    </ol>
  );
}

export function TicketDetail({ id, me }: { id: string; me: Me }) {
  const [data, setData] = useState<TicketPage | null>(null);
  const [users, setUsers] = useState<StaffMember[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<TicketPage>('GET', `/v1/tickets/${encodeURIComponent(id)}`)
      .then(setData)
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [id]);
  useEffect(() => void api<{ users: StaffMember[] }>('GET', '/v1/users').then((r) => setUsers(r.users)).catch(() => undefined), []);
  useLive((event) => event.type === 'ticket' && event.conversationId === data?.ticket.conversationId, load, [id, data?.ticket.conversationId]);
  const patch = (body: Record<string, unknown>) =>
    api('PATCH', `/v1/tickets/${encodeURIComponent(id)}`, body)
      .then(load)
      .catch((e: Error) => setError(e.message));
  if (!data) return error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>;
  const { ticket } = data;
  const name = (userId: string | null, none: string) => (userId === null ? none : userId === me.id ? `${me.name} (you)` : (users.find((u) => u.id === userId)?.name ?? 'a former user'));
  return (
    <section aria-labelledby="ticket-title" class="ticket-page">
      <p>
        <a href="#/tickets">← Tickets</a>
      </p>
      <h1 id="ticket-title">
        <span class="ticket-ref">{ticketRef(ticket)}</span> {ticket.summary}
      </h1>
      <p class="meta">
        {ticket.category} · created {formatTime(ticket.createdAt)} · updated {formatTime(ticket.updatedAt)}
        {ticket.resolvedAt && <> · resolved {formatTime(ticket.resolvedAt)}</>} <SlaBadge sla={ticket.sla} />
      </p>
      <div class="filters">
        <label>
          Status
          <select value={ticket.status} onChange={(e) => void patch({ status: e.currentTarget.value })}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
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
        <label>
          Assignee
          <select value={ticket.assigneeId ?? ''} onChange={(e) => void patch({ assigneeId: e.currentTarget.value || null })}>
            <option value="">Nobody</option>
            {users.filter((u) => u.disabledAt === null || u.id === ticket.assigneeId).map((u) => (
              <option key={u.id} value={u.id}>
                {u.id === me.id ? `${u.name} (you)` : u.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {data.conversation && (
        <p>
          Conversation: <a href={`#/c/${data.conversation.id}`}>{data.conversation.subject || `${data.conversation.channel} conversation`}</a> ({data.conversation.channel},{' '}
          {data.conversation.status})
        </p>
      )}
      <h2>Conversation</h2>
      <Excerpt messages={data.messages} />
      <h2>History</h2>
      <History ticket={ticket} history={data.history} name={name} />
    </section>
  );
}
