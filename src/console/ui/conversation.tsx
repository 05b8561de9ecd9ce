/** One conversation: the thread with who answered and how sure it was, human replies, notes and ownership. */
import { useEffect, useState } from 'preact/hooks';
import { ticketRef } from '../../core/ticket-ref.ts';
import type { Attachment, Contact, ContactIdentity, Conversation, Message, Ticket } from '../../core/types.ts';
import { api, formatTime, useLive } from './api.ts';
import { ChannelBadge } from './inbox.tsx';
import type { Me } from './main.tsx';

/** A message as the staff API sends it: our replies also as server-rendered safe HTML. */
type ApiMessage = Message & { renderedHtml?: string | null };

interface Detail {
  conversation: Conversation;
  contact: Contact | null;
  identities: ContactIdentity[];
  messages: ApiMessage[];
  attachments: Attachment[];
  tickets: Ticket[];
  otherConversations: Conversation[];
  /** Other contacts sharing this contact's email or phone (never joined automatically). */
  possibleDuplicates: { contactId: string; name: string | null; email: string | null; channels: ContactIdentity['channel'][] }[];
}

function author(m: Message, detail: Detail, me: Me): string {
  switch (m.authorKind) {
    case 'contact':
      return detail.contact?.name || detail.contact?.email || 'Customer';
    case 'bot':
      return `${m.agentName ?? 'agent'} (AI)`;
    case 'human':
      return m.authorId === me.id ? `${me.name} (you)` : 'Human agent';
    default:
      return 'Frontdesk';
  }
}

