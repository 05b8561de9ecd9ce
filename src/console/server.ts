/**
 * The staff console's server side, mounted at /console: password login into a session, the
 * session cookie that the staff API (/v1) accepts, and the built single-page app.
 *
 * A session is a staff API token with a TTL; the HttpOnly cookie carries its secret, signed with
 * SESSION_SECRET. Requests authenticated by the cookie that change something must also carry
 * `X-Frontdesk-Csrf: 1` (a header no cross-site form can send, and no cross-origin script can
 * send without a CORS preflight we never grant) and, when the browser names it, our own Origin.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { z } from 'zod';
import { ForbiddenError, FrontdeskError, UnauthorizedError } from '../core/errors.ts';
import { newSecret } from '../core/ids.ts';
import { hashPassword, verifyPassword } from '../core/passwords.ts';
import type { Clock, Logger, Store } from '../core/ports.ts';
import { authenticateStaffToken, createApiToken, revokeApiToken, userDisabled } from '../core/staff-auth.ts';
import { errors, jsonBody, jsonResponse, routeFamily, TAGS } from '../http/api-doc.ts';
import { StaffUser } from '../http/api-schemas.ts';
import { readJson } from '../http/body.ts';
import { createLoginThrottle, type LoginThrottle } from '../http/ops/login-throttle.ts';
import { CONSOLE_BUNDLE, ensureBuilt, serveFile } from './assets.ts';
import { selfOnlyPagePolicy } from '../http/page-policy.ts';

/** The header that proves a cookie-authenticated mutation comes from the console's own scripts. */
export const CSRF_HEADER = 'x-frontdesk-csrf';
const SESSION_TTL_MS = 12 * 3_600_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** PUBLIC_URL: https here makes the cookie Secure (and __Host- prefixed). */
  publicUrl: string;
  /** SESSION_SECRET; null signs with a random key per process (sessions end at restart). */
  sessionSecret: string | null;
  /** Slows repeated failed sign-ins per (address, email) and per address (default: the built-in settings). */
  loginThrottle?: LoginThrottle;
}

/**
 * The console's page policy: its own scripts and styles only (the built index.html has no inline
 * script), article images from anywhere over https, and no framing by other sites.
 */
export const CONSOLE_CSP = selfOnlyPagePolicy("'self' data: https:");

export const LoginBody = z.object({ email: z.string().trim().toLowerCase().max(320), password: z.string().min(1).max(1024) });

const consoleRoute = routeFamily(TAGS.console, undefined);
const UserEnvelope = z.object({ user: StaffUser });

const NO_STAFF_USERS =
  'No staff user exists yet. Create the first (an admin) on the server: frontdesk user create --email E --name N --password P; or set FRONTDESK_ADMIN_EMAIL and FRONTDESK_ADMIN_PASSWORD and restart.';

