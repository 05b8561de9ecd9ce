/**
 * The team, for admins (/v1, admin-only in roles.ts): invite a staff user, change a role, disable
 * or enable a user, sign a user out everywhere, list and revoke API tokens. The directory itself (GET /v1/users) is open
 * to agents, who pick assignees from it (inbox-routes.ts).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { newId, newSecret } from '../core/ids.ts';
import { hashPassword } from '../core/passwords.ts';
import { isActiveAdmin } from '../core/first-admin.ts';
import type { Store } from '../core/ports.ts';
import type { StaffPrincipal } from '../core/staff-auth.ts';
import type { ApiToken } from '../core/types.ts';
import { errors, jsonBody, jsonResponse, staffRoute } from './api-doc.ts';
import { StaffMemberRecord, TokenRecord } from './api-schemas.ts';
import { readJson } from './body.ts';
import { staffMember as member } from './inbox-routes.ts';

export interface TeamRouteDeps {
  store: Store;
  now(): number;
  staff(c: Context): Promise<StaffPrincipal>;
}

const Role = z.enum(['agent', 'admin']);
const InviteBody = z.object({
  email: z.string().trim().toLowerCase().regex(/^[^@\s]+@[^@\s]+$/, 'email must be an email address').max(320),
  name: z.string().trim().min(1).max(200),
  role: Role.default('agent'),
});
const UserPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: Role.optional(),
    disabled: z.boolean().optional().describe('a disabled user cannot sign in, their tokens are refused and they get no assignments; enabling restores all of it'),
  })
  .refine((p) => p.name !== undefined || p.role !== undefined || p.disabled !== undefined, 'give name, role or disabled');

/** A token as admins see it: never the secret or its hash, only the first characters. */
const tokenView = ({ tokenHash: _hash, ...token }: ApiToken) => token;

export function createTeamRoutes(deps: TeamRouteDeps) {
  const { store } = deps;
  const app = new Hono();
  const userOr404 = async (id: string) => {
    const user = await store.repo.getUser(id);
    if (!user) throw new NotFoundError('user', id);
    return user;
  };

  /**
   * The new user gets a password shown once in the answer, for the admin to pass on; they sign in
   * with it (and an operator can set another with `frontdesk user reset-password`).
   */
  app.post('/users', staffRoute('Invite a staff user (admin)', {
    requestBody: jsonBody(InviteBody, { email: 'sam@northwind.example', name: 'Sam Lee', role: 'agent' }),
    responses: { 201: jsonResponse('The user and their first password, shown only here', z.object({ user: StaffMemberRecord, password: z.string() })), ...errors(403, 409) },
  }), async (c) => {
    await deps.staff(c);
    const body = await readJson(c, InviteBody);
    if (await store.repo.findUserByEmail(body.email)) throw new ConflictError('user_exists', `A user with email ${body.email} already exists.`);
    const password = newSecret('pw');
    const user = await store.repo.createUser({ id: newId(), email: body.email, name: body.name, role: body.role, passwordHash: await hashPassword(password), slackUserId: null, createdAt: deps.now() });
    return c.json({ user: member(user), password }, 201);
  });

  app.patch('/users/:userId', staffRoute("Rename a staff user, change their role, or disable or enable them (admin)", {
    requestBody: jsonBody(UserPatch, { role: 'admin' }),
    responses: { 200: jsonResponse('The user', z.object({ user: StaffMemberRecord })), ...errors(403, 404, 409) },
  }), async (c) => {
    await deps.staff(c);
    const patch = await readJson(c, UserPatch);
    const user = await store.transaction(async (repo) => {
      const current = await repo.getUser(c.req.param('userId'));
      if (!current) throw new NotFoundError('user', c.req.param('userId'));
      // Someone must be left who can manage the team.
      const losesAdmin = patch.role === 'agent' || patch.disabled === true;
      if (isActiveAdmin(current) && losesAdmin && (await repo.listUsers()).filter(isActiveAdmin).length === 1) {
        throw new ConflictError('last_admin', `${current.email} is the only admin; make someone else admin first.`);
      }
      const { disabled, ...fields } = patch;
      // Disabling again keeps the time it was first disabled.
      const disabledAt = disabled === undefined ? {} : { disabledAt: disabled ? (current.disabledAt ?? deps.now()) : null };
      await repo.updateUser(current.id, { ...fields, ...disabledAt });
      return (await repo.getUser(current.id))!;
    });
    return c.json({ user: member(user) });
  });

  app.post('/users/:userId/sign-out', staffRoute('Sign a staff user out everywhere: every console session and API token of theirs ends now (admin)', {
    responses: { 200: jsonResponse('How many tokens were ended', z.object({ revoked: z.number().int() })), ...errors(403, 404) },
  }), async (c) => {
    await deps.staff(c);
    const user = await userOr404(c.req.param('userId'));
    return c.json({ revoked: await store.repo.revokeUserTokens(user.id, deps.now()) });
  });

  app.get('/tokens', staffRoute('Every API token and console session, revoked and expired ones too, newest first (admin)', {
    responses: { 200: jsonResponse('Tokens, without their secrets', z.object({ tokens: z.array(TokenRecord) })), ...errors(403) },
  }), async (c) => {
    await deps.staff(c);
    return c.json({ tokens: (await store.repo.listApiTokens()).map(tokenView) });
  });

  app.delete('/tokens/:tokenId', staffRoute('Revoke a token now; its later use answers 401 (admin)', {
    responses: { 200: jsonResponse('Revoked', z.object({ revoked: z.literal(true) })), ...errors(403, 404, 409) },
  }), async (c) => {
    await deps.staff(c);
    const id = c.req.param('tokenId');
    if (await store.repo.revokeApiTokenById(id, deps.now())) return c.json({ revoked: true as const });
    const known = (await store.repo.listApiTokens()).some((t) => t.id === id);
    if (known) throw new ConflictError('already_revoked', `Token ${id} is already revoked.`);
    throw new NotFoundError('token', id);
  });

  return app;
}
