import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptOf } from './send.ts';
import { signatureHeader, verifySignature } from './sign.ts';
import { checkWebhookUrl, isInternalAddress, parseWebhookUrl } from './urls.ts';

describe('webhook signatures', () => {
  const body = '{"id":"01J","type":"message.created","createdAt":"2026-11-24T12:00:00.000Z","data":{}}';
  const t = 1_795_000_000;

  it('signs "t.body" with HMAC-SHA256, as the README recipe computes it', () => {
    const expected = createHmac('sha256', 'whsec_test-secret-123').update(`${t}.${body}`).digest('hex');
    expect(signatureHeader('whsec_test-secret-123', t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies the right secret and body within the tolerance, and nothing else', () => {
    const header = signatureHeader('whsec_test-secret-123', t, body);
    expect(verifySignature('whsec_test-secret-123', header, body, t + 10)).toBe(true);
    expect(verifySignature('whsec_other-secret-456', header, body, t + 10)).toBe(false);
    expect(verifySignature('whsec_test-secret-123', header, body.replace('{}', '{"x":1}'), t + 10)).toBe(false);
    expect(verifySignature('whsec_test-secret-123', header, body, t + 301)).toBe(false); // a replay, too old
    expect(verifySignature('whsec_test-secret-123', `v1=${header.split('v1=')[1]}`, body, t)).toBe(false); // no timestamp
    expect(verifySignature('whsec_test-secret-123', 'garbage', body, t)).toBe(false);
  });
});

describe('webhook URLs', () => {
  it('tells internal addresses from public ones', () => {
    for (const a of ['127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isInternalAddress(a), a).toBe(false);
  });

  it('accepts http(s) URLs without credentials only', () => {
    expect(parseWebhookUrl('https://hooks.example.com/x?y=1').host).toBe('hooks.example.com');
    expect(() => parseWebhookUrl('file:///etc/passwd')).toThrow(/http or https/);
    expect(() => parseWebhookUrl('https://a:b@example.com/')).toThrow(/credentials/);
    expect(() => parseWebhookUrl('/relative')).toThrow(/absolute/);
  });

  it('refuses a private literal address unless allowed', async () => {
    await expect(checkWebhookUrl('http://192.168.0.10/hook', false)).rejects.toThrow(/WEBHOOKS_ALLOW_PRIVATE_URLS/);
    await expect(checkWebhookUrl('http://192.168.0.10/hook', true)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://93.184.216.34/hook', false)).resolves.toBeInstanceOf(URL);
  });
});

describe('what a receiver answer means for delivery', () => {
  const answer = (status: number, retryAfter?: string) => attemptOf({ status, retryAfter, body: '' });
  it('maps 2xx, 410, retryable and permanent answers', () => {
    expect(answer(204)).toEqual({ kind: 'delivered', status: 204 });
    expect(answer(410).kind).toBe('gone');
    expect(answer(503, '7')).toMatchObject({ kind: 'retry', retryAfterMs: 7_000 });
    expect(answer(429).kind).toBe('retry');
    expect(answer(408).kind).toBe('retry');
    expect(answer(400).kind).toBe('failed');
    expect(answer(301)).toMatchObject({ kind: 'failed', error: expect.stringContaining('redirects are not followed') });
  });
});
