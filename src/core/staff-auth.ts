/**
 * Staff API tokens: random secrets shown once, stored as SHA-256 hashes.
 */
import { ForbiddenError, UnauthorizedError } from './errors.ts';
import { hashSecret, newId, newSecret } from './ids.ts';
import type { Clock, Store } from './ports.ts';
import type { ApiToken, User } from './types.ts';

export const STAFF_TOKEN_PREFIX = 'fd';
/** lastUsedAt is refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface StaffPrincipal {
  tokenId: string;
  userId: string | null;
  name: string;
  /**
   * What the caller may do: the token's user's role, or `admin` for an operator token made
   * without a user (`frontdesk token create` without --user), which only the operator can mint.
   */
  role: StaffRole;
}

/** A staff member's role: agents work conversations and tickets, admins also manage the knowledge base, users and tokens. */
export type StaffRole = User['role'];

export async function createApiToken(
  store: Store,
  clock: Clock,
  input: { name: string; userId?: string | null; ttlMs?: number | null },
): Promise<{ token: string; record: ApiToken }> {
  const token = newSecret(STAFF_TOKEN_PREFIX);
  const now = clock.now();
  const record = await store.repo.createApiToken({
    id: newId(),
    userId: input.userId ?? null,
    name: input.name,
    tokenHash: hashSecret(token),
    prefix: token.slice(0, 8),
    createdAt: now,
    expiresAt: input.ttlMs ? now + input.ttlMs : null,
    lastUsedAt: null,
    revokedAt: null,
  });
  return { token, record };
}

/** Resolves a bearer token to a staff principal; throws 401 with the reason when it is not valid. */
export async function authenticateStaffToken(store: Store, clock: Clock, token: string): Promise<StaffPrincipal> {
  if (!token.startsWith(`${STAFF_TOKEN_PREFIX}_`)) throw new UnauthorizedError('This is not a staff API token.', 'invalid_token');
  const record = await store.repo.findApiTokenByHash(hashSecret(token));
  if (!record || record.revokedAt !== null) throw new UnauthorizedError('Unknown or revoked API token.', 'invalid_token');
  const now = clock.now();
  if (record.expiresAt !== null && record.expiresAt <= now) throw new UnauthorizedError('The API token has expired.', 'token_expired');
  const user = record.userId === null ? null : await store.repo.getUser(record.userId);
  if (record.userId !== null && !user) throw new UnauthorizedError("The API token's user no longer exists.", 'invalid_token');
  if (user?.disabledAt != null) throw userDisabled();
  if (record.lastUsedAt === null || now - record.lastUsedAt > TOUCH_INTERVAL_MS) await store.repo.touchApiToken(record.id, now);
  return { tokenId: record.id, userId: record.userId, name: record.name, role: user?.role ?? 'admin' };
}

/** The refusal for a disabled user's sign-in or token: 403, so clients do not ask again for a password. */
export function userDisabled(): ForbiddenError {
  return new ForbiddenError('This user is disabled (an operator can enable it with `frontdesk user enable`).', 'user_disabled');
}

/** Revokes a token by its secret (sign-out). */
export async function revokeApiToken(store: Store, clock: Clock, token: string): Promise<void> {
  await store.repo.revokeApiToken(hashSecret(token), clock.now());
}
