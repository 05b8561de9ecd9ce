/**
 * One conversation: the thread with who answered and how sure it was, human replies (with canned
 * replies on `/`), internal notes, labels, ownership, route correction and approvals, and the
 * customer's profile beside it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { REPLY_ATTACHMENT_LIMITS } from '../../core/reply-attachments.ts';
import { ticketRef } from '../../core/ticket-ref.ts';
import type { Attachment, Contact, ContactIdentity, ContactNote, Conversation, Label, Message, Ticket } from '../../core/types.ts';
import { api, formatTime, timeAgo, useLive } from './api.ts';
import { CannedPicker, useCannedReplies } from './canned-picker.tsx';
import { ChannelBadge, LabelChip } from './inbox.tsx';
import type { Me } from './main.tsx';
import { inboxOrder, useShortcuts } from './shortcuts.ts';

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
  labels: Label[];
  contactTickets: Ticket[];
  notes: ContactNote[];
  routes: string[];
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

/** JSON for a text-only reply; multipart with the chosen files otherwise (POST /v1/conversations/:id/replies takes both). */
function replyBody(text: string, internal: boolean, chosen: FileList | null | undefined): unknown {
  if (!chosen || chosen.length === 0) return { text, internal };
  const form = new FormData();
  form.set('text', text);
  form.set('internal', String(internal));
  for (const file of chosen) form.append('files', file);
  return form;
}

/** A stored file opens from Frontdesk (a download); one kept only as a provider's link opens there. */
function AttachmentLink({ attachment: a }: { attachment: Attachment }) {
  if (a.url && /^https?:\/\//i.test(a.url)) {
    return (
      <a href={a.url} rel="noopener noreferrer" target="_blank">
        {a.filename}
      </a>
    );
  }
  return (
    <a href={`/v1/attachments/${encodeURIComponent(a.id)}`} download={a.filename}>
      {a.filename}
    </a>
  );
}

/** What a model-engine run paused on, waiting for a person (agents/engines/openai: PendingApproval). */
type PendingApproval = { id?: string; tool?: string; agent?: string };
const pendingApproval = (c: Conversation) => (c.agentState?.pendingApproval as PendingApproval | undefined) ?? null;

/** What the agent asks to do, and the person's decision; the note reaches the agent (on rejection, the reason the customer hears). */
function ApprovalPanel({ approval, ticket, busy, decide }: { approval: PendingApproval; ticket: Ticket | null; busy: boolean; decide(approve: boolean, note: string): void }) {
  const [note, setNote] = useState('');
  return (
    <div class="approval" role="region" aria-label="Waiting for approval">
      <p>
        <strong>
          {approval.agent ?? 'The agent'} waits for a person's approval{approval.tool ? ` to run ${approval.tool}` : ''}
        </strong>
        {ticket && (
          <>
            {' '}
            — <a href={`#/tickets/${ticket.id}`}>{ticketRef(ticket)}</a> {ticket.summary}
          </>
        )}
      </p>
      <label for="approval-note">Note (optional; on rejection, the reason the customer is told)</label>
      <textarea id="approval-note" rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <div class="row">
        <button type="button" class="primary" disabled={busy} onClick={() => decide(true, note.trim())}>
          Approve
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => decide(false, note.trim())}>
          Reject
        </button>
      </div>
    </div>
  );
}