export function createConsole(deps: ConsoleDeps) {
  const { store, clock, logger } = deps;
  const secure = new URL(deps.publicUrl).protocol === 'https:';
  const cookieName = secure ? '__Host-fd_session' : 'fd_session';
  const secret = deps.sessionSecret ?? newSecret('session');
  const publicOrigin = new URL(deps.publicUrl).origin;
  // Unknown emails still cost one scrypt, so timing does not reveal which accounts exist.
  const decoy = hashPassword(newSecret('decoy'));
  const throttle = deps.loginThrottle ?? createLoginThrottle(clock);

  /**
   * The staff token in the session cookie, or null without one. Throws 403 for a cookie-borne
   * mutation that cannot prove it comes from the console.
   */
  async function sessionToken(c: Context): Promise<string | null> {
    const token = await getSignedCookie(c, secret, cookieName);
    if (!token) return null;
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const sameOrigin = !origin || origin === publicOrigin || origin === new URL(c.req.url).origin;
      if (c.req.header(CSRF_HEADER) !== '1' || !sameOrigin) {
        throw new ForbiddenError(`Cookie-authenticated changes need the ${CSRF_HEADER} header from the console's own origin.`, 'csrf');
      }
    }
    return token;
  }

  async function currentUser(c: Context) {
    const token = await sessionToken(c);
    if (!token) throw new UnauthorizedError('Not signed in.', 'no_session');
    const principal = await authenticateStaffToken(store, clock, token);
    const user = principal.userId ? await store.repo.getUser(principal.userId) : null;
    if (!user) throw new UnauthorizedError('The session has no user.', 'no_session');
    return { id: user.id, email: user.email, name: user.name, role: user.role, available: user.available };
  }

  const app = new Hono();

  app.post('/api/login', consoleRoute('Sign in with email and password: sets the session cookie', {
    security: [],
    requestBody: jsonBody(LoginBody, { email: 'agent@example.com', password: 'correct horse battery staple' }),
    responses: { 200: jsonResponse('The signed-in user; the session cookie is set (HttpOnly, 12 hours)', UserEnvelope), ...errors(400, 401, 403, 429) },
  }), async (c) => {
    const body = await readJson(c, LoginBody);
    const address = c.get('clientIp');
    // Checked before the password: a refused attempt tells nothing about it.
    const wait = throttle.check(address, body.email);
    if (wait) {
      c.header('Retry-After', String(wait.retryAfterSeconds));
      throw new FrontdeskError('too_many_attempts', `Too many failed sign-ins; try again in ${wait.retryAfterSeconds} s.`, 429, { retryAfterSeconds: wait.retryAfterSeconds });
    }
    const user = await store.repo.findUserByEmail(body.email);
    // One scrypt whether or not the email names someone with a password (the decoy otherwise).
    const matches = await verifyPassword(body.password, user?.passwordHash ?? (await decoy));
    if (!user?.passwordHash || !matches) {
      throttle.failed(address, body.email);
      // Never the email: a log line must not say who is being targeted, nor hold personal data.
      (c.get('log') ?? logger).info({ knownUser: Boolean(user) }, 'console sign-in failed');
      // A new installation has nobody to sign in as; say how the first person gets in. Asked on
      // every failure, unknown email or wrong password alike, so both cost the same statements.
      if (!(await store.repo.hasUsers())) throw new UnauthorizedError(NO_STAFF_USERS, 'no_staff_users');
      throw new UnauthorizedError('Wrong email or password.', 'invalid_credentials');
    }
    throttle.succeeded(address, body.email);
    // After the password: without it nobody learns whether an account is disabled.
    if (user.disabledAt !== null) throw userDisabled();
    const { token } = await createApiToken(store, clock, { name: `console session: ${user.email}`, userId: user.id, ttlMs: SESSION_TTL_MS });
    await setSignedCookie(c, cookieName, token, secret, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
    return c.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role, available: user.available } });
  });

  app.post('/api/logout', consoleRoute('Sign out: revokes the session', {
    security: [{ staffSession: [] }],
    responses: { 200: jsonResponse('Signed out (also without a session)', z.object({ ok: z.literal(true) })), ...errors(403) },
  }), async (c) => {
    const token = await sessionToken(c);
    if (token) await revokeApiToken(store, clock, token);
    deleteCookie(c, cookieName, { path: '/', secure });
    return c.json({ ok: true });
  });

  app.get('/api/me', consoleRoute('The signed-in user', { security: [{ staffSession: [] }], responses: { 200: jsonResponse('The user of the session cookie', UserEnvelope), ...errors(401) } }), async (c) => c.json({ user: await currentUser(c) }));

  app.get('/', async (c) => serveApp(c, 'index.html'));
  app.get('/*', async (c) => {
    const path = c.req.path.replace(/^\/console\//, '');
    return serveApp(c, path);
  });

  async function serveApp(c: Context, path: string) {
    const outDir = await ensureBuilt(CONSOLE_BUNDLE, (line) => logger.info(line));
    const response = serveFile(c, outDir, path) ?? (path.startsWith('assets/') ? null : serveFile(c, outDir, 'index.html'));
    if (!response) return c.json({ error: { code: 'not_found', message: `No console asset ${path}.` } }, 404);
    response.headers.set('content-security-policy', CONSOLE_CSP);
    response.headers.set('x-content-type-options', 'nosniff');
    response.headers.set('x-frame-options', 'DENY');
    response.headers.set('referrer-policy', 'same-origin');
    return response;
  }

  return { app, sessionToken };
}
