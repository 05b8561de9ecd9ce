/** The console shell: sign-in gate, navigation, shortcut help and a hash router (#/inbox, #/c/<id>[/reply], #/tickets, #/analytics, #/kb, #/replies, #/team). */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Analytics } from './analytics.tsx';
import { api, ApiError } from './api.ts';
import { ConversationView } from './conversation.tsx';
import { Inbox } from './inbox.tsx';
import { ArticleEditor, KnowledgeList, NEW_ARTICLE } from './knowledge.tsx';
import { Library } from './library.tsx';
import { AvailabilityToggle } from './availability.tsx';
import { SHORTCUTS, useShortcuts } from './shortcuts.ts';
import './style.css';
import { Team } from './team.tsx';
import { TicketDetail, Tickets } from './tickets.tsx';

export interface Me {
  id: string;
  email: string;
  name: string;
  /** Agents work conversations and tickets; admins also change the knowledge base and manage the team. */
  role: 'agent' | 'admin';
  /** Takes round-robin assignments. */
  available: boolean;
}

/** A hash segment as it was before encodeURIComponent; a malformed one stays as it is. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/inbox');
  useEffect(() => {
    const update = () => setHash(location.hash || '#/inbox');
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash;
}

function Login({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await api<{ user: Me }>('POST', '/console/api/login', { email, password });
      onSignedIn(user);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Frontdesk console</h1>
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

/** `?` opens the list of keyboard shortcuts. */
function ShortcutHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useShortcuts({ '?': () => dialog.current?.showModal() });
  return (
    <dialog ref={dialog} aria-labelledby="help-title" class="help">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const hash = useHash();
  useEffect(() => {
    api<{ user: Me }>('GET', '/console/api/me')
      .then(({ user }) => setMe(user))
      .catch((e) => setMe(e instanceof ApiError && e.status === 401 ? null : null));
    const signedOut = () => setMe(null);
    window.addEventListener('frontdesk:signed-out', signedOut);
    return () => window.removeEventListener('frontdesk:signed-out', signedOut);
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me === null) return <Login onSignedIn={setMe} />;

  const [, page = 'inbox', id, sub] = hash.split('/');
  const logout = async () => {
    await api('POST', '/console/api/logout').catch(() => undefined);
    setMe(null);
  };
  const link = (target: string, label: string) => (
    <a href={`#/${target}`} aria-current={page === target || (target === 'inbox' && page === 'c') ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">Frontdesk</strong>
        <nav aria-label="Main">
          {link('inbox', 'Inbox')}
          {link('tickets', 'Tickets')}
          {link('analytics', 'Analytics')}
          {link('kb', 'Knowledge base')}
          {link('replies', 'Replies & labels')}
          {me.role === 'admin' && link('team', 'Team')}
        </nav>
        <span class="me">
          <AvailabilityToggle initial={me.available} /> {me.name}{' '}
          <button type="button" class="link" onClick={logout}>
            Sign out
          </button>
        </span>
      </header>
      <main class="page">
        {page === 'c' && id ? (
          <ConversationView key={id} id={id} me={me} focusReply={sub === 'reply'} />
        ) : page === 'tickets' && id ? (
          <TicketDetail id={id} me={me} />
        ) : page === 'tickets' ? (
          <Tickets />
        ) : page === 'analytics' ? (
          <Analytics me={me} />
        ) : page === 'kb' && id ? (
          <ArticleEditor key={id} slug={id === NEW_ARTICLE ? null : safeDecode(id)} canEdit={me.role === 'admin'} />
        ) : page === 'kb' ? (
          <KnowledgeList canEdit={me.role === 'admin'} />
        ) : page === 'replies' ? (
          <Library me={me} />
        ) : page === 'team' ? (
          <Team me={me} />
        ) : (
          <Inbox me={me} />
        )}
      </main>
      <ShortcutHelp />
      <p class="shortcut-hint">
        Press <kbd>?</kbd> for keyboard shortcuts
      </p>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
