import { InvalidInputError } from '../../core/errors.ts';
import type { Store } from '../../core/ports.ts';
import { createApiToken } from '../../core/staff-auth.ts';
import type { ApiToken } from '../../core/types.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';
import { withStore } from '../with-store.ts';

const USAGE = 'usage: frontdesk token create --name NAME [--user EMAIL] [--days N] | token list [--user EMAIL] | token revoke ID';

/** `frontdesk token create|list|revoke`: staff API tokens, for the operator. */
export async function token(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const command = sub === undefined ? undefined : COMMANDS[sub];
  if (!command) throw new InvalidInputError(USAGE);
  return command(rest, io);
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  /** Prints the token once. */
  async create(args, io) {
    const { values } = parseOptions(args, { name: { type: 'string' }, user: { type: 'string' }, days: { type: 'string' } }, false, USAGE);
    const name = values.name ?? 'api';
    const days = values.days === undefined ? null : Number(values.days);
    if (days !== null && !(days > 0)) throw new InvalidInputError('--days must be a positive number');
    return withStore(io, async (store) => {
      const userId = values.user ? (await userByEmail(store, values.user)).id : null;
      const { token: secret, record } = await createApiToken(store, { now: () => Date.now() }, { name, userId, ttlMs: days ? days * 86_400_000 : null });
      io.stdout.write(`${secret}\n`);
      io.stderr.write(`Created API token "${record.name}" (${record.prefix}…)${record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : ''}. It is shown only once.\n`);
      return 0;
    });
  },

  /** One line per token, newest first: never the secret, only its first characters. */
  async list(args, io) {
    const { values } = parseOptions(args, { user: { type: 'string' } }, false, 'usage: frontdesk token list [--user EMAIL]');
    return withStore(io, async (store) => {
      const only = values.user ? (await userByEmail(store, values.user)).id : undefined;
      const [tokens, users] = await Promise.all([store.repo.listApiTokens(), store.repo.listUsers()]);
      const emails = new Map(users.map((u) => [u.id, u.email]));
      const now = Date.now();
      const day = (at: number | null) => (at === null ? '-' : new Date(at).toISOString().slice(0, 16).replace('T', ' '));
      io.stdout.write('id\tprefix\tname\tuser\tstate\tcreated\texpires\tlast used\n');
      for (const t of tokens.filter((t) => only === undefined || t.userId === only)) {
        const owner = t.userId === null ? '(operator)' : (emails.get(t.userId) ?? t.userId);
        io.stdout.write(`${t.id}\t${t.prefix}…\t${t.name}\t${owner}\t${state(t, now)}\t${day(t.createdAt)}\t${day(t.expiresAt)}\t${day(t.lastUsedAt)}\n`);
      }
      return 0;
    });
  },

  async revoke(args, io) {
    const usage = 'usage: frontdesk token revoke ID (ids are listed by: frontdesk token list)';
    const { positionals } = parseOptions(args, {}, true, usage);
    if (positionals.length !== 1) throw new InvalidInputError(usage);
    const id = positionals[0]!;
    return withStore(io, async (store) => {
      if (!(await store.repo.revokeApiTokenById(id, Date.now()))) {
        const known = (await store.repo.listApiTokens()).some((t) => t.id === id);
        throw new InvalidInputError(known ? `token ${id} is already revoked` : `no token with id ${id} (see: frontdesk token list)`);
      }
      io.stdout.write(`Revoked token ${id}; it is refused from now on.\n`);
      return 0;
    });
  },
};

function state(t: ApiToken, now: number): string {
  if (t.revokedAt !== null) return 'revoked';
  return t.expiresAt !== null && t.expiresAt <= now ? 'expired' : 'active';
}

async function userByEmail(store: Store, email: string) {
  const found = await store.repo.findUserByEmail(email.trim().toLowerCase());
  if (!found) throw new InvalidInputError(`no user with email ${email} (create one with: frontdesk user create)`);
  return found;
}
