import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../src/core/errors.ts';
import { formParams } from './parse.ts';
import { signedUrl, verifyTwilioSignature, withoutCredentials } from './verify.ts';

const TOKEN = 'test-auth-token-0123456789abcdef';
const body = readFileSync(new URL('../../test/fixtures/sms/inbound-sms.form', import.meta.url), 'utf8');

describe('signedUrl', () => {
  const headers = new Headers({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'sms.example.net, internal:8080' });

  it('uses PUBLIC_URL (with its base path) and the request path and query', () => {
    const options = { publicUrl: 'https://example.com/support', trustProxy: false };
    expect(signedUrl('http://10.0.0.5:3000/webhooks/sms?x=1', headers, options)).toBe('https://example.com/support/webhooks/sms?x=1');
  });

  it('honours X-Forwarded-Proto/Host only behind a trusted proxy', () => {
    const options = { publicUrl: 'http://localhost:3000', trustProxy: true };
    expect(signedUrl('http://10.0.0.5:3000/webhooks/sms', headers, options)).toBe('https://sms.example.net/webhooks/sms');
    expect(signedUrl('http://10.0.0.5:3000/webhooks/sms', new Headers(), options)).toBe('http://localhost:3000/webhooks/sms');
  });
});

describe('signedUrl with credentials in PUBLIC_URL', () => {
  const publicUrl = 'https://twilio:p%40ss@example.com/support';

  it('keeps the user info Twilio signs, and twilio.validateRequest accepts it', () => {
    const url = signedUrl('http://10.0.0.5:3000/webhooks/sms', new Headers(), { publicUrl, trustProxy: false });
    expect(url).toBe('https://twilio:p%40ss@example.com/support/webhooks/sms');
    const params = formParams(body);
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(() => verifyTwilioSignature({ authToken: TOKEN, signature, url, params })).not.toThrow();
    // Twilio's signature over the URL with credentials does not match the URL without them.
    expect(() => verifyTwilioSignature({ authToken: TOKEN, signature, url: 'https://example.com/support/webhooks/sms', params })).toThrow(ForbiddenError);
  });

  it('drops the credentials for logs and links', () => {
    expect(withoutCredentials('https://twilio:p%40ss@example.com/support')).toBe('https://example.com/support');
    expect(withoutCredentials('https://example.com')).toBe('https://example.com');
  });
});

describe('verifyTwilioSignature', () => {
  const url = 'https://support.example.com/webhooks/sms';
  const params = formParams(body);
  const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);

  it('accepts Twilio’s signature over the URL and sorted parameters', () => {
    expect(() => verifyTwilioSignature({ authToken: TOKEN, signature, url, params })).not.toThrow();
  });

  it.each([
    ['a missing header', { signature: null }],
    ['another token', { authToken: 'other-token' }],
    ['another URL', { url: 'https://evil.example.com/webhooks/sms' }],
    ['a changed body', { params: { ...params, Body: 'changed' } }],
  ])('rejects %s', (_label, change) => {
    expect(() => verifyTwilioSignature({ authToken: TOKEN, signature, url, params, ...change })).toThrow(ForbiddenError);
  });
});
