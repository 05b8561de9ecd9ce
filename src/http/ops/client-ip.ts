import type { Context } from 'hono';

/**
 * The address a request comes from. Behind a reverse proxy (TRUST_PROXY=true) that is the last
 * X-Forwarded-For entry, the one our own proxy appended; earlier entries are whatever the client
 * sent and cannot be trusted for limits. Without a proxy, the socket's peer address.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  // @hono/node-server passes the Node request as env.incoming; other runtimes (and app.request in tests) have none.
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
