import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { formParams } from '../sms/parse.ts';
import { expectedTwilioSignature, verifyTwilioSignature } from './twilio-signature.ts';

const TOKEN = '12345';
// Repeated names, characters that are escaped in forms, and names whose order differs by case.
const BODY = 'To=%2B18005551212&From=%2B14158675310&Body=caf%C3%A9+%26+%22more%22&MediaUrl0=b&MediaUrl0=a&MediaUrl0=b&digits=1&Digits=2';
const params = formParams(BODY);

describe('Twilio signatures over Web Crypto', () => {
  it('computes what twilio-node computes', async () => {
    for (const url of ['https://mycompany.com/myapp.php?foo=1&bar=2', 'https://user:pass@mycompany.com:8443/webhooks/sms', 'http://example.com/webhooks/sms/status']) {
      expect(await expectedTwilioSignature(TOKEN, url, params), url).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, params));
    }
  });

  it('accepts exactly the URL forms twilio-node accepts', async () => {
    const received = "https://support.example.com/webhooks/sms?note=it's+a+b&x=1";
    const signedForms = [
      received,
      'https://support.example.com:443/webhooks/sms?note=it\'s+a+b&x=1',
      'https://support.example.com/webhooks/sms?note=it%27s+a+b&x=1', // normalised
      'https://support.example.com/webhooks/sms?note=it\'s%20a%20b&x=1', // Node's legacy querystring
      'https://support.example.com/webhooks/sms/status?note=it\'s+a+b&x=1', // another path: refused
      'https://support.example.com:8443/webhooks/sms?note=it\'s+a+b&x=1', // another port: refused
    ];
    for (const signed of signedForms) {
      const signature = twilio.getExpectedTwilioSignature(TOKEN, signed, params);
      const sdk = twilio.validateRequest(TOKEN, signature, received, params);
      const ours = await verifyTwilioSignature({ authToken: TOKEN, signature, url: received, params }).then(() => true, () => false);
      expect(ours, signed).toBe(sdk);
    }
    expect(signedForms.map((signed) => twilio.validateRequest(TOKEN, twilio.getExpectedTwilioSignature(TOKEN, signed, params), received, params))).toEqual([true, true, true, true, false, false]);
  });

  it('refuses a missing signature and one made with another token, with 403 invalid_signature', async () => {
    const url = 'https://support.example.com/webhooks/sms';
    await expect(verifyTwilioSignature({ authToken: TOKEN, signature: null, url, params })).rejects.toMatchObject({ code: 'invalid_signature', status: 403 });
    const forged = twilio.getExpectedTwilioSignature('another-token', url, params);
    await expect(verifyTwilioSignature({ authToken: TOKEN, signature: forged, url, params })).rejects.toMatchObject({ code: 'invalid_signature', status: 403 });
  });
});
