import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../src/core/errors.ts';

/** Slack refuses replays older than five minutes; so do we. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** The `v0=` signature Slack puts in X-Slack-Signature for a body sent at `timestamp` (seconds). */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * Checks a request the way Slack signs it: HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the
 * app's signing secret, compared in constant time, timestamp within five minutes of `now`.
 * Throws UnauthorizedError otherwise.
 */
export function verifySlackRequest(input: { signingSecret: string; headers: Headers; rawBody: string; now: number }): void {
  const timestamp = input.headers.get('x-slack-request-timestamp');
  const signature = input.headers.get('x-slack-signature');
  if (!timestamp || !signature) {
    throw new UnauthorizedError('Missing X-Slack-Signature or X-Slack-Request-Timestamp.', 'slack_signature_missing');
  }
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(input.now - seconds * 1000) > SIGNATURE_TOLERANCE_MS) {
    throw new UnauthorizedError('The Slack request timestamp is too old or invalid.', 'slack_signature_stale');
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError('The Slack request signature does not match.', 'slack_signature_invalid');
  }
}