export function ConversationView({ id, me }: { id: string; me: Me }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = () =>
    api<Detail>('GET', `/v1/conversations/${encodeURIComponent(id)}`)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [id]);
  useLive((event) => event.conversationId === id, load, [id]);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const reply = (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    void act(async () => {
      await api('POST', `/v1/conversations/${encodeURIComponent(id)}/replies`, { text, internal });
      setText('');
    });
  };
  const post = (action: string, body?: unknown) => () => void act(() => api('POST', `/v1/conversations/${encodeURIComponent(id)}/${action}`, body ?? {}));

  if (!detail) return error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>;
  const { conversation: c } = detail;
  const attachmentsOf = (messageId: string) => detail.attachments.filter((a) => a.messageId === messageId);
  return (
    <div class="conversation">
      <section class="thread" aria-labelledby="conv-title">
        <h1 id="conv-title">
          <ChannelBadge channel={c.channel} /> {c.subject || `Conversation ${c.id.slice(-6)}`}
        </h1>
        <p class="meta">
          <span class={`status st-${c.status}`}>{c.status}</span> · owner <strong>{c.owner}</strong>
          {c.route && <> · route {c.route}</>}
          {c.assigneeId && <> · assigned to {c.assigneeId === me.id ? 'me' : c.assigneeId}</>}
        </p>
        <div class="toolbar">
          {c.owner === 'bot' ? (
            <button type="button" onClick={post('takeover')} disabled={busy}>
              Take over
            </button>
          ) : (
            <button type="button" onClick={post('handback')} disabled={busy}>
              Hand back to bot
            </button>
          )}
          {c.assigneeId !== me.id && (
            <button type="button" onClick={post('assign', { userId: me.id })} disabled={busy}>
              Assign to me
            </button>
          )}
          {c.status !== 'resolved' && c.status !== 'closed' && (
            <button type="button" onClick={post('resolve')} disabled={busy}>
              Resolve
            </button>
          )}
        </div>
        <ol class="messages" aria-label="Messages">
          {detail.messages.map((m) => (
            <li key={m.id} class={`msg ${m.direction} ${m.internal ? 'internal' : ''} by-${m.authorKind}`} data-message-id={m.id}>
              <div class="msg-head">
                <ChannelBadge channel={m.channel} /> <strong>{author(m, detail, me)}</strong>
                {m.internal && <span class="badge note">internal note</span>}
                {m.route && <span class="tag">route: {m.route}</span>}
                {m.confidence !== null && <span class="tag">confidence {(m.confidence * 100).toFixed(0)}%</span>}
                {m.direction === 'outbound' && !m.internal && <span class="tag" title={m.error ?? undefined}>{m.deliveryStatus}</span>}
                {m.direction === 'outbound' && (m.deliveryStatus === 'failed' || m.deliveryStatus === 'refused') && (
                  <button type="button" onClick={() => void act(() => api('POST', `/v1/messages/${encodeURIComponent(m.id)}/resend`))} disabled={busy}>
                    Resend
                  </button>
                )}
                <time>{formatTime(m.createdAt)}</time>
              </div>
              {/* Only the server's safe rendering of our own replies is HTML; customer text stays text. */}
              {m.direction === 'outbound' && m.renderedHtml ? (
                <div class="msg-text md" dangerouslySetInnerHTML={{ __html: m.renderedHtml }} />
              ) : (
                <p class="msg-text">{m.text}</p>
              )}
              {attachmentsOf(m.id).length > 0 && (
                <ul class="attachments">
                  {attachmentsOf(m.id).map((a) => (
                    <li key={a.id}>
                      📎 {a.url && /^https?:\/\//i.test(a.url) ? <a href={a.url} rel="noopener noreferrer" target="_blank">{a.filename}</a> : a.filename} ({Math.ceil(a.size / 1024)} KB,{' '}
                      {a.contentType})
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <form class="reply" onSubmit={reply}>
          <label for="reply-text">{internal ? 'Internal note (never sent to the customer)' : `Reply as ${me.name}`}</label>
          <textarea id="reply-text" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <div class="row">
            <label class="inline">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> Internal note
            </label>
            <button type="submit" class="primary" disabled={busy || !text.trim()}>
              {internal ? 'Add note' : 'Send reply'}
            </button>
          </div>
        </form>
      </section>
      <aside class="side" aria-label="Contact">
        <h2>Contact</h2>
        <p>
          <strong>{detail.contact?.name || 'Unnamed'}</strong>
          <br />
          {detail.contact?.email ?? 'no email'}
        </p>
        <ul class="plain">
          {detail.identities.map((i) => (
            <li key={i.id}>
              <ChannelBadge channel={i.channel} /> {i.address}
              {i.verified ? ' ✓' : ''}
            </li>
          ))}
        </ul>
        {detail.possibleDuplicates.length > 0 && detail.contact && (
          <>
            <h2>Possibly the same person</h2>
            <ul class="plain">
              {detail.possibleDuplicates.map((d) => (
                <li key={d.contactId}>
                  {d.channels.map((c) => (
                    <ChannelBadge key={c} channel={c} />
                  ))}{' '}
                  {d.name || 'Unnamed'} — {d.email ?? 'no email'}{' '}
                  <button
                    type="button"
                    disabled={busy}
                    title="Move this contact's identities and conversations to that contact"
                    onClick={() => {
                      if (!confirm(`Merge this contact into ${d.name || d.email || 'that contact'}? They will count as one person, who may see that person's orders.`)) return;
                      void act(() => api('POST', `/v1/contacts/${encodeURIComponent(detail.contact!.id)}/merge`, { intoContactId: d.contactId }));
                    }}
                  >
                    Merge
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>Tickets</h2>
        {detail.tickets.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul class="plain">
            {detail.tickets.map((t) => (
              <li key={t.id}>
                <a href={`#/tickets/${t.id}`}>
                  {ticketRef(t)} {t.summary}
                </a>{' '}
                — {t.status}, {t.priority}
              </li>
            ))}
          </ul>
        )}
        <h2>Other conversations</h2>
        {detail.otherConversations.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul class="plain">
            {detail.otherConversations.map((o) => (
              <li key={o.id}>
                <ChannelBadge channel={o.channel} /> <a href={`#/c/${o.id}`}>{o.subject || `Conversation ${o.id.slice(-6)}`}</a> — {o.status}
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}
