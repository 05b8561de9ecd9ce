/** All conversations of all channels, filtered, refreshed live from the staff event stream. */
import { useEffect, useState } from 'preact/hooks';
import type { Conversation } from '../../core/types.ts';
import { api, formatTime, queryString, useLive } from './api.ts';
import { FilterSelect } from './filter-select.tsx';
import type { Me } from './main.tsx';

const CHANNELS = ['web', 'sms', 'email', 'slack'];
const STATUSES = ['open', 'pending', 'resolved', 'closed'];

export function ChannelBadge({ channel }: { channel: string }) {
  return <span class={`badge ch-${channel}`}>{channel}</span>;
}

export function Inbox({ me }: { me: Me }) {
  const [filters, setFilters] = useState({ channel: '', status: '', owner: '', route: '', assignee: '', search: '' });
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ conversations: Conversation[] }>('GET', `/v1/conversations${queryString({ ...filters, limit: 100 })}`)
      .then((page) => {
        setConversations(page.conversations);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));

  useEffect(() => void load(), [filters]);
  useLive(() => true, load, [filters]);

  const setFilter = (key: keyof typeof filters) => (value: string) => setFilters({ ...filters, [key]: value });
  const set = (key: keyof typeof filters) => (e: Event) => setFilter(key)((e.currentTarget as HTMLInputElement).value);
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect label="Channel" value={filters.channel} onChange={setFilter('channel')} options={CHANNELS} any="All" />
        <FilterSelect label="Status" value={filters.status} onChange={setFilter('status')} options={STATUSES} />
        <FilterSelect label="Owner" value={filters.owner} onChange={setFilter('owner')} options={['bot', 'human']} />
        <FilterSelect label="Assignee" value={filters.assignee} onChange={setFilter('assignee')} options={[{ value: me.id, label: 'Me' }]} any="Anyone" />
        <label>
          Route
          <input value={filters.route} onChange={set('route')} placeholder="orders, billing…" size={10} />
        </label>
        <label>
          Search
          <input type="search" value={filters.search} onChange={set('search')} placeholder="Words in messages" />
        </label>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {conversations === null ? (
        <p>Loading…</p>
      ) : conversations.length === 0 ? (
        <p>No conversations match.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Conversation</th>
              <th scope="col">Status</th>
              <th scope="col">Owner</th>
              <th scope="col">Route / agent</th>
              <th scope="col">Last message</th>
            </tr>
          </thead>
          <tbody>
            {conversations.map((c) => (
              <tr key={c.id} class={c.owner === 'human' && c.status !== 'resolved' ? 'needs-human' : ''} data-conversation-id={c.id}>
                <td>
                  <ChannelBadge channel={c.channel} />
                </td>
                <td>
                  <a href={`#/c/${c.id}`}>{c.subject || `Conversation ${c.id.slice(-6)}`}</a>
                </td>
                <td>
                  <span class={`status st-${c.status}`}>{c.status}</span>
                </td>
                <td>{c.owner === 'human' ? (c.assigneeId === me.id ? 'human (me)' : 'human') : 'bot'}</td>
                <td>
                  {c.route ?? '—'}
                  {c.currentAgent && c.currentAgent !== c.route ? ` / ${c.currentAgent}` : ''}
                </td>
                <td>{formatTime(c.lastMessageAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
