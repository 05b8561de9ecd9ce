/**
 * Files in staff replies on SMS, on both stores: they go out as MMS through the real `twilio`
 * client against the local Messages API, each as a MediaUrl under PUBLIC_URL that is signed and
 * expires; that URL serves the bytes (GET and HEAD, as Twilio fetches), an altered, foreign or
 * expired one serves JSON and nothing else. Files MMS cannot carry are refused before anything is
 * stored or sent, and a failed MMS is retried with its files.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { MEDIA_LINK_TTL_MS, mediaLinkToken } from '../../adapters/sms/media-links.ts';
import { threadKey } from '../../adapters/sms/parse.ts';
import { loadConfig } from '../../config/env.ts';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Conversation } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk, manualClock } from '../support/frontdesk.ts';
import { AUTH_TOKEN, CUSTOMER, OUR_NUMBER, PUBLIC_URL, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';
import { postStaffReply, type Json } from '../support/staff-reply.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 7, 7, 7]);
const PDF = new TextEncoder().encode('%PDF-1.4\n% a return label\n%%EOF\n');
const MEDIA_PATH = `${PUBLIC_URL}/webhooks/sms/media/`;

onBothStores('staff reply files as MMS', (open) => {
  let api: TwilioApi;
  let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;
  let close: () => Promise<void>;
  let token: string;
  let conversation: Conversation;
  const clock = manualClock(Date.now());

  const reply = (text: string, files: File[], extra: Record<string, string> = {}) => postStaffReply(fd.app, token, conversation.id, text, files, extra);
  /** What Twilio would get at a MediaUrl (the local app stands in for PUBLIC_URL). */
  const fetchMedia = (url: string, method = 'GET') => fd.app.request(url.slice(PUBLIC_URL.length), { method });
  const mediaUrls = (request = api.requests.at(-1)!) => request.form.getAll('MediaUrl');
  const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

  beforeAll(async () => {
    api = await startTwilioApi();
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    const env = smsEnv(api.url);
    const config = loadConfig(env);
    fd = await createTestFrontdesk({
      env,
      clock,
      store: { ...opened.store, close: async () => undefined },
      adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
    });
    const dana = await fd.store.repo.createUser({ id: newId(), email: 'dana@northwind.example', name: 'Dana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: clock.now() });
    token = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    conversation = (await fd.pipeline.start({ channel: 'sms', from: { address: CUSTOMER }, threadKey: threadKey(CUSTOMER, OUR_NUMBER) })).conversation;
  });
  afterAll(async () => {
    await fd?.stop();
    await close?.();
    await api?.close();
  });

  it('sends the files as MMS whose signed MediaUrls serve their bytes to GET and HEAD', async () => {
    const { status, body } = await reply('Here is the photo and your label.', [new File([PNG], 'parcel photo.png', { type: 'image/png' }), new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
    expect(status).toBe(201);
    expect(body.message.deliveryStatus).toBe('queued');
    const request = api.requests.at(-1)!;
    expect([request.form.get('To'), request.form.get('From'), request.form.get('Body')]).toEqual([CUSTOMER, OUR_NUMBER, 'Here is the photo and your label.']);
    const [photoUrl, labelUrl] = mediaUrls(request);
    expect(mediaUrls(request)).toHaveLength(2);
    expect([photoUrl!.startsWith(MEDIA_PATH), labelUrl!.startsWith(MEDIA_PATH)]).toEqual([true, true]);

    const photo = await fetchMedia(photoUrl!);
    expect(photo.status).toBe(200);
    expect([photo.headers.get('content-type'), photo.headers.get('content-disposition'), photo.headers.get('x-content-type-options')]).toEqual([
      'image/png',
      `inline; filename="parcel_photo.png"; filename*=UTF-8''parcel%20photo.png`,
      'nosniff',
    ]);
    expect(await bytes(photo)).toEqual(PNG);
    const label = await fetchMedia(labelUrl!);
    expect([label.headers.get('content-type'), await bytes(label)]).toEqual(['application/pdf', PDF]);
    const head = await fetchMedia(labelUrl!, 'HEAD');
    expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).toEqual([200, 'application/pdf', String(PDF.length)]);
  });

  it('refuses files MMS cannot carry, or more than 5 MB of them, before anything is stored or sent', async () => {
    const sent = api.requests.length;
    const before = (await fd.store.repo.listMessages(conversation.id, { includeInternal: true })).length;
    const big = () => new File([new Uint8Array(3_000_000)], 'scan.png', { type: 'image/png' });
    const cases: [File[], string][] = [
      [[new File(['order notes'], 'notes.txt', { type: 'text/plain' })], 'attachment_type_not_carried'],
      [[new File([PNG], 'photo.webp', { type: 'image/webp' })], 'attachment_type_not_carried'],
      [[big(), big()], 'attachments_too_large_for_channel'],
    ];
    for (const [files, code] of cases) {
      const res = await reply('With a file', files);
      expect([res.status, res.body.error.code]).toEqual([422, code]);
      expect(res.body.error.message).toContain('MMS');
    }
    expect(api.requests.length).toBe(sent);
    expect((await fd.store.repo.listMessages(conversation.id, { includeInternal: true })).length).toBe(before);
  });

  it('retries a failed MMS with its files, sending it once', async () => {
    api.respondOnce(() => ({ status: 503, body: { code: 20503, message: 'Service Unavailable', status: 503 }, headers: { 'retry-after': '5' } }));
    const accepted = api.accepted.length;
    const { status, body } = await reply('The label again.', [new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
    expect([status, body.message.deliveryStatus]).toEqual([201, 'pending']);
    expect(api.accepted.length).toBe(accepted);

    clock.advance(6_000);
    expect(await fd.outbox.drain()).toBe(1);
    expect(api.accepted.length).toBe(accepted + 1);
    const [retried] = mediaUrls();
    expect(mediaUrls()).toHaveLength(1);
    expect(await bytes(await fetchMedia(retried!))).toEqual(PDF);
    expect(await fd.store.repo.getMessage(body.message.id)).toMatchObject({ deliveryStatus: 'queued', attempts: 2 });
  });

  it('answers an altered, foreign or expired media link with JSON and never the bytes', async () => {
    const { body } = await reply('One more photo.', [new File([PNG], 'photo.png', { type: 'image/png' })]);
    const [url] = mediaUrls();
    const note = await reply('Internal copy', [new File([PNG], 'note.png', { type: 'image/png' })], { internal: 'true' });
    const future = Math.floor(clock.now() / 1000) + 3_600;
    const tokenOf = (u: string) => u.slice(MEDIA_PATH.length);
    const [id, expires, signature] = tokenOf(url!).split('.');
    const refused: [string, number, string][] = [
      [`${MEDIA_PATH}${id}.${expires}.${signature!.slice(0, -2)}AA`, 404, 'media_not_found'],
      [`${MEDIA_PATH}${id}.${Number(expires) + 3_600}.${signature}`, 404, 'media_not_found'],
      [`${MEDIA_PATH}${body.attachments[0].id}`, 404, 'media_not_found'],
      // Signed with the right secret, but for a file that was never sent on SMS (a note's).
      [`${MEDIA_PATH}${await mediaLinkToken(AUTH_TOKEN, note.body.attachments[0].id, future)}`, 404, 'media_not_found'],
    ];
    for (const [link, status, code] of refused) {
      const res = await fetchMedia(link);
      expect([res.status, res.headers.get('content-type'), ((await res.json()) as Json).error.code]).toEqual([status, 'application/json', code]);
    }
    expect((await fetchMedia(url!)).status).toBe(200);
    clock.advance(MEDIA_LINK_TTL_MS + 1_000);
    const expired = await fetchMedia(url!);
    expect([expired.status, ((await expired.json()) as Json).error.code]).toEqual([403, 'media_link_expired']);
  });
});
