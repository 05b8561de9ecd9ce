/**
 * One raw RFC 5322 message → the pipeline's InboundMessage: mailparser does MIME and charsets;
 * here we pick the sender identity, the customer's new words, threading hints, size-limited
 * attachments and the signs of an automatic message (which is stored but never answered).
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import type { AttachmentInput, InboundMessage } from '../../src/core/types.ts';
import { storableText } from '../../src/core/text.ts';
import { clip } from './format.ts';
import { extractReply } from './quotes.ts';
import { inboundReferences, normaliseMessageId, subjectKey, tokenFrom } from './threading.ts';

export interface ParseOptions {
  /** Larger attachments are recorded (name, type, size) without their bytes. */
  maxAttachmentBytes: number;
  /** Our support address, to recognise reply-address tokens. */
  supportAddress: string | null;
  receivedAt: number;
}

export interface ParsedEmail {
  inbound: InboundMessage & { thread: NonNullable<InboundMessage['thread']> };
  /** The conversation id from a `support+<token>@` recipient, not yet checked against the sender. */
  token: string | null;
  /** A digest of what the sender wrote (not of transport headers): tells a re-delivery from a reused Message-ID. */
  contentHash: string;
  /**
   * Mail from our own address with no one else to answer (no foreign Reply-To, which a web form
   * sending as us would carry): our own replies coming back (a Bcc to ourselves, a relay that
   * rewrote their Message-ID, a mailbox that files sent mail in its inbox). Never a customer's.
   */
  fromUs: boolean;
}

/** Senders that are machines answering machines. */
const SYSTEM_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const NO_REPLY_SENDER = /^(no-?reply|do-?not-?reply|bounces?)([+._-][^@]*)?@/i;
/** Precedence values that always mean a machine; `bulk` and `list` alone do not (see automaticReason). */
const AUTOMATIC_PRECEDENCE = new Set(['auto_reply', 'junk']);
const LIST_PRECEDENCE = new Set(['bulk', 'list']);
const UNKNOWN_SENDER = 'unknown-sender@invalid';
/** People kept in CC of our reply, at most. */
const MAX_CC = 20;

/** Windows-1252's printable characters at 0x80–0x9F (Node's decoder treats the label as Latin-1). */
const CP1252_HIGH = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

/**
 * Headers in 8-bit bytes that are not UTF-8 (old mailers write Latin-1 or Windows-1252 straight
 * into Subject and From) are re-encoded, so names and subjects survive instead of turning into
 * replacement characters. Bodies carry their own charset and are left alone.
 */
export function repairHeaderBytes(raw: Buffer): Buffer {
  let end = raw.indexOf('\r\n\r\n');
  if (end === -1) end = raw.indexOf('\n\n');
  if (end === -1) end = raw.length;
  const head = raw.subarray(0, end);
  if (!head.some((byte) => byte >= 0x80)) return raw;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head);
    return raw;
  } catch {
    const text = Array.from(head, (byte) => (byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] ?? '') : String.fromCharCode(byte))).join('');
    return Buffer.concat([Buffer.from(text, 'utf8'), raw.subarray(end)]);
  }
}

function headerText(value: HeaderValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => headerText(v as HeaderValue)).join(', ');
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value ?? '');
  return String(value);
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  const flat = (entries: AddressObject['value']): { address: string; name: string }[] =>
    entries.flatMap((e) => (e.group ? flat(e.group) : e.address ? [{ address: e.address, name: e.name ?? '' }] : []));
  return list.flatMap((f) => flat(f.value));
}

/** The identity address: trimmed and lower-cased, so one person is one contact. */
export function normaliseAddress(address: string): string | null {
  const value = address.trim().replace(/^<|>$/g, '').toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(value) && value.length <= 320 ? value : null;
}

/** mailparser gathers the List-* headers (RFC 2369/2919) under one `list` entry: `list.id`, `list.post`… */
function hasListHeader(mail: ParsedMail, field: 'id' | 'post' | 'unsubscribe'): boolean {
  const list = mail.headers.get('list') as Record<string, unknown> | undefined;
  return !!list && field in list;
}

