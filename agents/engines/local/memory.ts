/**
 * What a conversation has established, kept in the conversation's agent state between turns: the
 * order under discussion and which orders the customer proved are theirs, the topic last answered
 * (so "and on Sunday?" can be understood), and what the bot is waiting for.
 *
 * The state is stored JSON, so it is read defensively: anything malformed is forgotten, never
 * trusted.
 */
import { z } from 'zod';

const Topic = z.object({
  route: z.string(),
  intent: z.string(),
  /** The words the answer was found with; a follow-up is searched together with them. */
  query: z.string().max(2_000),
  slug: z.string().nullable().default(null),
});

export const Memory = z.object({
  topic: Topic.nullable().default(null),
  /** The order the conversation is about. */
  orderId: z.string().nullable().default(null),
  /**
   * The order + email check in this conversation: orders proved to be the customer's and wrong
   * emails given. The model engine keeps the same shape under the same key, so either engine
   * continues what the other started.
   */
  orderVerification: z
    .object({ verified: z.array(z.string()).default([]), failures: z.number().int().min(0).default(0) })
    .default({ verified: [], failures: 0 }),
  /** An email address the customer typed (unproven): checked against the order they name next. */
  typedEmail: z.string().max(320).nullable().default(null),
  /** What the last reply asked the customer for. */
  awaiting: z.enum(['order_id', 'order_email']).nullable().default(null),
  /** The intent that waits for the answer (an order status question while waiting for the order id). */
  pendingIntent: z.string().nullable().default(null),
  /** The ticket the bot opened in this conversation. */
  ticketId: z.string().nullable().default(null),
});
export type Memory = z.infer<typeof Memory>;

export const EMPTY_MEMORY: Memory = Memory.parse({});

export function readMemory(state: Record<string, unknown> | null | undefined): Memory {
  if (!state) return EMPTY_MEMORY;
  // Older states kept { awaiting: 'order_id', intent } at the top level.
  const legacy = typeof state.intent === 'string' && state.pendingIntent === undefined ? { pendingIntent: state.intent } : {};
  const parsed = Memory.safeParse({ ...state, ...legacy });
  return parsed.success ? parsed.data : EMPTY_MEMORY;
}

/** Words that open a follow-up to what was just said ("and on Sunday?", "what about PayPal?"). */
const FOLLOW_UP_OPENER = /^\s*(and|also|plus|or|but|then|so|what about|how about|same for|and what about|and how about|what if|ok and|okay and|what of)\b/i;
/** A correction of what was just asked ("sorry, I meant express"): the topic stays, one detail changes. */
const CORRECTION = /^\s*(sorry|oops|no|nope|wait)?[,.!\s]*(i meant|i mean|meant|actually i meant|correction|i should have said)\b/i;
/** Words that point back at something said before. */
const POINTS_BACK = /\b(it|that|this|those|them|they|same|one|there)\b/i;
/** Whether the message points back at something said before ("can I use more than one?"). */
export const pointsBack = (text: string) => POINTS_BACK.test(text);

/**
 * Whether a message continues the previous topic rather than starting one: it opens like a
 * follow-up, or it is short and points back, or it is short and says too little to stand alone.
 */
export function isFollowUp(text: string, contentWordCount: number, standsAlone: boolean): boolean {
  if (FOLLOW_UP_OPENER.test(text) || CORRECTION.test(text)) return true;
  if (contentWordCount <= 3 && pointsBack(text)) return true;
  // One word ("sun?", "PayPal?") never stands alone after a topic, whatever triage makes of it.
  return contentWordCount <= 1 || (contentWordCount <= 2 && !standsAlone);
}
