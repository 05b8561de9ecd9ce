import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidInputError } from '../../src/core/errors.ts';
import { deliveryStatusOf, detectKeyword, formParams, isStatusCallback, normaliseNumber, parseSmsWebhook, parseStatusCallback, senderFromThreadKey, toInboundMessage } from './parse.ts';

const ACCOUNT = 'AC5f2e8d0c9b7a4e3f1d6c8b2a9e7f4d01';
const fixture = (name: string) => formParams(readFileSync(new URL(`../../test/fixtures/sms/${name}`, import.meta.url), 'utf8'));

describe('detectKeyword', () => {
  it.each([
    ['STOP', 'stop'], ['stopall', 'stop'], ['Unsubscribe', 'stop'], ['cancel', 'stop'], ['END', 'stop'], ['quit', 'stop'],
    [' Stop. ', 'stop'], ['optout', 'stop'], ['REVOKE', 'stop'], ['START', 'start'], ['yes', 'start'], ['UNSTOP', 'start'], ['help', 'help'], ['INFO!', 'help'],
  ])('%j is %s', (body, keyword) => expect(detectKeyword(body)).toBe(keyword));

  it.each(['cancel my order', 'please stop texting me about this order', 'yes please', 'help me track NW-10003', ''])(
    '%j is a message for the agents',
    (body) => expect(detectKeyword(body)).toBeNull(),
  );
});

describe('parseSmsWebhook', () => {
  it('reads an SMS sent to a number', () => {
    const sms = parseSmsWebhook(fixture('inbound-sms.form'), ACCOUNT);
    expect(sms).toMatchObject({ messageSid: 'SM1f0e4c7a9b2d5e8f3a6c1b4d7e0f2a95', from: '+14155550123', to: '+14155550100', messagingServiceSid: null, media: [] });
    expect(toInboundMessage(sms, { attachments: [], notes: [] }, 1).thread).toEqual({ key: '+14155550123|+14155550100' });
  });

  it('threads a Messaging Service conversation on the service', () => {
    const sms = parseSmsWebhook(fixture('inbound-sms-messaging-service.form'), ACCOUNT);
    const inbound = toInboundMessage(sms, { attachments: [], notes: [] }, 1);
    expect(inbound.thread).toEqual({ key: '+12125550147|MG7c3e9a1f5b8d2e6c4a0f9b3d7e1c5a82' });
    expect(senderFromThreadKey(inbound.thread!.key!)).toEqual({ messagingServiceSid: 'MG7c3e9a1f5b8d2e6c4a0f9b3d7e1c5a82' });
    expect(senderFromThreadKey('+14155550123|+14155550100')).toEqual({ from: '+14155550100' });
  });

  it('lists MMS media in order', () => {
    const sms = parseSmsWebhook(fixture('inbound-mms.form'), ACCOUNT);
    expect(sms.media.map((m) => m.contentType)).toEqual(['image/jpeg', 'image/png']);
    expect(sms.media[1]!.url).toMatch(/\/Media\/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0$/);
  });

  it('refuses another account and incomplete payloads', () => {
    expect(() => parseSmsWebhook(fixture('inbound-sms.form'), 'AC00000000000000000000000000000000')).toThrow(ForbiddenError);
    expect(() => parseSmsWebhook(formParams(`AccountSid=${ACCOUNT}&Body=hi`), ACCOUNT)).toThrow(InvalidInputError);
  });

  it('normalises numbers to E.164 and keeps short codes', () => {
    expect(normaliseNumber('+44 7700 900123')).toBe('+447700900123');
    expect(normaliseNumber('12345')).toBe('12345');
  });
});

describe('status callbacks', () => {
  it('reads the status and error code', () => {
    expect(parseStatusCallback(fixture('status-undelivered.form'), ACCOUNT)).toEqual({
      messageSid: 'SM3c5e7a9b1d3f5a7c9e1b3d5f7a9c1e24',
      status: 'undelivered',
      errorCode: '30003',
      to: '+14155550123',
    });
  });

  it('maps Twilio statuses', () => {
    expect(['accepted', 'queued', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'receiving'].map(deliveryStatusOf)).toEqual([
      'queued', 'queued', 'queued', 'sent', 'delivered', 'delivered', 'undelivered', 'failed', null,
    ]);
  });

  it('tells a status callback on the inbound URL from a message coming in', () => {
    for (const name of ['status-sent.form', 'status-delivered.form', 'status-undelivered.form']) expect(isStatusCallback(fixture(name))).toBe(true);
    for (const name of ['inbound-sms.form', 'inbound-mms.form', 'inbound-sms-messaging-service.form']) expect(isStatusCallback(fixture(name))).toBe(false);
    expect(isStatusCallback({ ...fixture('inbound-sms.form'), MessageStatus: 'received' })).toBe(false);
  });
});

describe('formParams', () => {
  it('decodes form encoding and keeps repeated keys', () => {
    expect(formParams('From=%2B14155550123&Body=Hi%2C+there&X=1&X=2')).toEqual({ From: '+14155550123', Body: 'Hi, there', X: ['1', '2'] });
  });
});
