/**
 * The inbox: tabs with counts (Mine, Unassigned, Handed to people, All, Resolved), filters,
 * search, rows a person can read at a glance, paged by cursor and kept current from the staff
 * event stream without moving what is on screen.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ticketRef } from '../../core/ticket-ref.ts';
import type { Label } from '../../core/types.ts';
import type { InboxRow, StaffMember } from '../../http/inbox-routes.ts';
import { api, formatTime, queryString, timeAgo, useLive } from './api.ts';
import { FilterSelect } from './filter-select.tsx';
import type { Me } from './main.tsx';
import { SlaBadge } from './sla-badge.tsx';
import { inboxOrder, useShortcuts } from './shortcuts.ts';

const CHANNELS = ['web', 'sms', 'email', 'slack'];
const STATUSES = ['open', 'pending', 'resolved', 'closed'];
const TABS = [
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['human', 'Handed to people'],
  ['all', 'All'],
  ['resolved', 'Resolved'],
] as const;
type View = (typeof TABS)[number][0];
type Counts = Record<View, number>;
interface Page {
  rows: InboxRow[];
  next: string | null;
  counts: Counts;
  /** False when a search's counts stopped early: each is then at least what it says. */
  countsComplete: boolean;
}

/** 16×16 outline icons (no icon font: the console loads nothing from elsewhere). */
const CHANNEL_ICONS: Record<string, string> = {
  web: 'M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z', // a chat bubble
  sms: 'M5 1.5h6v13H5zM7 12.5h2', // a phone
  email: 'M1.5 3.5h13v9h-13zM1.5 3.5l6.5 5 6.5-5', // an envelope
  slack: 'M6 2l-1.5 12M11.5 2L10 14M2.5 5.5h12M1.5 10.5h12', // a hash
};

export function ChannelBadge({ channel }: { channel: string }) {
  return <span class={`badge ch-${channel}`}>{channel}</span>;
}

/** The channel as an icon with its name for screen readers and as a tooltip. */
export function ChannelIcon({ channel }: { channel: string }) {
  return (
    <span class={`ch-icon ch-${channel}`} title={channel} role="img" aria-label={channel}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round">
        <path d={CHANNEL_ICONS[channel] ?? 'M8 8h.01'} />
      </svg>
    </span>
  );
}

