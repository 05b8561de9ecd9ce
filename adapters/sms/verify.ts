import twilio from 'twilio';
import { ForbiddenError } from '../../src/core/errors.ts';
import type { FormParams } from './parse.ts';

const firstValue = (header: string | null) => header?.split(',')[0]?.trim() || null;

/**
 * The URL Twilio called, as Twilio saw it: PUBLIC_URL (with its base path and any basic-auth
 * credentials: Twilio signs the webhook URL as configured, `https://user:pass@host/…`, and
 * twilio.validateRequest compares it with the user info kept) plus the request's path and query.
 * Behind a trusted proxy, X-Forwarded-Proto/Host name the scheme and host instead; otherwise
 * those headers are ignored, since anyone can send them.
 */
export function signedUrl(requestUrl: string, headers: Headers, options: { publicUrl: string; trustProxy: boolean }): string {
  const requested = new URL(requestUrl);
  const base = new URL(options.publicUrl);
  if (options.trustProxy) {
    const proto = firstValue(headers.get('x-forwarded-proto'));
    const host = firstValue(headers.get('x-forwarded-host'));
    if (proto === 'http' || proto === 'https') base.protocol = `${proto}:`;
    if (host) {
      base.host = host;
      // The host setter keeps PUBLIC_URL's port when the forwarded host names none.
      if (!/:\d+$/.test(host)) base.port = '';
    }
  }
  const userInfo = base.username ? `${base.username}${base.password ? `:${base.password}` : ''}@` : '';
  return `${base.protocol}//${userInfo}${base.host}${base.pathname.replace(/\/$/, '')}${requested.pathname}${requested.search}`;
}

/** A URL without its user info, for logs and for links that leave Frontdesk (never the credentials). */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * Checks X-Twilio-Signature (HMAC-SHA1 of the URL and the sorted parameters, keyed with the auth
 * token) with Twilio's own validator. Throws ForbiddenError (403) when it is missing or wrong.
 */
export function verifyTwilioSignature(input: {
  authToken: string;
  signature: string | null;
  url: string;
  params: FormParams;
}): void {
  if (!input.signature) throw new ForbiddenError('The X-Twilio-Signature header is missing.', 'invalid_signature');
  if (!twilio.validateRequest(input.authToken, input.signature, input.url, input.params)) {
    throw new ForbiddenError('The X-Twilio-Signature does not match this request.', 'invalid_signature');
  }
}
