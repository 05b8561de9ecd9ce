import { loadConfig } from '../../../config/env.ts';
import { ConflictError, InvalidInputError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { hashPassword } from '../../core/passwords.ts';
import { openStore } from '../../entry/node.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';

const MIN_PASSWORD = 10;

/** `frontdesk user create --email E --name N [--password P] [--role agent|admin] [--slack U123]` */
export async function user(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new InvalidInputError('usage: frontdesk user create --email E --name N [--password P] [--role agent|admin] [--slack USERID]');
  const { values } = parseOptions(rest, {
    email: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string' },
    slack: { type: 'string' },
  });
  const email = values.email?.trim().toLowerCase();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new InvalidInputError('--email is required and must be an email address');
  const role = values.role ?? 'agent';
  if (role !== 'agent' && role !== 'admin') throw new InvalidInputError('--role must be agent or admin');
  const password = values.password ?? io.env.FRONTDESK_USER_PASSWORD;
  if (password !== undefined && password.length < MIN_PASSWORD) throw new InvalidInputError(`the password must have at least ${MIN_PASSWORD} characters`);
  const store = openStore(loadConfig(io.env));
  try {
    await store.migrate();
    if (await store.repo.findUserByEmail(email)) throw new ConflictError('user_exists', `a user with email ${email} already exists`);
    const created = await store.repo.createUser({
      id: newId(),
      email,
      name: values.name?.trim() || email,
      role,
      passwordHash: password ? await hashPassword(password) : null,
      slackUserId: values.slack ?? null,
      createdAt: Date.now(),
    });
    io.stdout.write(`Created ${created.role} ${created.email} (${created.id})${password ? '' : ' without a password (API and Slack only)'}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
