/**
 * Files in staff replies on Slack, on both stores: the real WebClient uploads them by Slack's
 * external upload flow (files.getUploadURLExternal, the bytes POSTed to the upload_url,
 * files.completeUploadExternal with channel_id and thread_ts) against the local Slack Web API, and
 * the reply's text is shared with them as one threaded message. A failed completion is retried
 * with fresh uploads and shares the files once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Conversation } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk, manualClock } from '../support/frontdesk.ts';
import { startSlackApi, type SlackApi } from './slack-web-api.ts';
import { postStaffReply } from '../support/staff-reply.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 5, 5]);
const PDF = new TextEncoder().encode('%PDF-1.4\n% a return label\n%%EOF\n');
const CHANNEL = 'C123ABC456';
const THREAD = '1515449522.000016';

onBothStores('staff reply files on Slack', (open) => {
  let api: SlackApi;
  let slack: SlackAdapter;
  let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;
  let close: () => Promise<void>;
  let token: string;
  let conversation: Conversation;
  const clock = manualClock(Date.now());

  const reply = (text: string, files: File[]) => postStaffReply(fd.app, token, conversation.id, text, files);
  const shared = () => [...api.files.values()].filter((f) => f.shared);

  beforeAll(async () => {
    api = await startSlackApi();
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    slack = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: 'signing-secret', appToken: null, supportChannel: 'C0DESK0001', apiUrl: api.url });
    fd = await createTestFrontdesk({ clock, store: { ...opened.store, close: async () => undefined }, adapters: [slack] });
    const dana = await fd.store.repo.createUser({ id: newId(), email: 'dana@northwind.example', name: 'Dana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: clock.now() });
    token = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    conversation = (await fd.pipeline.start({ channel: 'slack', from: { address: 'U061F7AUR', name: 'Ada Lovelace' }, threadKey: `${CHANNEL}:${THREAD}` })).conversation;
  });
  afterAll(async () => {
    await slack?.idle();
    await fd?.stop();
    await close?.();
    await api?.close();
  });

  it('uploads the files and shares them with the text as one message in the thread', async () => {
    const { status, body } = await reply('Here is the **photo** and your label.', [new File([PNG], 'parcel.png', { type: 'image/png' }), new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
    expect(status).toBe(201);
    const requested = api.of('files.getUploadURLExternal').map((c) => [c.token, c.args.filename, Number(c.args.length)]);
    expect(requested).toEqual([
      ['xoxb-test-token', 'parcel.png', PNG.length],
      ['xoxb-test-token', 'label.pdf', PDF.length],
    ]);
    const [complete, ...more] = api.of('files.completeUploadExternal');
    expect(more).toEqual([]);
    const ids = [...api.files.keys()];
    expect(complete!.args).toMatchObject({
      channel_id: CHANNEL,
      thread_ts: THREAD,
      files: ids.map((id, i) => ({ id, title: ['parcel.png', 'label.pdf'][i] })),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Here is the *photo* and your label.' } }],
    });
    expect(ids.map((id) => new Uint8Array(api.files.get(id)!.bytes!))).toEqual([PNG, PDF]);
    expect(api.of('chat.postMessage')).toEqual([]);
    expect(await fd.store.repo.getMessage(body.message.id)).toMatchObject({ deliveryStatus: 'sent', providerMessageId: `${CHANNEL}:files:${ids.join(',')}` });
  });

  it('retries a failed completion with fresh uploads, sharing the files once', async () => {
    api.reset();
    api.failNext('files.completeUploadExternal', { status: 200, body: { ok: false, error: 'internal_error' } });
    const { status, body } = await reply('The label again.', [new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
    expect([status, body.message.deliveryStatus]).toEqual([201, 'pending']);
    expect(shared()).toEqual([]);

    clock.advance(60_000);
    expect(await fd.outbox.drain()).toBe(1);
    expect(api.of('files.getUploadURLExternal')).toHaveLength(2);
    expect(shared().map((f) => [f.filename, new Uint8Array(f.bytes!), f.shared])).toEqual([['label.pdf', PDF, expect.objectContaining({ channel_id: CHANNEL, thread_ts: THREAD })]]);
    expect(await fd.store.repo.getMessage(body.message.id)).toMatchObject({ deliveryStatus: 'sent', attempts: 2 });
  });
});
