/**
 * Email threading that never splits a conversation: the Message-ID chain first (In-Reply-To and
 * References against the ids of stored messages), then the reply-address token
 * (`support+<conversation id>@domain`), then the normalised subject of the same sender.
 */

/** References kept in an outbound References header (the first one plus the newest). */
export const MAX_OUTBOUND_REFERENCES = 20;
/** The pipeline accepts at most this many references per inbound message. */
const MAX_INBOUND_REFERENCES = 100;
const MAX_ID_LENGTH = 998;

/**
 * Reply and forward prefixes of mail clients in many languages ("Re:", "RE :", "AW:", "SV:",
 * "Antw:", "R:", "Rif:", "回复:", "答复:", "转发:", "Отв:", "ΑΠ:"…), with a counter ("Re[2]:") and a
 * full-width colon, and "[list]" tags.
 */
const SUBJECT_PREFIX =
  /^\s*(?:(?:re|fwd?|aw|wg|sv|vs|vb|vl|tr|rv|r|ref|rif|antw|antwort|doorst|odp|pd|res|enc|ynt|ilt|vá|továbbítás|svar|atb|回复|回覆|答复|答覆|转发|轉寄|転送|返信|отв|пересл|απ|σχετ|πρθ)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*|\[[^\]]{0,100}\]\s*)/i;

/** "Re: [Ticket #12] AW: Order late" → "order late"; undefined when nothing is left. */
export function subjectKey(subject: string | undefined | null): string | undefined {
  if (!subject) return undefined;
  let rest = subject;
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = rest.replace(SUBJECT_PREFIX, '');
  }
  const key = rest.replace(/\s+/g, ' ').trim().toLowerCase();
  return key ? key.slice(0, MAX_ID_LENGTH) : undefined;
}

/** A subject for our reply: the customer's subject with one `Re:`. */
export function replySubject(subject: string | null | undefined): string {
  const base = (subject ?? '').replace(/^\s*(re\s*:\s*)+/i, '').trim();
  return `Re: ${base || 'Your message to our support team'}`;
}

/** `<id@host>` with the angle brackets every stored id carries; null for anything else. */
export function normaliseMessageId(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const inner = raw.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  if (!inner || /[\s<>]/.test(inner) || inner.length + 2 > MAX_ID_LENGTH) return null;
  return `<${inner}>`;
}

/** All ids this message answers (References, then In-Reply-To), deduplicated, newest kept. */
export function inboundReferences(inReplyTo: string | undefined, references: string | string[] | undefined): string[] {
  const all = [...(Array.isArray(references) ? references : references ? references.split(/\s+/) : []), ...(inReplyTo ? inReplyTo.split(/\s+/) : [])];
  const ids = [...new Set(all.map(normaliseMessageId).filter((id): id is string => id !== null))];
  return ids.slice(-MAX_INBOUND_REFERENCES);
}

/** The References header of a reply: the thread's root plus its newest ids, oldest first. */
export function outboundReferences(ids: string[]): string[] {
  const valid = [...new Set(ids.map(normaliseMessageId).filter((id): id is string => id !== null))];
  if (valid.length <= MAX_OUTBOUND_REFERENCES) return valid;
  return [valid[0]!, ...valid.slice(-(MAX_OUTBOUND_REFERENCES - 1))];
}

/** Our Message-ID for an outbound message: stable per message, so a resend after a crash is the same mail. */
export function outboundMessageId(messageId: string, domain: string): string {
  return `<${messageId.toLowerCase()}@${domain}>`;
}

/** `support@example.com` + conversation id → `support+<id>@example.com`. */
export function tokenAddress(address: string, conversationId: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+${conversationId.toLowerCase()}@${address.slice(at + 1)}`;
}

/** The conversation token in any of the addresses the customer wrote to, if one is ours. */
export function tokenFrom(recipients: string[], supportAddress: string | null): string | null {
  if (!supportAddress) return null;
  const at = supportAddress.lastIndexOf('@');
  const local = supportAddress.slice(0, at).toLowerCase();
  const domain = supportAddress.slice(at + 1).toLowerCase();
  for (const recipient of recipients) {
    const match = /^(.+)\+([0-9a-z]{26})@(.+)$/i.exec(recipient.trim());
    if (match && match[1]!.toLowerCase() === local && match[3]!.toLowerCase() === domain) return match[2]!.toUpperCase();
  }
  return null;
}
