/**
 * Role checks for the staff API (/v1). Agents work conversations, contacts, tickets and analytics;
 * admins may also change the knowledge base and the label set, export data, manage outgoing
 * webhooks, and manage the team's users and tokens (and, as they come, settings).
 * The admin-only routes are listed once here, so the README's API table and the test that walks
 * every staff route (test/integration/staff-roles.test.ts) have one place to agree with.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../core/errors.ts';
import type { StaffPrincipal, StaffRole } from '../core/staff-auth.ts';

/** A staff route, as registered on the /v1 staff app (paths relative to /v1). */
export interface StaffRouteKey {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
}

/** The staff routes only an admin may call; every other staff route is open to agents too. */
export const ADMIN_ONLY_ROUTES: readonly StaffRouteKey[] = [
  { method: 'POST', path: '/kb/articles' },
  { method: 'PUT', path: '/kb/articles/:slug' },
  { method: 'DELETE', path: '/kb/articles/:slug' },
  // Outgoing webhooks send conversation data elsewhere and hold signing secrets.
  { method: 'GET', path: '/webhooks' },
  { method: 'POST', path: '/webhooks' },
  { method: 'GET', path: '/webhooks/:id' },
  { method: 'PATCH', path: '/webhooks/:id' },
  { method: 'DELETE', path: '/webhooks/:id' },
  { method: 'POST', path: '/webhooks/:id/test' },
  // The label set is the team's shared vocabulary; agents put labels on conversations.
  { method: 'POST', path: '/labels' },
  { method: 'PATCH', path: '/labels/:labelId' },
  { method: 'DELETE', path: '/labels/:labelId' },
  // Every customer's conversations and messages at once: more than an agent's day-to-day work needs.
  { method: 'GET', path: '/exports/:kind' },
  // The team: who may sign in, as what, with which tokens (team-routes.ts).
  { method: 'POST', path: '/users' },
  { method: 'PATCH', path: '/users/:userId' },
  { method: 'POST', path: '/users/:userId/sign-out' },
  { method: 'GET', path: '/tokens' },
  { method: 'DELETE', path: '/tokens/:tokenId' },
];

/**
 * Middleware that lets the request through only when the authenticated staff member has `role`
 * (an admin has every role). Like hono's bearer-auth it throws: 401 from `authenticate`, or a
 * 403 `forbidden_role` the app's error mapping turns into `{error:{code,message}}`.
 */
export function requireRole(role: StaffRole, authenticate: (c: Context) => Promise<StaffPrincipal>): MiddlewareHandler {
  return async (c, next) => {
    const principal = await authenticate(c);
    if (principal.role !== 'admin' && principal.role !== role) {
      throw new ForbiddenError(`Only an ${role} may ${c.req.method} ${c.req.path}; you are signed in as ${principal.role}.`, 'forbidden_role');
    }
    await next();
  };
}
