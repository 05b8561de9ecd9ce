/**
 * The first admin of a new installation, from the environment (FRONTDESK_ADMIN_EMAIL and
 * FRONTDESK_ADMIN_PASSWORD). Where no command line reaches the store (Workers, a container
 * platform), this is how anyone gets into the console; once a staff user exists it does nothing,
 * so a changed or removed password in the console is never overwritten at the next start.
 */
import { newId } from './ids.ts';
import { hashPassword } from './passwords.ts';
import type { Clock, Store } from './ports.ts';
import type { User } from './types.ts';

/** An admin who can act: enabled. The installation needs one to manage its team. */
export const isActiveAdmin = (user: User): boolean => user.role === 'admin' && user.disabledAt === null;

export interface FirstAdmin {
  email: string;
  password: string;
}

/** Creates `admin` when the store has no staff user yet; returns the user created, else null. */
export async function ensureFirstAdmin(store: Store, clock: Clock, admin: FirstAdmin | null): Promise<User | null> {
  if (!admin) return null;
  const passwordHash = await hashPassword(admin.password);
  const name = admin.email.split('@')[0]!;
  try {
    return await store.transaction(async (repo) => {
      if (await repo.hasUsers()) return null;
      return repo.createUser({ id: newId(), email: admin.email, name, role: 'admin', passwordHash, slackUserId: null, createdAt: clock.now() });
    });
  } catch (error) {
    // Two replicas starting at once: the other one created the admin (the email is unique).
    if (await store.repo.hasUsers()) return null;
    throw error;
  }
}
