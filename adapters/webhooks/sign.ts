/**
 * The signature on every outgoing webhook, in the style of Stripe and Slack:
 * `Frontdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>`.
 * The timestamp inside the signed text lets receivers refuse replays older than a few minutes.
 * README "Outgoing webhooks" gives the same recipe for receivers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Frontdesk-Signature';
export const EVENT_ID_HEADER = 'Frontdesk-Event-Id';
export const EVENT_TYPE_HEADER = 'Frontdesk-Event-Type';
/** How old a signature a receiver should accept by default (verifySignature). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The Frontdesk-Signature header value for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * Whether `header` signs `body` with `secret` and is no older than `toleranceSeconds`: what a
 * receiver checks (the test receiver uses it). Any v1 entry may match (several are sent while a
 * secret is being replaced); compared in constant time.
 */
export function verifySignature(secret: string, header: string, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return parts.some(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '') && timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
