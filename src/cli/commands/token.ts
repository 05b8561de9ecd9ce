import { loadConfig } from '../../../config/env.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { createApiToken } from '../../core/staff-auth.ts';
import { openStore } from '../../entry/node.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';

/** `frontdesk token create --name NAME [--user EMAIL] [--days N]`: prints the token once. */
export async function token(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new InvalidInputError('usage: frontdesk token create --name NAME [--user EMAIL] [--days N]');
  const { values } = parseOptions(rest, { name: { type: 'string' }, user: { type: 'string' }, days: { type: 'string' } });
  const name = values.name ?? 'api';
  const days = values.days === undefined ? null : Number(values.days);
  if (days !== null && !(days > 0)) throw new InvalidInputError('--days must be a positive number');
  const store = openStore(loadConfig(io.env));
  try {
    await store.migrate();
    let userId: string | null = null;
    if (values.user) {
      const user = await store.repo.findUserByEmail(values.user.toLowerCase());
      if (!user) throw new InvalidInputError(`no user with email ${values.user} (create one with: frontdesk user create)`);
      userId = user.id;
    }
    const { token: secret, record } = await createApiToken(store, { now: () => Date.now() }, { name, userId, ttlMs: days ? days * 86_400_000 : null });
    io.stdout.write(`${secret}\n`);
    io.stderr.write(`Created API token "${record.name}" (${record.prefix}…)${record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : ''}. It is shown only once.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