/**
 * Why a message is automatic (auto-reply, bounce, bulk), or null for a person's mail.
 * `Precedence: list|bulk` alone is not enough: mailing lists, Google Groups and some gateways set
 * it on a person's mail. Newsletters and notifications are bulk: they carry `List-Unsubscribe`
 * without a `List-Post` (nobody is meant to write back), or come from a no-reply sender.
 */
export function automaticReason(mail: ParsedMail, sender: string): string | null {
  const header = (name: string) => headerText(mail.headers.get(name)).trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted}`;
  if (mail.headers.has('x-autoreply')) return 'x-autoreply';
  if (mail.headers.has('x-autorespond')) return 'x-autorespond';
  const precedence = header('precedence');
  if (AUTOMATIC_PRECEDENCE.has(precedence)) return `precedence: ${precedence}`;
  const unsubscribe = hasListHeader(mail, 'unsubscribe');
  const discussion = hasListHeader(mail, 'post');
  if (unsubscribe && !discussion) return LIST_PRECEDENCE.has(precedence) ? `bulk mail (precedence: ${precedence})` : 'bulk mail (list-unsubscribe)';
  const contentType = header('content-type');
  if (contentType.startsWith('multipart/report')) return 'delivery report';
  if (SYSTEM_SENDER.test(sender)) return 'system sender';
  if (NO_REPLY_SENDER.test(sender)) return 'no-reply sender';
  if (sender === UNKNOWN_SENDER) return 'no sender address';
  return null;
}

/**
 * The text of a message that has only HTML in a multipart (alternative without a text part,
 * HTML + PDF, HTML + inline image): mailparser converts HTML to text only for a single-part
 * HTML message, so the HTML is handed back to it as one (its own html-to-text conversion, with
 * its size and nesting limits). Quoted history in `<blockquote>` comes back `>`-quoted.
 */
export async function htmlBodyText(html: string): Promise<string> {
  const single = Buffer.from(`Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}`, 'utf8');
  const parsed = await simpleParser(single, { skipTextToHtml: true, skipImageLinks: true });
  // Inline images come back as "[cid:…]" links: noise to a reader, the image is an attachment.
  return (parsed.text ?? '').replace(/ ?\[cid:[^\]\s]+\]/g, '');
}

/** Whether an address is ours: the support address or one of its `+token` variants. */
function isOurs(address: string, ours: string | null): boolean {
  if (!ours) return false;
  const at = ours.lastIndexOf('@');
  const [local, domain] = [ours.slice(0, at), ours.slice(at + 1)];
  return address === ours || (address.endsWith(`@${domain}`) && address.startsWith(`${local}+`));
}

/** Parses one raw message. Never throws for malformed mail: whatever can be read is kept. */
export async function parseEmail(raw: Buffer, options: ParseOptions): Promise<ParsedEmail> {
  const mail = await simpleParser(repairHeaderBytes(raw), { skipTextToHtml: true, skipImageLinks: true });
  const ours = options.supportAddress?.toLowerCase() ?? null;
  const sender = addresses(mail.from)[0];
  const fromAddress = (sender && normaliseAddress(sender.address)) ?? UNKNOWN_SENDER;
  // The person who wrote is whoever gets our answer: the Reply-To (a web form sending for a
  // customer, a second address of the same person), else the From. List mail keeps the From:
  // its Reply-To is the list. The contact is that address, so order details are only ever
  // verified for the mailbox the reply goes to (a forged From with a foreign Reply-To gets nothing).
  const listMail = hasListHeader(mail, 'id') || hasListHeader(mail, 'post');
  const replyToEntry = listMail ? undefined : addresses(mail.replyTo).find((r) => normaliseAddress(r.address) && !isOurs(normaliseAddress(r.address)!, ours));
  const person = replyToEntry ?? sender;
  const address = (person && normaliseAddress(person.address)) ?? fromAddress;
  const name = person?.name ? clip(storableText(person.name).replace(/\s+/g, ' ').trim(), 200) : '';
  const direct = [...addresses(mail.to), ...addresses(mail.cc)].map((r) => ({ ...r, address: r.address.toLowerCase() }));
  const recipients = [...direct.map((r) => r.address), ...addresses(headerToAddresses(mail, 'delivered-to')).map((r) => r.address.toLowerCase())];
  const to = recipients.find((r) => ours && (r === ours || r.endsWith(`@${ours.split('@')[1]}`))) ?? recipients[0];
  // Everyone else the customer wrote to stays in the conversation ("reply all"); a list is
  // answered privately, without copying the list.
  const cc = listMail ? [] : [...new Set(direct.map((r) => normaliseAddress(r.address)).filter((r): r is string => !!r && r !== address && r !== fromAddress && !isOurs(r, ours)))].slice(0, MAX_CC);

  const subject = mail.subject ? clip(storableText(mail.subject).replace(/\s+/g, ' ').trim(), 998) : undefined;
  const plain = storableText(mail.text ?? '').trim();
  const body = plain || (mail.html ? storableText(await htmlBodyText(mail.html)).trim() : '');
  const reply = extractReply(body, { subject: subject ?? null });
  const { attachments, omitted } = limitAttachments(mail, options.maxAttachmentBytes);
  const text = reply.text || subject || (attachments.length > 0 ? `[${attachments.length} attachment(s), no text]` : '[empty message]');

  const contentHash = createHash('sha256')
    .update(JSON.stringify([address, subject ?? '', body, mail.html || '', attachments.map((a) => [a.filename, a.size])]))
    .digest('hex');
  const messageId =
    normaliseMessageId(mail.messageId) ?? `<sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@frontdesk.invalid>`;
  const automatic = automaticReason(mail, address);

  const inbound: ParsedEmail['inbound'] = {
    channel: 'email',
    from: { address, ...(name ? { name } : {}), ...(address !== UNKNOWN_SENDER ? { email: address } : {}) },
    ...(to ? { to: clip(to, 320) } : {}),
    text,
    ...(reply.trimmed || text !== body ? { original: body } : {}),
    ...(mail.html ? { html: storableText(mail.html) } : {}),
    ...(subject ? { subject } : {}),
    attachments,
    providerMessageId: messageId,
    receivedAt: options.receivedAt,
    thread: {
      references: inboundReferences(mail.inReplyTo, mail.references).filter((id) => id !== messageId),
      ...(subjectKey(subject) ? { subjectKey: subjectKey(subject) } : {}),
    },
    ...(automatic ? { noReply: true } : {}),
    meta: {
      email: {
        ...(mail.date && !Number.isNaN(mail.date.getTime()) ? { date: mail.date.toISOString() } : {}),
        ...(automatic ? { automatic } : {}),
        ...(omitted.length > 0 ? { omittedAttachments: omitted } : {}),
        ...(reply.forwarded ? { forwarded: true } : {}),
        ...(fromAddress !== address ? { from: fromAddress } : {}),
        ...(address !== UNKNOWN_SENDER ? { replyTo: { address, ...(name ? { name } : {}) } } : {}),
        ...(cc.length > 0 ? { cc } : {}),
        contentHash,
      },
    },
  };
  return { inbound, token: tokenFrom(recipients, ours), contentHash, fromUs: isOurs(address, ours) };
}

function headerToAddresses(mail: ParsedMail, name: string): AddressObject | undefined {
  const value = headerText(mail.headers.get(name));
  if (!value) return undefined;
  return { value: value.split(',').map((a) => ({ address: a.trim().replace(/^<|>$/g, ''), name: '' })), html: '', text: value };
}

function limitAttachments(mail: ParsedMail, maxBytes: number) {
  const attachments: AttachmentInput[] = [];
  const omitted: { filename: string; size: number; reason: string }[] = [];
  mail.attachments.forEach((part, index) => {
    const filename = clip(storableText(part.filename ?? `attachment-${index + 1}`), 255) || `attachment-${index + 1}`;
    const contentType = clip(part.contentType || 'application/octet-stream', 255);
    const size = part.content?.length ?? part.size ?? 0;
    if (size > maxBytes) {
      omitted.push({ filename, size, reason: `larger than the ${maxBytes}-byte limit` });
      attachments.push({ filename, contentType, size });
    } else {
      attachments.push({ filename, contentType, size, data: new Uint8Array(part.content) });
    }
  });
  return { attachments, omitted };
}
