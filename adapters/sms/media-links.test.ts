import { describe, expect, it } from 'vitest';
import { MEDIA_LINK_TTL_MS, mediaLinkToken, mediaUrlsOf, readMediaLinkToken } from './media-links.ts';

const SECRET = 'test-auth-token-0123456789abcdef';
const NOW = Date.UTC(2026, 11, 7, 12);
const outbound = { attachments: [{ id: '01KFILE0000000000000000001', filename: 'label.pdf', contentType: 'application/pdf', size: 10 }] } as Parameters<typeof mediaUrlsOf>[0];

describe('MMS media links', () => {
  it('signs a link under PUBLIC_URL, without its credentials, that opens its file until it expires', async () => {
    const [url] = await mediaUrlsOf(outbound, { authToken: SECRET, publicUrl: 'https://twilio:secret@support.example.com' }, NOW);
    expect(url).toMatch(/^https:\/\/support\.example\.com\/webhooks\/sms\/media\/01KFILE0000000000000000001\.\d+\.[\w-]{43}$/);
    const token = url!.split('/').at(-1)!;
    await expect(readMediaLinkToken(SECRET, token, NOW)).resolves.toEqual({ kind: 'valid', attachmentId: '01KFILE0000000000000000001' });
    await expect(readMediaLinkToken(SECRET, token, NOW + MEDIA_LINK_TTL_MS - 1_000)).resolves.toEqual({ kind: 'valid', attachmentId: '01KFILE0000000000000000001' });
    await expect(readMediaLinkToken(SECRET, token, NOW + MEDIA_LINK_TTL_MS)).resolves.toEqual({ kind: 'expired' });
  });

  it('opens nothing for another secret, another file, a moved expiry or a malformed token', async () => {
    const expires = Math.floor(NOW / 1000) + 60;
    const token = await mediaLinkToken(SECRET, 'file-a', expires);
    const [, , signature] = token.split('.');
    const invalid = [
      await mediaLinkToken('another-secret', 'file-a', expires),
      `file-b.${expires}.${signature}`,
      `file-a.${expires + 3_600}.${signature}`,
      'file-a',
      `file-a.soon.${signature}`,
    ];
    for (const candidate of invalid) await expect(readMediaLinkToken(SECRET, candidate, NOW)).resolves.toEqual({ kind: 'invalid' });
  });
});
