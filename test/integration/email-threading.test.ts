/**
 * Email mail parsed from real MIME into the real pipeline (SQLite): which conversation a mail
 * joins (reply-address token and References first, then the subject of the same sender, only
 * within a week and only while the conversation is open), and who the reply goes to (the person
 * who wrote the latest mail, with the people they had in CC).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../adapters/email/parse.ts';
import { replyRecipients } from '../../adapters/email/send.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/core/ports.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';

const DAY = 86_400_000;
const SUPPORT = 'support@northwind.test';

function recordingEmail() {
  const sent: OutboundMessage[] = [];
  const adapter: ChannelAdapter = {
    kind: 'email',
    async send(message) {
      sent.push(message);
      return { status: 'sent', providerMessageId: `<${message.messageId.toLowerCase()}@northwind.test>` };
    },
  };
  return { adapter, sent };
}

function raw(headers: Record<string, string>, body: string): Buffer {
  const all = { To: SUPPORT, 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers };
  return Buffer.from(`${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`);
}

async function setup() {
  const clock = manualClock(Date.UTC(2026, 2, 12, 9));
  const email = recordingEmail();
  const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'Thanks, we are on it.' }));
  const fd = await createTestFrontdesk({ engine, adapters: [email.adapter], clock });
  const receive = async (mail: Buffer) => {
    const { inbound } = await parseEmail(mail, { maxAttachmentBytes: 1_000_000, supportAddress: SUPPORT, receivedAt: clock.now() });
    const result = await fd.pipeline.receive(inbound);
    await fd.pipeline.idle();
    await fd.outbox.drain();
    return result.conversation.id;
  };
  return { fd, clock, email, receive };
}

describe('email threading by subject', () => {
  it('joins an open conversation of the same sender within a week, with a localised prefix', async () => {
    const { fd, clock, receive } = await setup();
    try {
      const first = await receive(raw({ From: 'ana@example.pt', Subject: 'Question', 'Message-ID': '<s1@example.pt>' }, 'Do you ship to Madeira?'));
      clock.advance(2 * DAY);
      expect(await receive(raw({ From: 'ana@example.pt', Subject: 'RE : Question', 'Message-ID': '<s2@example.pt>' }, 'And to the Azores?'))).toBe(first);
      expect(await receive(raw({ From: 'ana@example.pt', Subject: '回复: Question', 'Message-ID': '<s3@example.pt>' }, 'Thanks.'))).toBe(first);
      // Another person's "Question" is another case.
      expect(await receive(raw({ From: 'bo@example.se', Subject: 'SV: Question', 'Message-ID': '<s4@example.se>' }, 'Is the shop open?'))).not.toBe(first);
    } finally {
      await fd.stop();
    }
  });

  it('starts a new conversation after the window or once the case was resolved', async () => {
    const { fd, clock, receive } = await setup();
    try {
      const first = await receive(raw({ From: 'ana@example.pt', Subject: 'Question', 'Message-ID': '<w1@example.pt>' }, 'Do you ship to Madeira?'));
      clock.advance(8 * DAY);
      const later = await receive(raw({ From: 'ana@example.pt', Subject: 'Question', 'Message-ID': '<w2@example.pt>' }, 'Do you sell gift cards?'));
      expect(later).not.toBe(first);
      await fd.store.repo.updateConversation(later, { status: 'resolved', resolvedAt: clock.now() });
      clock.advance(DAY);
      const third = await receive(raw({ From: 'ana@example.pt', Subject: 'Question', 'Message-ID': '<w3@example.pt>' }, 'Where is my parcel?'));
      expect([first, later]).not.toContain(third);
      // A real reply (References) still reopens the resolved case, whatever its age or subject.
      const replied = await receive(
        raw({ From: 'ana@example.pt', Subject: 'Something else', 'Message-ID': '<w4@example.pt>', 'In-Reply-To': '<w2@example.pt>' }, 'One more thing.'),
      );
      expect(replied).toBe(later);
    } finally {
      await fd.stop();
    }
  });
});

describe('email reply addressing through the outbox', () => {
  it('replies to the Reply-To of the latest mail and keeps the people in CC', async () => {
    const { fd, email, receive } = await setup();
    try {
      await receive(readFileSync(new URL('../fixtures/email/reply-to-cc.eml', import.meta.url)));
      const sent = email.sent.at(-1)!;
      expect(sent).toBeDefined();
      expect(replyRecipients(sent)).toEqual({ to: { address: 'kim.home@example.org', name: 'Kim Lee' }, cc: ['sam@work.example', 'colleague@example.org'] });
    } finally {
      await fd.stop();
    }
  });

  it('answers a colleague who joins the thread from another address, not the first writer', async () => {
    const { fd, email, receive } = await setup();
    try {
      const first = await receive(raw({ From: 'Jane <jane@acme.example>', Subject: 'Invoice', 'Message-ID': '<c1@acme.example>' }, 'Please resend invoice INV-1.'));
      const second = await receive(
        raw(
          { From: 'Tom <tom@acme.example>', Cc: 'jane@acme.example', Subject: 'Re: Invoice', 'Message-ID': '<c2@acme.example>', 'In-Reply-To': '<c1@acme.example>' },
          'I am handling this for Jane now.',
        ),
      );
      expect(second).toBe(first);
      const last = email.sent.at(-1)!;
      expect(replyRecipients(last)).toEqual({ to: { address: 'tom@acme.example', name: 'Tom' }, cc: ['jane@acme.example'] });
    } finally {
      await fd.stop();
    }
  });
});
