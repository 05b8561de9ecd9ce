/**
 * Files in staff replies go out as MMS: Twilio fetches each one from a MediaUrl, so Frontdesk
 * serves it at a link that names the file, when the link stops working, and an HMAC of both keyed
 * with the account's auth token (a secret only Frontdesk and Twilio hold). A guessed, altered or
 * expired link opens nothing. Web Crypto, so the Node and Workers builds sign alike.
 */
import type { OutboundMessage, ReplyAttachmentSupport } from '../../src/core/ports.ts';
import { base64url, equalInConstantTime, hmac } from '../workers/web-crypto.ts';
import { withoutCredentials } from './verify.ts';

/**
 * What MMS carries of the files staff may attach: the images Twilio formats for every handset and
 * PDF, which Twilio accepts for MMS (US and Canada); 5 MB per message, Twilio's MMS limit.
 */
export const MMS_ATTACHMENTS: ReplyAttachmentSupport = {
  name: 'MMS',
  types: ['image/jpeg', 'image/png', 'image/gif', 'application/pdf'],
  maxTotalBytes: 5_000_000,
};

/** How long a media link works: Twilio fetches it when the message is created; a later retry signs anew. */
export const MEDIA_LINK_TTL_MS = 24 * 3_600_000;

const signature = async (authToken: string, attachmentId: string, expiresAt: number) =>
  base64url(await hmac('SHA-256', authToken, `sms-media:${attachmentId}:${expiresAt}`));

/** `<attachment id>.<expiry, epoch s>.<signature>` */
export async function mediaLinkToken(authToken: string, attachmentId: string, expiresAt: number): Promise<string> {
  return `${attachmentId}.${expiresAt}.${await signature(authToken, attachmentId, expiresAt)}`;
}

/** What a link token says: the file it opens, or why it opens nothing. */
export type MediaLink = { kind: 'valid'; attachmentId: string } | { kind: 'expired' } | { kind: 'invalid' };

export async function readMediaLinkToken(authToken: string, token: string, nowMs: number): Promise<MediaLink> {
  const [attachmentId, expires, given] = token.split('.');
  if (!attachmentId || !expires || !given || !/^\d{1,12}$/.test(expires)) return { kind: 'invalid' };
  if (!equalInConstantTime(given, await signature(authToken, attachmentId, Number(expires)))) return { kind: 'invalid' };
  return Number(expires) * 1000 <= nowMs ? { kind: 'expired' } : { kind: 'valid', attachmentId };
}

/** The MediaUrl of each file a reply carries, valid for MEDIA_LINK_TTL_MS from `nowMs`. */
export async function mediaUrlsOf(message: OutboundMessage, config: { authToken: string; publicUrl: string }, nowMs: number): Promise<string[]> {
  const expiresAt = Math.floor((nowMs + MEDIA_LINK_TTL_MS) / 1000);
  const base = `${withoutCredentials(config.publicUrl)}/webhooks/sms/media`;
  return Promise.all(message.attachments.map(async (a) => `${base}/${await mediaLinkToken(config.authToken, a.id, expiresAt)}`));
}