export function ConversationView({ id, me, focusReply }: { id: string; me: Me; focusReply?: boolean }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [allLabels, setAllLabels] = useState<Label[]>([]);
  const replyBox = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const canned = useCannedReplies();

  const load = () =>
    api<Detail>('GET', `/v1/conversations/${encodeURIComponent(id)}`)
      .then((d) => {
        setDetail(d);
        setError(null);
        // Seen on screen is read: its customer messages stop counting as unread in the inbox.
        void api('POST', `/v1/conversations/${encodeURIComponent(id)}/read`, {}).catch(() => undefined);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [id]);
  useEffect(() => void api<{ labels: Label[] }>('GET', '/v1/labels').then((r) => setAllLabels(r.labels)).catch(() => undefined), []);
  useEffect(() => {
    if (focusReply && detail) replyBox.current?.focus();
  }, [focusReply, detail === null]);
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
  const base = `/v1/conversations/${encodeURIComponent(id)}`;
  const reply = (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    // A canned reply's placeholder with no value (no ticket yet) must not reach the customer as braces.
    const unfilled = [...new Set(text.match(/\{\{\s*[a-z]+\.[a-z]+\s*\}\}/g) ?? [])];
    if (unfilled.length > 0) {
      setError(`Fill in or remove ${unfilled.join(', ')} before sending.`);
      return;
    }
    void act(async () => {
      await api('POST', `${base}/replies`, replyBody(text, internal, files.current?.files));
      setText('');
      if (files.current) files.current.value = '';
    });
  };
  const post = (action: string, body?: unknown) => () => void act(() => api('POST', `${base}/${action}`, body ?? {}));
  const go = (step: 1 | -1) => {
    const next = inboxOrder.neighbour(id, step);
    if (next) location.hash = `#/c/${next}`;
  };
  useShortcuts({
    r: () => replyBox.current?.focus(),
    n: () => {
      setInternal(true);
      replyBox.current?.focus();
    },
    e: () => detail && detail.conversation.status !== 'resolved' && post('resolve')(),
    a: () => detail && detail.conversation.assigneeId !== me.id && post('assign', { userId: me.id })(),
    j: () => go(1),
    k: () => go(-1),
    u: () => (location.hash = '#/inbox'),
  });

  if (!detail) return error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>;
  const { conversation: c } = detail;
  const attachmentsOf = (messageId: string) => detail.attachments.filter((a) => a.messageId === messageId);
  const approval = pendingApproval(c);
  const approvalTicket = approval && detail.tickets.find((t) => t.id === approval.id);
  const unusedLabels = allLabels.filter((l) => !detail.labels.some((on) => on.id === l.id));
  const newestTicket = detail.tickets.reduce<Ticket | null>((a, t) => (!a || t.number > a.number ? t : a), null);
  return (
    <div class="conversation">
      <section class="thread" aria-labelledby="conv-title">
        <p class="back">
          <a href="#/inbox">← Inbox</a>
        </p>
        <h1 id="conv-title">
          <ChannelBadge channel={c.channel} /> {c.subject || detail.contact?.name || detail.contact?.email || `Conversation ${c.id.slice(-6)}`}
        </h1>
        <p class="meta">
          <span class={`status st-${c.status}`}>{c.status}</span> · owner <strong>{c.owner}</strong>
          {c.route && <> · route {c.route}</>}
          {c.assigneeId && <> · assigned to {c.assigneeId === me.id ? 'me' : 'a colleague'}</>}
          {newestTicket?.status === 'waiting' && (
            <>
              {' '}
              · <strong>{ticketRef(newestTicket)} waits on the customer</strong> (resolution clock paused until they reply)
            </>
          )}
        </p>
        <div class="labels" role="group" aria-label="Labels">
          {detail.labels.map((l) => (
            <LabelChip key={l.id} label={l} onRemove={() => void act(() => api('DELETE', `${base}/labels/${encodeURIComponent(l.id)}`))} />
          ))}
          {unusedLabels.length > 0 && (
            <label class="inline add-label">
              <span class="sr-only">Add label</span>
              <select
                value=""
                disabled={busy}
                onChange={(e) => {
                  const labelId = e.currentTarget.value;
                  if (labelId) void act(() => api('PUT', `${base}/labels/${encodeURIComponent(labelId)}`));
                }}
              >
                <option value="">+ label</option>
                {unusedLabels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
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
            <button type="button" onClick={post('assign', { userId: me.id })} disabled={busy} aria-keyshortcuts="a">
              Assign to me
            </button>
          )}
          {newestTicket && newestTicket.status !== 'resolved' && newestTicket.status !== 'waiting' && (
            <button
              type="button"
              onClick={() => void act(() => api('PATCH', `/v1/tickets/${encodeURIComponent(newestTicket.id)}`, { status: 'waiting' }))}
              disabled={busy}
              title={`Set ${ticketRef(newestTicket)} to waiting on the customer: its resolution clock stops until they reply`}
            >
              Wait on customer
            </button>
          )}
          {c.status !== 'resolved' && c.status !== 'closed' && (
            <button type="button" onClick={post('resolve')} disabled={busy} aria-keyshortcuts="e">
              Resolve
            </button>
          )}
          {detail.routes.length > 0 && (
            <label class="inline">
              Route
              <select
                aria-label="Route"
                value={c.route ?? ''}
                disabled={busy}
                title="Correct the route of the latest customer message (kept as training data)"
                onChange={(e) => {
                  const route = e.currentTarget.value;
                  if (route && route !== c.route) post('route', { route })();
                }}
              >
                {!c.route && <option value="">—</option>}
                {detail.routes.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {approval && (
          <ApprovalPanel
            approval={approval}
            ticket={approvalTicket ?? null}
            busy={busy}
            decide={(approve, note) => post('approval', { approve, ...(note ? { note } : {}) })()}
          />
        )}
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
                      📎 <AttachmentLink attachment={a} /> ({Math.ceil(a.size / 1024)} KB,{' '}
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
          <CannedPicker
            text={text}
            replies={canned}
            textarea={replyBox}
            values={{ 'contact.name': detail.contact?.name ?? null, 'contact.email': detail.contact?.email ?? null, 'agent.name': me.name, 'ticket.number': newestTicket ? ticketRef(newestTicket) : null }}
            onText={setText}
          />
          <textarea
            id="reply-text"
            ref={replyBox}
            rows={3}
            value={text}
            placeholder="Type / for canned replies"
            aria-describedby="reply-hint"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Ctrl/⌘+Enter sends, as in every support inbox.
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) reply(e);
            }}
          />
          <div class="row">
            <label class="inline">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> Internal note
            </label>
            <label class="inline">
              Attach files <input type="file" ref={files} multiple accept={REPLY_ATTACHMENT_LIMITS.types.join(',')} />
            </label>
            <span id="reply-hint" class="hint">
              / canned replies · Ctrl+Enter sends
            </span>
            <button type="submit" class="primary" disabled={busy || !text.trim()}>
              {internal ? 'Add note' : 'Send reply'}
            </button>
          </div>
        </form>
      </section>
      <Profile detail={detail} busy={busy} act={act} />
    </div>
  );
}

/** The customer: who they are on every channel, their other conversations and tickets, staff notes. */
function Profile({ detail, busy, act }: { detail: Detail; busy: boolean; act(work: () => Promise<unknown>): Promise<void> }) {
  const [note, setNote] = useState('');
  const contact = detail.contact;
  const phones = [...new Set(detail.identities.filter((i) => i.channel === 'sms').map((i) => i.address))];
  const contactPath = contact && `/v1/contacts/${encodeURIComponent(contact.id)}`;
  return (
    <aside class="side" aria-label="Customer profile">
      <h2>Customer</h2>
      <p class="profile-name">
        <strong>{contact?.name || detail.identities.find((i) => i.displayName)?.displayName || 'Name not known'}</strong>
      </p>
      <dl class="facts">
        <dt>Email</dt>
        <dd>{contact?.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : '—'}</dd>
        <dt>Phone</dt>
        <dd>{phones.length ? phones.join(', ') : '—'}</dd>
        <dt>Customer since</dt>
        <dd>{contact ? formatTime(contact.createdAt) : '—'}</dd>
      </dl>
      <h3>Identities</h3>
      <ul class="plain">
        {detail.identities.map((i) => (
          <li key={i.id}>
            <ChannelBadge channel={i.channel} /> {i.address}
            {i.verified ? ' ✓' : ''}
          </li>
        ))}
      </ul>
      {detail.possibleDuplicates.length > 0 && contact && (
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
                    void act(() => api('POST', `/v1/contacts/${encodeURIComponent(contact.id)}/merge`, { intoContactId: d.contactId }));
                  }}
                >
                  Merge
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Notes</h3>
      {contactPath && (
        <form
          class="note-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!note.trim()) return;
            void act(async () => {
              await api('POST', `${contactPath}/notes`, { text: note });
              setNote('');
            });
          }}
        >
          <label for="note-text" class="sr-only">
            Note about this customer
          </label>
          <textarea id="note-text" rows={2} value={note} placeholder="Note about this customer (staff only)" onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="submit" disabled={busy || !note.trim()}>
            Save note
          </button>
        </form>
      )}
      <ul class="plain notes">
        {detail.notes.map((n) => (
          <li key={n.id} class="note">
            <p>{n.text}</p>
            <small>
              {timeAgo(n.createdAt)} ago{' '}
              <button type="button" class="link" disabled={busy} onClick={() => void act(() => api('DELETE', `${contactPath}/notes/${encodeURIComponent(n.id)}`))}>
                Delete
              </button>
            </small>
          </li>
        ))}
      </ul>
      <h3>Tickets</h3>
      {detail.contactTickets.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="plain">
          {detail.contactTickets.map((t) => (
            <li key={t.id}>
              <a href={`#/tickets/${t.id}`}>
                {ticketRef(t)} {t.summary}
              </a>{' '}
              — {t.status}, {t.priority}
            </li>
          ))}
        </ul>
      )}
      <h3>Earlier conversations</h3>
      {detail.otherConversations.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="plain">
          {detail.otherConversations.map((o) => (
            <li key={o.id}>
              <ChannelBadge channel={o.channel} /> <a href={`#/c/${o.id}`}>{o.subject || formatTime(o.createdAt)}</a> — {o.status}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
