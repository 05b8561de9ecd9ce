import { describe, expect, it } from 'vitest';
import { slackSignature } from '../slack/verify.ts';
import { verifySlackRequest } from './slack.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070';
const NOW = 1_531_420_618_000;

const headers = (signature: string, timestamp = String(NOW / 1000)) => new Headers({ 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature });

describe('Slack request signing over Web Crypto', () => {
  it('accepts what Slack (and the Node adapter) signs', async () => {
    const signature = slackSignature(SECRET, String(NOW / 1000), BODY);
    await expect(verifySlackRequest({ signingSecret: SECRET, headers: headers(signature), rawBody: BODY, now: NOW })).resolves.toBeUndefined();
  });

  it('refuses another secret, another body, a stale timestamp and missing headers', async () => {
    const signature = slackSignature(SECRET, String(NOW / 1000), BODY);
    const check = (input: Partial<Parameters<typeof verifySlackRequest>[0]>) => verifySlackRequest({ signingSecret: SECRET, headers: headers(signature), rawBody: BODY, now: NOW, ...input });
    await expect(check({ signingSecret: 'another' })).rejects.toMatchObject({ code: 'slack_signature_invalid', status: 401 });
    await expect(check({ rawBody: `${BODY}&x=1` })).rejects.toMatchObject({ code: 'slack_signature_invalid' });
    await expect(check({ now: NOW + 6 * 60_000 })).rejects.toMatchObject({ code: 'slack_signature_stale' });
    await expect(check({ headers: new Headers() })).rejects.toMatchObject({ code: 'slack_signature_missing' });
  });
});
