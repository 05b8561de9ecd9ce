/**
 * The chat panel. Message text is rendered as a text node (preact escapes it). The one exception
 * is `renderedHtml`, which the server renders from our replies' Markdown with its safe pipeline
 * (raw HTML escaped, only http/https/mailto links); the visitor's own messages never carry it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Attachments } from './attachments.tsx';
import { ApiError, type WidgetClient } from './client.ts';
import { loadSession, saveSession, type StoredSession } from './session.ts';
import type { WidgetConversation, WidgetMessage, WidgetSettings } from './types.ts';

const TYPING_TIMEOUT_MS = 20_000;

/** "orders" → "Orders"; agent names are route-like identifiers. */
function agentLabel(message: WidgetMessage): string {
  if (message.authorKind === 'human') return 'Support team · human';
  if (message.authorKind === 'system') return 'Frontdesk';
  const name = message.agentName ? message.agentName.replace(/[-_]+/g, ' ') : 'assistant';
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} agent · AI`;
}

function newClientId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The host site's signature of its signed-in user, when it passed both attributes. */
function signedUser(settings: WidgetSettings): { userId: string; userHash: string } | null {
  return settings.userId && settings.userHash ? { userId: settings.userId, userHash: settings.userHash } : null;
}

/** Keeps messages unique by id and in id order (ids sort by time). */
function merge(list: WidgetMessage[], incoming: WidgetMessage[]): WidgetMessage[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function Widget({ settings, client }: { settings: WidgetSettings; client: WidgetClient }) {
  const [open, setOpen] = useState(settings.open);
  const [session, setSession] = useState<StoredSession | null>(() => {
    const stored = loadSession(settings.apiUrl);
    // A session opened for another signed-in user is not this visitor's.
    return stored && stored.userId === settings.userId ? stored : null;
  });
  const [messages, setMessages] = useState<WidgetMessage[]>([]);
  const [conversation, setConversation] = useState<WidgetConversation | null>(null);
  const [typing, setTyping] = useState<string | null | false>(false);
  /** The bot reply being written (streamed pieces), until the stored message replaces it. */
  const [streaming, setStreaming] = useState<{ agent: string | null; text: string } | null>(null);
  const [connection, setConnection] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [thanked, setThanked] = useState(false);

  const lastId = useRef<string | null>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const add = useCallback((incoming: WidgetMessage[]) => {
    if (incoming.length === 0) return;
    setMessages((list) => {
      const merged = merge(list, incoming);
      lastId.current = merged.at(-1)?.id ?? null;
      return merged;
    });
    if (incoming.some((m) => m.direction === 'outbound')) {
      setTyping(false);
      setStreaming(null);
    }
  }, []);

  const remember = useCallback(
    (next: StoredSession | null) => {
      saveSession(settings.apiUrl, next);
      setSession(next);
    },
    [settings.apiUrl],
  );

  // A signed-in customer with no session on this device picks up their open conversation.
  useEffect(() => {
    const user = signedUser(settings);
    if (session || !user) return;
    let cancelled = false;
    client
      .resume(user.userId, user.userHash)
      .then(({ resume }) => {
        // A conversation this page started meanwhile (the visitor was quicker) wins.
        if (cancelled || !resume || loadSession(settings.apiUrl)?.userId === user.userId) return;
        remember({ conversationId: resume.conversation.id, visitorToken: resume.visitorToken, userId: user.userId, rated: false });
      })
      .catch(() => {
        // Only a convenience: without it the next message starts a new conversation for the same customer.
      });
    return () => {
      cancelled = true;
    };
  }, []);

  // History first, then the live stream from the newest message held.
  useEffect(() => {
    if (!session) return;
    let stop: (() => void) | null = null;
    let cancelled = false;
    client
      .history(session.conversationId, session.visitorToken)
      .then((page) => {
        if (cancelled) return;
        setConversation(page.conversation);
        add(page.messages);
      })
      .catch((e: unknown) => {
        // The conversation is gone or the token no longer fits: start afresh.
        if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) remember(null);
      })
      .finally(() => {
        if (cancelled) return;
        stop = client.follow(session.conversationId, session.visitorToken, () => lastId.current, {
          message: (m) => add([m]),
          status: setConversation,
          typing: (agent) => {
            setTyping(agent);
            clearTimeout(typingTimer.current);
            typingTimer.current = setTimeout(() => setTyping(false), TYPING_TIMEOUT_MS);
          },
          delta: (text, agent) => setStreaming((current) => ({ agent, text: (current?.text ?? '') + text })),
          connection: setConnection,
        });
      });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [session?.conversationId]);

  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, typing, streaming?.text.length, open]);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    launcher.current?.focus();
  };

  const ensureConversation = async (text?: string): Promise<StoredSession> => {
    if (session) return session;
    const started = await client.start({
      ...(text ? { text } : {}),
      ...(settings.name ? { name: settings.name } : {}),
      ...(settings.email ? { email: settings.email } : {}),
      ...signedUser(settings),
    });
    const next = { conversationId: started.conversation.id, visitorToken: started.visitorToken, userId: settings.userId, rated: false };
    setConversation(started.conversation);
    if (started.message) add([started.message]);
    remember(next);
    return next;
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 413 ? 'That message is too large to send. Please shorten it.' : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const send = (event?: Event) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    if (text.length > settings.maxChars) {
      setError(`Your message is too long (${text.length.toLocaleString('en')} characters). Please keep it under ${settings.maxChars.toLocaleString('en')}.`);
      return;
    }
    void run(async () => {
      if (!session) {
        await ensureConversation(text);
      } else {
        const { message } = await client.send(session.conversationId, session.visitorToken, text, newClientId());
        add([message]);
      }
      setDraft('');
    });
  };

  const handoff = () =>
    run(async () => {
      const current = await ensureConversation();
      const { message, reply } = await client.handoff(current.conversationId, current.visitorToken);
      add(reply ? [message, reply] : [message]);
    });

  const rate = (event: Event) => {
    event.preventDefault();
    if (!session || rating < 1) return;
    void run(async () => {
      await client.rate(session.conversationId, session.visitorToken, rating, comment.trim());
      remember({ ...session, rated: true });
      setThanked(true);
    });
  };

  const restart = () => {
    remember(null);
    setMessages([]);
    setConversation(null);
    setThanked(false);
    setRating(0);
    setComment('');
    lastId.current = null;
    input.current?.focus();
  };

  const resolved = conversation?.status === 'resolved' || conversation?.status === 'closed';
  const humanOwned = conversation?.owner === 'human';
  const typingLabel = useMemo(() => (typing === false ? null : `${typing ? `${typing.charAt(0).toUpperCase()}${typing.slice(1)} agent` : 'Someone'} is typing…`), [typing]);

  return (
    <div class="fd-root">
      {open && (
        <section
          class="fd-panel"
          role="dialog"
          aria-modal="false"
          aria-labelledby="fd-title"
          id="fd-panel"
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <header class="fd-header">
            <div>
              <h2 id="fd-title">{settings.title}</h2>
              <p class="fd-sub">
                {humanOwned ? 'A member of our team is with you' : 'AI assistant · a human is one click away'}
                {session && connection !== 'live' && <span class="fd-conn"> · {connection === 'offline' ? 'reconnecting…' : 'connecting…'}</span>}
              </p>
            </div>
            <button type="button" class="fd-icon" aria-label="Close chat" onClick={close}>
              ×
            </button>
          </header>
          <div class="fd-log" role="log" aria-live="polite" aria-relevant="additions" ref={log} tabIndex={0} aria-label="Conversation">
            <p class="fd-msg fd-out fd-greeting">{settings.greeting}</p>
            {messages.map((m) => (
              <div key={m.id} class={`fd-row ${m.direction === 'inbound' ? 'fd-mine' : 'fd-theirs'}`} data-message-id={m.id} data-author={m.authorKind}>
                {m.direction === 'outbound' && <span class="fd-author">{agentLabel(m)}</span>}
                {m.direction === 'outbound' && m.renderedHtml ? (
                  <div class="fd-msg fd-out fd-md" dangerouslySetInnerHTML={{ __html: m.renderedHtml }} />
                ) : (
                  <p class={`fd-msg ${m.direction === 'inbound' ? 'fd-in' : 'fd-out'}`}>{m.text}</p>
                )}
                {session && m.attachments && m.attachments.length > 0 && <Attachments files={m.attachments} token={session.visitorToken} client={client} />}
              </div>
            ))}
            {/* Hidden from screen readers: the finished message is announced once, not every piece. */}
            {streaming && (
              <div class="fd-row fd-theirs fd-streaming" aria-hidden="true">
                <p class="fd-msg fd-out">{streaming.text}</p>
              </div>
            )}
            {typingLabel && !streaming && (
              <p class="fd-typing" role="status">
                {typingLabel}
              </p>
            )}
          </div>
          {error && (
            <p class="fd-error" role="alert">
              {error}
            </p>
          )}
          {resolved && !session?.rated && !thanked ? (
            <form class="fd-csat" onSubmit={rate} aria-label="Rate this conversation">
              <fieldset>
                <legend>How did we do?</legend>
                <div class="fd-stars">
                  {[1, 2, 3, 4, 5].map((n) => (
                    <label key={n} class={n <= rating ? 'fd-on' : ''}>
                      <input type="radio" name="fd-rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
                      <span aria-hidden="true">★</span>
                      <span class="fd-sr">{n} of 5</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <label class="fd-sr" for="fd-comment">
                Comment (optional)
              </label>
              <textarea id="fd-comment" rows={2} placeholder="Anything to add? (optional)" value={comment} maxLength={2000} onInput={(e) => setComment(e.currentTarget.value)} />
              <button type="submit" class="fd-primary" disabled={rating < 1 || busy}>
                Send rating
              </button>
            </form>
          ) : resolved ? (
            <div class="fd-done">
              <p role="status">{thanked || session?.rated ? 'Thanks for your feedback!' : 'This conversation is resolved.'}</p>
              <button type="button" class="fd-secondary" onClick={restart}>
                Start a new conversation
              </button>
            </div>
          ) : (
            <form class="fd-compose" onSubmit={send}>
              <label class="fd-sr" for="fd-input">
                Your message
              </label>
              <textarea
                id="fd-input"
                ref={input}
                rows={2}
                placeholder="Type your message…"
                value={draft}
                onInput={(e) => setDraft(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
                }}
              />
              <div class="fd-actions">
                {!humanOwned && (
                  <button type="button" class="fd-secondary" onClick={() => void handoff()} disabled={busy}>
                    Talk to a human
                  </button>
                )}
                <button type="submit" class="fd-primary" disabled={busy || draft.trim() === ''}>
                  {busy ? 'Sending…' : 'Send'}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
      <button
        type="button"
        class="fd-launcher"
        ref={launcher}
        aria-expanded={open}
        aria-controls="fd-panel"
        aria-label={open ? 'Close chat' : `Open chat: ${settings.title}`}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {open ? '×' : '💬'}
      </button>
    </div>
  );
}