export function LabelChip({ label, onRemove }: { label: Pick<Label, 'name' | 'color'>; onRemove?(): void }) {
  return (
    <span class="label-chip" style={{ '--label': label.color }}>
      {label.name}
      {onRemove && (
        <button type="button" class="chip-x" aria-label={`Remove label ${label.name}`} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

/** Newest activity first, as the API orders rows; a row is level with itself (a changed last row stays). */
const byActivity = (a: InboxRow, b: InboxRow) =>
  b.conversation.lastMessageAt - a.conversation.lastMessageAt || (a.conversation.id === b.conversation.id ? 0 : b.conversation.id < a.conversation.id ? -1 : 1);

function preview(row: InboxRow): string {
  const m = row.lastMessage;
  if (!m) return 'No messages yet';
  const who = m.direction === 'inbound' ? '' : m.authorKind === 'bot' ? 'Bot: ' : m.authorKind === 'human' ? 'Agent: ' : '';
  // Replies are Markdown; a preview is one line of their words.
  const words = m.direction === 'inbound' ? m.text : m.text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`#>|~]+|-{3,}/g, ' ');
  return who + words.replace(/\s+/g, ' ').trim().slice(0, 160);
}

export function Inbox({ me }: { me: Me }) {
  const [view, setView] = useState<View>(() => (sessionStorage.getItem('frontdesk:inbox-view') as View | null) ?? 'all');
  const [filters, setFilters] = useState({ channel: '', status: '', label: '', route: '', assignee: '', search: '' });
  const [searchText, setSearchText] = useState('');
  const [page, setPage] = useState<Page | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [labels, setLabels] = useState<Label[]>([]);
  const [users, setUsers] = useState<StaffMember[]>([]);
  const [routes, setRoutes] = useState<string[]>([]);
  const [selected, setSelected] = useState(0);
  const searchBox = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const params = { view, ...filters };
  // What the list shows now: an answer to a question asked under other tabs or filters is dropped, not mixed in.
  const shownQuery = useRef('');
  shownQuery.current = queryString(params);

  useEffect(() => {
    void api<{ labels: Label[] }>('GET', '/v1/labels').then((r) => setLabels(r.labels)).catch(() => undefined);
    void api<{ users: StaffMember[] }>('GET', '/v1/users').then((r) => setUsers(r.users)).catch(() => undefined);
    void api<{ routes: string[] }>('GET', '/v1/routes').then((r) => setRoutes(r.routes)).catch(() => undefined);
  }, []);

  const load = () => {
    const asked = queryString(params);
    return api<Page>('GET', `/v1/inbox${asked}`)
      .then((p) => {
        if (shownQuery.current !== asked) return;
        setPage(p);
        setSelected(0);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  };
  useEffect(() => {
    sessionStorage.setItem('frontdesk:inbox-view', view);
    void load();
  }, [view, filters]);
  useEffect(() => inboxOrder.set(page?.rows.map((r) => r.conversation.id) ?? []), [page]);

  /**
   * Asks which of the changed conversations match now and patches only those rows: a new or
   * busier one moves to its place, one that stopped matching goes, the rest stay where they are.
   */
  const update = async (changed: Set<string> | null) => {
    if (!changed || !page) return load();
    const asked = queryString(params);
    // The API answers for 50 ids at a time; every changed row is asked about, or it would vanish.
    const chunks: string[][] = [];
    for (const id of changed) {
      if (chunks.length === 0 || chunks.at(-1)!.length === 50) chunks.push([]);
      chunks.at(-1)!.push(id);
    }
    try {
      const answers = await Promise.all(chunks.map((ids) => api<Page>('GET', `/v1/inbox${queryString({ ...params, ids: ids.join(',') })}`)));
      const fresh = { rows: answers.flatMap((a) => a.rows), counts: answers.at(-1)!.counts, countsComplete: answers.at(-1)!.countsComplete };
      setPage((current) => {
        if (!current || shownQuery.current !== asked) return current;
        const kept = current.rows.filter((r) => !changed.has(r.conversation.id));
        // Beyond the loaded pages a row would be out of order; the next page brings it.
        const last = current.next ? current.rows.at(-1) : undefined;
        const added = fresh.rows.filter((r) => !last || byActivity(r, last) <= 0);
        return { ...current, rows: [...kept, ...added].sort(byActivity), counts: fresh.counts, countsComplete: fresh.countsComplete };
      });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useLive(() => true, (changed) => void update(changed), []);

  const loadMore = async () => {
    if (!page?.next) return;
    setLoadingMore(true);
    try {
      const more = await api<Page>('GET', `/v1/inbox${queryString({ ...params, cursor: page.next })}`);
      setPage({ rows: [...page.rows, ...more.rows.filter((r) => !page.rows.some((o) => o.conversation.id === r.conversation.id))], next: more.next, counts: more.counts, countsComplete: more.countsComplete });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoadingMore(false);
    }
  };

  const rows = page?.rows ?? [];
  const current = rows[selected];
  const act = (action: string, body: unknown = {}) => {
    if (!current) return;
    void api('POST', `/v1/conversations/${encodeURIComponent(current.conversation.id)}/${action}`, body)
      .then(() => update(new Set([current.conversation.id])))
      .catch((e: Error) => setError(e.message));
  };
  const move = (step: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, selected + step));
    setSelected(next);
    list.current?.querySelectorAll<HTMLElement>('.row-link')[next]?.focus();
  };
  const open = (reply = false) => current && (location.hash = `#/c/${current.conversation.id}${reply ? '/reply' : ''}`);
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    o: () => open(),
    r: () => open(true),
    e: () => act('resolve'),
    a: () => act('assign', { userId: me.id }),
    '/': () => searchBox.current?.focus(),
  });

  const setFilter = (key: keyof typeof filters) => (value: string) => setFilters({ ...filters, [key]: value });
  const userName = (id: string) => (id === me.id ? 'me' : (users.find((u) => u.id === id)?.name ?? 'someone'));
  return (
    <section aria-labelledby="inbox-title" class="inbox">
      <h1 id="inbox-title">Inbox</h1>
      <nav class="tabs" aria-label="Inbox views">
        {TABS.map(([key, label]) => (
          <button key={key} type="button" class="tab" aria-pressed={view === key} data-view={key} onClick={() => setView(key)}>
            {label} <span class="count">{page ? `${page.counts[key]}${page.countsComplete ? '' : '+'}` : ''}</span>
          </button>
        ))}
      </nav>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('search')(searchText.trim());
        }}
      >
        <label class="search">
          Search
          <input
            ref={searchBox}
            type="search"
            value={searchText}
            onInput={(e) => setSearchText(e.currentTarget.value)}
            // Clearing the box shows everything again without another Enter.
            onChange={(e) => setFilter('search')(e.currentTarget.value.trim())}
            placeholder="Words in messages, name, email, phone"
          />
        </label>
        <FilterSelect label="Channel" value={filters.channel} onChange={setFilter('channel')} options={CHANNELS} any="All" />
        <FilterSelect label="Status" value={filters.status} onChange={setFilter('status')} options={STATUSES} />
        <FilterSelect label="Label" value={filters.label} onChange={setFilter('label')} options={labels.map((l) => ({ value: l.id, label: l.name }))} />
        <FilterSelect label="Route" value={filters.route} onChange={setFilter('route')} options={routes} />
        <FilterSelect
          label="Assignee"
          value={filters.assignee}
          onChange={setFilter('assignee')}
          options={[{ value: me.id, label: 'Me' }, ...users.filter((u) => u.id !== me.id).map((u) => ({ value: u.id, label: u.name }))]}
          any="Anyone"
        />
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {page === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">No conversations here.</p>
      ) : (
        <ul class="inbox-list" ref={list} aria-label="Conversations">
          {rows.map((row, i) => {
            const c = row.conversation;
            const who = row.customer.name ?? row.customer.handle ?? 'Anonymous visitor';
            return (
              <li
                key={c.id}
                class={`inbox-row ${c.owner === 'human' && c.status !== 'resolved' && c.status !== 'closed' ? 'needs-human' : ''} ${row.unread > 0 ? 'unread' : ''} ${i === selected ? 'selected' : ''}`}
                data-conversation-id={c.id}
              >
                <ChannelIcon channel={c.channel} />
                <a class="row-link" href={`#/c/${c.id}`} onFocus={() => setSelected(i)}>
                  <span class="row-who">{who}</span>
                  {row.customer.name && row.customer.handle && <span class="row-handle"> {row.customer.handle}</span>}
                  <span class="row-preview">{preview(row)}</span>
                </a>
                <div class="row-meta">
                  <time dateTime={new Date(c.lastMessageAt).toISOString()} title={formatTime(c.lastMessageAt)}>
                    {timeAgo(c.lastMessageAt)}
                  </time>
                  {row.unread > 0 && (
                    <span class="unread-count" aria-label={`${row.unread} unread`}>
                      {row.unread}
                    </span>
                  )}
                </div>
                <div class="row-tags">
                  <span class={`status st-${c.status}`}>{c.status}</span>
                  <span class="tag">{c.owner === 'bot' ? 'bot' : c.assigneeId ? `→ ${userName(c.assigneeId)}` : 'unassigned'}</span>
                  {row.ticket && (
                    <a class="tag" href={`#/tickets/${row.ticket.id}`}>
                      {ticketRef(row.ticket)}
                    </a>
                  )}
                  <SlaBadge sla={row.ticket?.sla} />
                  {row.labels.map((l) => (
                    <LabelChip key={l.id} label={l} />
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {page?.next && (
        <button type="button" class="more" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
