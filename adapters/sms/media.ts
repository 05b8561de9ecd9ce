import type { AttachmentInput } from '../../src/core/types.ts';
import { readCapped } from '../../src/core/http-responses.ts';
import type { SmsWebhook } from './types.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'application/pdf': 'pdf',
};

/** The longest URL an attachment row keeps (the inbound schema's limit). */
const MAX_URL_LENGTH = 2048;

/** An http(s) URL we can fetch and keep, or null (garbage in MediaUrlN must not cost the message). */
export function usableMediaUrl(url: string): URL | null {
  if (url.length > MAX_URL_LENGTH) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

/** Media on api.twilio.com follows an API override (tests, egress proxies); CDN redirects do not. */
export function mediaUrl(url: string, apiUrl: string | null): string {
  const parsed = usableMediaUrl(url);
  if (!apiUrl || !parsed || parsed.hostname !== 'api.twilio.com') return url;
  return `${apiUrl.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`;
}

function filenameFor(url: URL | null, contentType: string, index: number): string {
  const sid = url?.pathname.split('/').filter(Boolean).pop()?.slice(0, 200) || `media-${index + 1}`;
  const extension = EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()];
  return extension ? `${sid}.${extension}` : sid;
}


/**
 * Downloads MMS media with the account credentials (Twilio media URLs need HTTP basic auth unless
 * the account turned that off). An item over `maxBytes`, or one that cannot be fetched, is kept as
 * its URL with a note; a media problem never loses the message.
 */
export async function fetchMedia(
  media: SmsWebhook['media'],
  options: { accountSid: string; authToken: string; maxBytes: number; apiUrl: string | null; fetch: typeof fetch; timeoutMs: number },
): Promise<{ attachments: AttachmentInput[]; notes: string[] }> {
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const attachments: AttachmentInput[] = [];
  const notes: string[] = [];
  await Promise.all(
    media.map(async (item, index) => {
      const parsed = usableMediaUrl(item.url);
      const contentType = item.contentType.slice(0, 255);
      const filename = filenameFor(parsed, contentType, index);
      if (!parsed) {
        // Recorded without a link: the text and the fact that media came along are kept.
        attachments[index] = { filename, contentType, size: 0 };
        notes.push(`${filename}: the media URL cannot be used; recorded without it`);
        return;
      }
      const linkOnly = (size: number, note: string) => {
        attachments[index] = { filename, contentType, size, url: item.url };
        notes.push(`${filename}: ${note}; kept as a link`);
      };
      try {
        const response = await options.fetch(mediaUrl(item.url, options.apiUrl), {
          headers: { authorization },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel();
          return linkOnly(0, `download failed with HTTP ${response.status}`);
        }
        const declared = Number(response.headers.get('content-length') ?? NaN);
        const tooLarge = `larger than the ${options.maxBytes}-byte limit`;
        if (declared > options.maxBytes) {
          await response.body?.cancel();
          return linkOnly(declared, tooLarge);
        }
        const data = await readCapped(response, options.maxBytes);
        if (!data) return linkOnly(Number.isFinite(declared) ? declared : 0, tooLarge);
        attachments[index] = { filename, contentType, size: data.byteLength, url: item.url, data };
      } catch (error) {
        linkOnly(0, `download failed (${error instanceof Error ? error.name : 'error'})`);
      }
    }),
  );
  return { attachments, notes };
}
