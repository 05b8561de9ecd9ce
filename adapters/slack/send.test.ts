import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.ts';
import type { OutboundMessage } from '../../src/core/ports.ts';
import { startSlackApi, type SlackApi } from '../../test/integration/slack-web-api.ts';
import { postReply } from './send.ts';

const message: OutboundMessage = {
  messageId: 'msg_1',
  conversationId: 'conv_1',
  channel: 'slack',
  to: { address: 'U061F7AUR' },
  text: 'Your order **shipped**.',
  thread: { key: 'C123ABC456:1515449522.000016', references: [] },
  attachments: [],
  authorKind: 'bot',
  agentName: 'orders',
};

describe('postReply', () => {
  let api: SlackApi;
  let client: webApi.WebClient;
  beforeAll(async () => {
    api = await startSlackApi();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
  });
  afterAll(() => api.close());

  async function failure(): Promise<DeliveryError> {
    const error = await postReply(client, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  }

  it('posts mrkdwn into the thread and reports channel:ts', async () => {
    const result = await postReply(client, message);
    const call = api.of('chat.postMessage').at(-1)!;
    expect(call.args).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016', text: 'Your order *shipped*.' });
    expect(result).toEqual({ status: 'sent', providerMessageId: `C123ABC456:${(call.result as { ts: string }).ts}` });
  });

  it('maps 429 to retryable with Retry-After, 5xx to retryable, permanent platform errors to final', async () => {
    api.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '12' }, body: { ok: false, error: 'ratelimited' } });
    expect(await failure()).toMatchObject({ retryable: true, retryAfterMs: 12_000, code: 'slack_rate_limited' });
    api.failNext('chat.postMessage', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    expect(await failure()).toMatchObject({ retryable: true });
    api.failNext('chat.postMessage', { status: 200, body: { ok: false, error: 'channel_not_found' } });
    expect(await failure()).toMatchObject({ retryable: false, code: 'slack_channel_not_found' });
    api.failNext('chat.postMessage', { status: 200, body: { ok: false, error: 'internal_error' } });
    expect(await failure()).toMatchObject({ retryable: true });
  });

  it('refuses a conversation without a Slack thread', async () => {
    const error = await postReply(client, { ...message, thread: { key: null, references: [] } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, code: 'slack_no_thread' });
  });
});
