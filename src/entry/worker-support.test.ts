import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { unsupportedOnWorkers } from './worker-support.ts';

describe('what the Workers build refuses', () => {
  it('runs the web channel and the embedded engine on the default settings', () => {
    expect(unsupportedOnWorkers(loadConfig({}))).toEqual([]);
  });

  it('runs SMS, email through Email Workers and Resend, and Slack events over HTTP', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      EMAIL_ADDRESS: 'support@example.com',
      RESEND_API_KEY: 're_1',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(unsupportedOnWorkers(config)).toEqual([]);
  });

  it('names each variable that turns on a part Workers cannot run yet', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://frontdesk@localhost:5432/frontdesk',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      EMAIL_IMAP_URL: 'imaps://a:b@imap.example.com',
      EMAIL_SMTP_URL: 'smtp://a:b@smtp.example.com',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_SUPPORT_CHANNEL: 'C0123456789',
      OPENAI_API_KEY: 'sk-1',
      ORDERS_API_URL: 'https://shop.example.com/api/orders/{orderId}',
      ORDERS_API_MAPPING_FILE: './mapping.json',
    });
    expect(unsupportedOnWorkers(config).map((line) => line.split(':')[0])).toEqual([
      'DATABASE_URL',
      'EMAIL_IMAP_URL/EMAIL_SMTP_URL',
      'SLACK_APP_TOKEN',
      'SLACK_SUPPORT_CHANNEL',
      'OPENAI_API_KEY',
      'ORDERS_API_MAPPING_FILE',
    ]);
  });
});
