/** The team, for admins: invite users (their first password is shown once), change roles, disable and enable users, sign a user out everywhere, list and revoke tokens. */
import { useEffect, useState } from 'preact/hooks';
import type { ApiToken } from '../../core/types.ts';
import type { StaffMember } from '../../http/inbox-routes.ts';
import { api, formatTime } from './api.ts';
import type { Me } from './main.tsx';

type Token = Omit<ApiToken, 'tokenHash'>;

function tokenState(t: Token): string {
  if (t.revokedAt !== null) return 'revoked';
  return t.expiresAt !== null && t.expiresAt <= Date.now() ? 'expired' : 'active';
}

function InviteForm({ onInvited }: { onInvited(user: StaffMember, password: string): void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'agent' | 'admin'>('agent');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const { user, password } = await api<{ user: StaffMember; password: string }>('POST', '/v1/users', { email, name, role });
      setEmail('');
      setName('');
      onInvited(user, password);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form class="filters" onSubmit={submit} aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <label>
        Email
        <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Name
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.currentTarget.value as 'agent' | 'admin')}>
          <option value="agent">agent</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <button type="submit" class="primary">
        Invite
      </button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

export function Team({ me }: { me: Me }) {
  const [users, setUsers] = useState<StaffMember[] | null>(null);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [invited, setInvited] = useState<{ email: string; password: string } | null>(null);
  const load = () =>
    Promise.all([api<{ users: StaffMember[] }>('GET', '/v1/users'), api<{ tokens: Token[] }>('GET', '/v1/tokens')])
      .then(([u, t]) => {
        setUsers(u.users);
        setTokens(t.tokens);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), []);
  const act = (work: () => Promise<unknown>, done: string) => {
    setError(null);
    return work()
      .then(() => setStatus(done))
      .then(load)
      .catch((e: Error) => setError(e.message));
  };
  const owner = (t: Token) => (t.userId === null ? 'operator' : (users?.find((u) => u.id === t.userId)?.email ?? 'a former user'));
  if (me.role !== 'admin') return <p role="alert">Only an admin can manage users and tokens.</p>;
  return (
    <section aria-labelledby="team-title">
      <h1 id="team-title">Team</h1>
      <InviteForm
        onInvited={(user, password) => {
          setInvited({ email: user.email, password });
          void load();
        }}
      />
      {invited && (
        <p class="notice" role="status">
          Invited {invited.email}. Their first password, shown only now: <code data-secret="password">{invited.password}</code>
        </p>
      )}
      {status && <p role="status">{status}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <h2>Users</h2>
      {users === null ? (
        <p>Loading…</p>
      ) : (
        <table class="list" data-table="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Live tokens</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.email}>
                <th scope="row">{u.name}</th>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => void act(() => api('PATCH', `/v1/users/${u.id}`, { role: e.currentTarget.value }), `${u.name} is now ${e.currentTarget.value}.`)}>
                    <option value="agent">agent</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>{u.disabledAt !== null ? 'disabled' : u.available ? 'available' : 'enabled'}</td>
                <td>{tokens.filter((t) => t.userId === u.id && tokenState(t) === 'active').length}</td>
                <td>
                  {u.disabledAt === null ? (
                    <button type="button" onClick={() => void act(() => api('PATCH', `/v1/users/${u.id}`, { disabled: true }), `${u.name} is disabled: they cannot sign in and their tokens are refused.`)}>
                      Disable
                    </button>
                  ) : (
                    <button type="button" onClick={() => void act(() => api('PATCH', `/v1/users/${u.id}`, { disabled: false }), `${u.name} is enabled again.`)}>
                      Enable
                    </button>
                  )}{' '}
                  <button type="button" onClick={() => void act(() => api('POST', `/v1/users/${u.id}/sign-out`), `${u.name} is signed out everywhere.`)}>
                    Sign out everywhere
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Tokens and sessions</h2>
      <table class="list" data-table="tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Owner</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-token={t.id}>
              <th scope="row">{t.name}</th>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{owner(t)}</td>
              <td>{tokenState(t)}</td>
              <td>{formatTime(t.createdAt)}</td>
              <td>{formatTime(t.lastUsedAt)}</td>
              <td>
                {tokenState(t) === 'active' && (
                  <button type="button" aria-label={`Revoke ${t.name} (${t.prefix}…)`} onClick={() => void act(() => api('DELETE', `/v1/tokens/${t.id}`), `Revoked ${t.name}.`)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
