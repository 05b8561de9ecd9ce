import { ConflictError, InvalidInputError } from '../../core/errors.ts';
import { isActiveAdmin } from '../../core/first-admin.ts';
import { newId, newSecret } from '../../core/ids.ts';
import type { Store } from '../../core/ports.ts';
import { hashPassword } from '../../core/passwords.ts';
import type { User } from '../../core/types.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';
import { withStore } from '../with-store.ts';

const MIN_PASSWORD = 10;
const USAGE = 'usage: frontdesk user create --email E --name N [--password P] [--role agent|admin] [--slack USERID] | user list | user disable --email E | user enable --email E | user reset-password --email E [--password P]';

/** `frontdesk user create|list|disable|enable|reset-password`: staff accounts, for the operator. */
export async function user(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const command = sub === undefined ? undefined : COMMANDS[sub];
  if (!command) throw new InvalidInputError(USAGE);
  return command(rest, io);
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  async create(args, io) {
    const { values } = parseOptions(args, {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      slack: { type: 'string' },
    }, false, USAGE);
    const email = emailOption(values.email);
    const requested = values.role;
    if (requested !== undefined && requested !== 'agent' && requested !== 'admin') throw new InvalidInputError('--role must be agent or admin');
    const password = values.password ?? io.env.FRONTDESK_USER_PASSWORD;
    checkPassword(password);
    return withStore(io, async (store) => {
      if (await store.repo.findUserByEmail(email)) throw new ConflictError('user_exists', `a user with email ${email} already exists`);
      // The first user someone creates is the one who runs the installation: without an admin,
      // nobody could manage the team, the knowledge base or exports from the console.
      const firstAdmin = requested === undefined && !(await store.repo.listUsers()).some(isActiveAdmin);
      const role = requested ?? (firstAdmin ? 'admin' : 'agent');
      const created = await store.repo.createUser({
        id: newId(),
        email,
        name: values.name?.trim() || email,
        role,
        passwordHash: password ? await hashPassword(password) : null,
        slackUserId: values.slack ?? null,
        createdAt: Date.now(),
      });
      io.stdout.write(`Created ${created.role} ${created.email} (${created.id})${password ? '' : ' without a password (API and Slack only)'}${firstAdmin ? '; an admin, since there was none (--role agent for an agent)' : ''}.\n`);
      return 0;
    });
  },

  /** One line per user: email, role, name, whether a password is set, live tokens, disabled or available. */
  async list(args, io) {
    parseOptions(args, {}, false, 'usage: frontdesk user list');
    return withStore(io, async (store) => {
      const [users, tokens] = await Promise.all([store.repo.listUsers(), store.repo.listApiTokens()]);
      const now = Date.now();
      const live = (u: User) => tokens.filter((t) => t.userId === u.id && t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now)).length;
      io.stdout.write('email\trole\tname\tpassword\tlive tokens\tstate\tid\n');
      const state = (u: User) => (u.disabledAt !== null ? 'disabled' : u.available ? 'available' : 'enabled');
      for (const u of users) io.stdout.write(`${u.email}\t${u.role}\t${u.name}\t${u.passwordHash ? 'yes' : 'no'}\t${live(u)}\t${state(u)}\t${u.id}\n`);
      if (users.length === 0) io.stderr.write('No users yet (create one with: frontdesk user create).\n');
      return 0;
    });
  },

  /**
   * Disables a user: sign-in and every token of theirs (console sessions too) are refused with 403
   * user_disabled, and they get no round-robin assignments, until `user enable`. Their password
   * and tokens are kept, so enabling gives back exactly what they had.
   */
  async disable(args, io) {
    return setDisabled(args, io, true);
  },

  /** Lets a disabled user in again. */
  async enable(args, io) {
    return setDisabled(args, io, false);
  },

  /** Sets a new password: given, from FRONTDESK_USER_PASSWORD, or generated and printed once. */
  async 'reset-password'(args, io) {
    const { values } = parseOptions(args, { email: { type: 'string' }, password: { type: 'string' } }, false, 'usage: frontdesk user reset-password --email E [--password P]');
    const email = emailOption(values.email);
    const given = values.password ?? io.env.FRONTDESK_USER_PASSWORD;
    checkPassword(given);
    const password = given ?? newSecret('pw');
    return withStore(io, async (store) => {
      const found = await userByEmail(store, email);
      await store.repo.updateUser(found.id, { passwordHash: await hashPassword(password) });
      if (given === undefined) io.stdout.write(`${password}\n`);
      io.stderr.write(`Set a new password for ${found.email}${given === undefined ? ' (printed above, shown only once)' : ''}.\n`);
      return 0;
    });
  },
};

async function setDisabled(args: string[], io: Io, disabled: boolean): Promise<number> {
  const verb = disabled ? 'disable' : 'enable';
  const { values } = parseOptions(args, { email: { type: 'string' } }, false, `usage: frontdesk user ${verb} --email E`);
  const email = emailOption(values.email);
  return withStore(io, async (store) => {
    const found = await userByEmail(store, email);
    if ((found.disabledAt !== null) === disabled) {
      io.stdout.write(`${found.email} is already ${verb}d.\n`);
      return 0;
    }
    await store.repo.updateUser(found.id, { disabledAt: disabled ? Date.now() : null });
    io.stdout.write(disabled ? `Disabled ${found.email}: sign-in and their tokens are refused until \`frontdesk user enable\`.\n` : `Enabled ${found.email}.\n`);
    return 0;
  });
}

function emailOption(value: string | undefined): string {
  const email = value?.trim().toLowerCase();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new InvalidInputError('--email is required and must be an email address');
  return email;
}

function checkPassword(password: string | undefined) {
  if (password !== undefined && password.length < MIN_PASSWORD) throw new InvalidInputError(`the password must have at least ${MIN_PASSWORD} characters`);
}

async function userByEmail(store: Store, email: string): Promise<User> {
  const found = await store.repo.findUserByEmail(email);
  if (!found) throw new InvalidInputError(`no user with email ${email} (see: frontdesk user list)`);
  return found;
}
