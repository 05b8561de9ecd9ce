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
