import { describe, expect, it } from 'vitest';
import { FrontdeskError } from '../../src/core/errors.ts';
import { slackSignature, verifySlackRequest } from './verify.ts';

// The worked example from Slack's "Verifying requests from Slack" guide.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

function headers(signature: string, timestamp = TIMESTAMP) {
  return new Headers({ 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp });
}

function code(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof FrontdeskError ? `${error.status} ${error.code}` : 'other';
  }
}

describe('verifySlackRequest', () => {
  const now = Number(TIMESTAMP) * 1000;

  it("computes Slack's documented signature", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(code(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(SIGNATURE), rawBody: BODY, now }))).toBeNull();
  });

  it('refuses a changed body, a wrong secret and missing headers', () => {
    expect(code(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(SIGNATURE), rawBody: `${BODY}x`, now }))).toBe('401 slack_signature_invalid');
    expect(code(() => verifySlackRequest({ signingSecret: 'other', headers: headers(SIGNATURE), rawBody: BODY, now }))).toBe('401 slack_signature_invalid');
    expect(code(() => verifySlackRequest({ signingSecret: SECRET, headers: headers('v0=short'), rawBody: BODY, now }))).toBe('401 slack_signature_invalid');
    expect(code(() => verifySlackRequest({ signingSecret: SECRET, headers: new Headers(), rawBody: BODY, now }))).toBe('401 slack_signature_missing');
  });

  it('accepts five minutes of clock skew and refuses more', () => {
    const at = (ms: number) => code(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(SIGNATURE), rawBody: BODY, now: now + ms }));
    expect(at(5 * 60_000)).toBeNull();
    expect(at(-5 * 60_000)).toBeNull();
    expect(at(6 * 60_000)).toBe('401 slack_signature_stale');
    expect(at(-6 * 60_000)).toBe('401 slack_signature_stale');
    expect(code(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(SIGNATURE, 'abc'), rawBody: BODY, now }))).toBe('401 slack_signature_stale');
  });
});
