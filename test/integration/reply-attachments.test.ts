/**
 * Files in staff replies, on both stores: multipart replies store the files and send them by
 * email as MIME parts through the real nodemailer sender to a loopback SMTP server; staff download
 * them; the web widget's visitor sees them on the message (listed and live) and downloads them
 * with the conversation's own token, nobody else; too many, too large, a refused type or a channel
 * that cannot carry them is a 4xx JSON error and nothing is stored.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmailSender } from '../../adapters/email/send.ts';
import { newId } from '../../src/core/ids.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Conversation } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { readEvents } from '../support/sse.ts';
import { postStaffReply, type Json } from '../support/staff-reply.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;

const PDF = new TextEncoder().encode('%PDF-1.4\n% a return label\n%%EOF\n');

onBothStores('attachments in staff replies', (open) => {
  let fd: Frontdesk;
  let close: () => Promise<void>;
  let token: string;
  let mail: Conversation;
  let web: Conversation;
  let slack: Conversation;
  let visitorToken: string;
  const startVisitor = async () => {
    const res = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as Json;
    return { conversationId: body.conversation.id as string, visitorToken: body.visitorToken as string };
  };
  const asVisitor = (path: string, token: string | null) => fd.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const received: string[] = [];
  let smtp: SMTPServer;
  let sent: () => void;

  const reply = (conversation: Conversation, text: string, files: File[], extra: Record<string, string> = {}) => postStaffReply(fd.app, token, conversation.id, text, files, extra);
  const humanReplies = async (conversation: Conversation) => (await fd.store.repo.listMessages(conversation.id, { includeInternal: true, limit: 50 })).filter((m) => m.authorKind === 'human');

  beforeAll(async () => {
    sent = () => undefined;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
          sent();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const sender = createEmailSender({ host: '127.0.0.1', port, secure: false, user: '', pass: '' }, 'support@northwind.test');
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    fd = await createTestFrontdesk({
      store: { ...opened.store, close: async () => undefined },
      // Slack here carries no files (its adapter declares none), so a Slack reply with one is refused.
      adapters: [
        { kind: 'email', replyAttachments: carriesEveryReplyType('email'), send: (m) => sender.send(m), stop: async () => sender.close() },
        { kind: 'slack', send: async () => ({ status: 'sent' }) },
      ],
    });
    const dana = await fd.store.repo.createUser({ id: newId(), email: 'dana@northwind.example', name: 'Dana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: Date.now() });
    token = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    mail = (await fd.pipeline.start({ channel: 'email', from: { address: 'aisha.khan@example.com', email: 'aisha.khan@example.com', name: 'Aisha Khan' }, subject: 'Return' })).conversation;
    slack = (await fd.pipeline.start({ channel: 'slack', from: { address: 'U061F7AUR' }, threadKey: 'C0SUPPORT:1700000001.000100' })).conversation;
    const started = await startVisitor();
    web = (await fd.store.repo.getConversation(started.conversationId))!;
    visitorToken = started.visitorToken;
  });
  afterAll(async () => {
    await fd?.stop();
    await close?.();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it('stores the files and mails them to the customer as attachments', async () => {
    const delivered = new Promise<void>((resolve) => (sent = resolve));
    const { status, body } = await reply(mail, 'Here is your return label.', [new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
    expect(status).toBe(201);
    expect(body.attachments).toEqual([expect.objectContaining({ filename: 'label.pdf', contentType: 'application/pdf', size: PDF.length, messageId: body.message.id })]);
    await delivered;
    const parsed = await simpleParser(received.at(-1)!);
    expect(parsed.text).toContain('Here is your return label.');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['label.pdf', 'application/pdf', new TextDecoder().decode(PDF)]]);
    expect((await fd.store.repo.getMessage(body.message.id))!.deliveryStatus).toBe('sent');

    // Staff open it again from the console, as a download.
    const file = await fd.app.request(`/v1/attachments/${body.attachments[0].id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''label.pdf");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);
  });

  it('refuses too many, too large or unaccepted files, and files on a channel that cannot carry them, storing nothing', async () => {
    const before = (await humanReplies(mail)).length;
    const pdf = () => new File([PDF], 'label.pdf', { type: 'application/pdf' });
    const cases: [Conversation, File[], number, string][] = [
      [mail, Array.from({ length: 6 }, pdf), 400, 'too_many_attachments'],
      [mail, [new File([new Uint8Array(10_000_001)], 'big.pdf', { type: 'application/pdf' })], 413, 'attachment_too_large'],
      [mail, [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })], 415, 'unsupported_attachment_type'],
      [mail, [new File(['<svg onload=alert(1)>'], 'x.svg', { type: 'image/svg+xml' })], 415, 'unsupported_attachment_type'],
      [slack, [pdf()], 422, 'attachments_unsupported'],
    ];
    for (const [conversation, files, status, code] of cases) {
      const res = await reply(conversation, 'With a file', files);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    const empty = await reply(mail, '   ', [pdf()]);
    expect([empty.status, empty.body.error.code]).toEqual([400, 'invalid_input']);
    expect((await humanReplies(mail)).length).toBe(before);
    expect(await humanReplies(slack)).toEqual([]);
  });

  it('keeps a file on an internal note on any channel, never sending it', async () => {
    const { status, body } = await reply(web, 'Photo the customer sent by post', [new File(['png'], 'photo.png', { type: 'image/png' })], { internal: 'true' });
    expect(status).toBe(201);
    expect(body.message).toMatchObject({ internal: true, deliveryStatus: 'delivered' });
    expect(body.attachments).toHaveLength(1);
  });

  it('shows the files on the web visitor\'s message, live and listed, and serves them with that conversation\'s token only', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2, 3]);
    const stream = await asVisitor(`/v1/conversations/${web.id}/events`, visitorToken);
    let posted: Promise<{ status: number; body: Json }> | undefined;
    const events = await readEvents(stream, (seen) => {
      // The reply goes out once the stream is subscribed (its `ready`), so the live event is not missed.
      if (!posted && seen.some((e) => e.event === 'ready')) posted = reply(web, 'Here is the photo and the label.', [new File([png], 'parcel photo.png', { type: 'image/png' }), new File([PDF], 'label.pdf', { type: 'application/pdf' })]);
      return seen.some((e) => e.event === 'message' && e.data.includes('label.pdf'));
    });
    const { status, body } = await posted!;
    expect(status).toBe(201);
    expect(body.message.deliveryStatus).toBe('delivered');
    const [photoId, labelId] = body.attachments.map((a: Json) => a.id as string);
    const expected = [
      { id: photoId, filename: 'parcel photo.png', contentType: 'image/png', size: png.length, url: `/v1/conversations/${web.id}/attachments/${photoId}` },
      { id: labelId, filename: 'label.pdf', contentType: 'application/pdf', size: PDF.length, url: `/v1/conversations/${web.id}/attachments/${labelId}` },
    ];
    const live = JSON.parse(events.find((e) => e.event === 'message')!.data) as Json;
    expect(live.attachments).toEqual(expected);
    const listed = (await (await asVisitor(`/v1/conversations/${web.id}/messages`, visitorToken)).json()) as Json;
    expect(listed.messages.find((m: Json) => m.id === body.message.id).attachments).toEqual(expected);

    const photo = await asVisitor(expected[0]!.url, visitorToken);
    expect(photo.status).toBe(200);
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(png);
    expect(Object.fromEntries(['content-type', 'content-disposition', 'x-content-type-options'].map((h) => [h, photo.headers.get(h)]))).toEqual({
      'content-type': 'image/png',
      'content-disposition': `inline; filename="parcel_photo.png"; filename*=UTF-8''parcel%20photo.png`,
      'x-content-type-options': 'nosniff',
    });
    const label = await asVisitor(expected[1]!.url, visitorToken);
    expect([label.headers.get('content-type'), label.headers.get('content-disposition')]).toEqual(['application/pdf', `attachment; filename="label.pdf"; filename*=UTF-8''label.pdf`]);
    expect(new Uint8Array(await label.arrayBuffer())).toEqual(PDF);

    // Another visitor, no token, or this visitor asking through their own conversation for another's file: JSON, never the bytes.
    const other = await startVisitor();
    const note = await reply(web, 'Internal: the photo again', [new File([png], 'note.png', { type: 'image/png' })], { internal: 'true' });
    const refused: [string, string | null, number, string][] = [
      [expected[0]!.url, other.visitorToken, 403, 'wrong_visitor_token'],
      [expected[0]!.url, null, 401, 'unauthorized'],
      [`/v1/conversations/${other.conversationId}/attachments/${photoId}`, other.visitorToken, 404, 'attachment_not_found'],
      [`/v1/conversations/${web.id}/attachments/${note.body.attachments[0].id}`, visitorToken, 404, 'attachment_not_found'],
      [`/v1/conversations/${mail.id}/attachments/${photoId}`, visitorToken, 404, 'conversation_not_found'],
    ];
    for (const [path, token, status, code] of refused) {
      const res = await asVisitor(path, token);
      expect([path, res.status, res.headers.get('content-type'), ((await res.json()) as Json).error.code]).toEqual([path, status, 'application/json', code]);
    }
  });

  it('still takes a JSON reply, and answers 404 for an unknown attachment', async () => {
    const res = await fd.app.request(`/v1/conversations/${mail.id}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Plain text reply' }),
    });
    expect(res.status).toBe(201);
    const missing = await fd.app.request('/v1/attachments/nope', { headers: { authorization: `Bearer ${token}` } });
    expect([missing.status, ((await missing.json()) as Json).error.code]).toEqual([404, 'attachment_not_found']);
  });
});
