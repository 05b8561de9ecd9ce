/**
 * Who may use the web visitor API: a conversation's visitor token, and the host site's signatures
 * of a signed-in user (identity verification). Not a provider signature: the web channel has none.
 */
import { createHmac } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from '../../src/core/errors.ts';
import { hashSecret, sameHash } from '../../src/core/ids.ts';
import type { Conversation } from '../../src/core/types.ts';

export const VISITOR_TOKEN_PREFIX = 'fdv';

/** The bearer token of a request: Authorization header, or ?token= for EventSource (no headers). */
export function bearerToken(authorization: string | undefined, queryToken: string | undefined): string | null {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1] ?? queryToken ?? null;
}

export function isVisitorToken(token: string): boolean {
  return token.startsWith(`${VISITOR_TOKEN_PREFIX}_`);
}

/** Visitors may only touch their own conversation. */
export function verifyVisitor(conversation: Conversation, token: string | null): void {
  if (!token) throw new UnauthorizedError('A visitor token (Authorization: Bearer fdv_…) is required.');
  if (!conversation.visitorTokenHash || !sameHash(conversation.visitorTokenHash, hashSecret(token))) {
    throw new ForbiddenError('This visitor token does not belong to this conversation.', 'wrong_visitor_token');
  }
}

/** The hex HMAC-SHA256 of a user id the host site computes server-side (`user_hash`). */
export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `userHash` is the host site's signature of `userId`; compared in constant time. */
export function isValidUserHash(secret: string, userId: string, userHash: string): boolean {
  return /^[0-9a-f]{64}$/i.test(userHash) && sameHash(userHashOf(secret, userId), userHash.toLowerCase());
}

/**
 * The hex HMAC-SHA256 the host site computes to vouch for a signed-in user's email (`email_hash`):
 * over a fixed label, the user id and the trimmed, lower-cased email, one per line, so it is bound
 * to that user and can be neither a user hash nor another user's proof.
 */
export function emailHashOf(secret: string, userId: string, email: string): string {
  return createHmac('sha256', secret).update(`email\n${userId}\n${email.trim().toLowerCase()}`, 'utf8').digest('hex');
}

/** Whether `emailHash` is the host site's signature of this user's email; compared in constant time. */
export function isValidEmailHash(secret: string, userId: string, email: string, emailHash: string): boolean {
  return /^[0-9a-f]{64}$/i.test(emailHash) && sameHash(emailHashOf(secret, userId, email), emailHash.toLowerCase());
}

/**
 * The visitor token of a signed-in user's conversation, derived rather than random: every device
 * that proves the same user id gets the same token, so nothing per device is stored and the
 * conversation keeps its single `visitorTokenHash`. The conversation id (a ULID, no newline) comes
 * first and a fixed label separates it from `userHashOf`, so no user id can collide with another
 * pair or make a token equal to a user hash.
 */
export function signedVisitorToken(secret: string, conversationId: string, userId: string): string {
  const mac = createHmac('sha256', secret).update(`visitor-token\n${conversationId}\n${userId}`, 'utf8').digest('base64url');
  return `${VISITOR_TOKEN_PREFIX}_${mac}`;
}
