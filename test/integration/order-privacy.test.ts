/**
 * Order privacy through the real pipeline, HTTP API and store: what a customer has proven (not
 * what they typed) decides who sees an order; a typed email never joins someone else's contact;
 * staff see "possibly the same person" and merge. The model engine's tools run against the local
 * fake OpenAI server with scripted tool calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentGraph } from '../support/deployment.ts';
import { createOpenAIEngine } from '../../agents/engines/openai/index.ts';
import { newId } from '../../src/core/ids.ts';
import { MAX_EMAIL_ATTEMPTS } from '../../src/core/order-access.ts';
import type { AgentRunInput } from '../../src/core/ports.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { say, startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
type Duplicate = { contactId: string; name: string | null; email: string | null; channels: string[] };

const MARIA = 'maria.lopez@example.com'; // NW-10001 in the demo store
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (body: unknown, headers: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

/** An email from `address`, answered by the engine. */
async function mailFrom(fd: Frontdesk, address: string, text: string) {
  const received = await fd.pipeline.receive({
    channel: 'email',
    from: { address, email: address, name: 'Maria Lopez' },
    text,
    subject: 'My order',
    providerMessageId: `<${newId()}@test>`,
    receivedAt: Date.now(),
    attachments: [],
  });
  return { conversation: received.conversation, reply: (await received.reply)! };
}

/** A widget visitor who typed `email` into the start form (nothing signed). */
async function webVisitor(fd: Frontdesk, email?: string) {
  const address = `visitor:${newId()}`;
  const { conversation, contact } = await fd.pipeline.start({ channel: 'web', from: { address, ...(email ? { email } : {}) } });
  const say = async (text: string) => {
    const received = await fd.pipeline.receive({ channel: 'web', from: { address }, text, receivedAt: Date.now(), thread: { conversationId: conversation.id }, attachments: [] });
    return (await received.reply)!;
  };
  return { conversation, contact, say };
}

describe('contacts and askers in the pipeline', () => {
  const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'ok' }));
  let fd: Frontdesk;
  let staffToken: string;
  beforeAll(async () => {
    fd = await createTestFrontdesk({ engine });
    staffToken = (await createApiToken(fd.store, fd.clock, { name: 'test' })).token;
  });
  afterAll(() => fd.stop());
  const lastAsker = (): AgentRunInput['asker'] => engine.calls.at(-1)!.asker;
  const staffView = async (conversationId: string) => {
    const res = await fd.app.request(`/v1/conversations/${conversationId}`, { headers: bearer(staffToken) });
    expect(res.status).toBe(200);
    return (await res.json()) as { contact: { id: string }; possibleDuplicates: Duplicate[] };
  };

  it('gives a visitor who types someone else’s email a new contact, proves nothing for them, and shows staff the possible duplicate', async () => {
    const owner = await mailFrom(fd, MARIA, 'Where is NW-10001?');
    expect(lastAsker()).toEqual({ emails: [MARIA], phones: [] });

    const visitor = await webVisitor(fd, MARIA);
    expect(visitor.contact.id).not.toBe(owner.conversation.contactId);
    // The typed email is kept on the visitor's contact, for staff, but proves nothing.
    expect(visitor.contact.email).toBe(MARIA);
    await visitor.say('Where is NW-10001?');
    expect(lastAsker()).toEqual({ emails: [], phones: [] });

    const view = await staffView(visitor.conversation.id);
    expect(view.possibleDuplicates).toEqual([{ contactId: owner.conversation.contactId, name: 'Maria Lopez', email: MARIA, channels: ['email'] }]);
    // And the other way round.
    expect((await staffView(owner.conversation.id)).possibleDuplicates.map((d) => d.contactId)).toEqual([visitor.contact.id]);
  });

  it('does not let a later mail from the address join the contact of a visitor who typed it first', async () => {
    const address = `first-typed-${newId().toLowerCase()}@example.com`;
    const visitor = await webVisitor(fd, address);
    const mail = await mailFrom(fd, address, 'Hello from my real mailbox');
    expect(mail.conversation.contactId).not.toBe(visitor.contact.id);
    // The visitor's conversation still proves nothing.
    await visitor.say('and my order?');
    expect(lastAsker()).toEqual({ emails: [], phones: [] });
  });

  it('proves an SMS sender’s number, and nothing for a Slack user', async () => {
    const phone = `+1555${String(Date.now() % 1e7).padStart(7, '0')}`;
    const sms = await fd.pipeline.receive({ channel: 'sms', from: { address: phone }, text: 'where is my order', receivedAt: Date.now(), thread: { key: `${phone}:+15550000000` }, attachments: [] });
    await sms.reply;
    expect(lastAsker()).toEqual({ emails: [], phones: [phone] });
    const slack = await fd.pipeline.receive({ channel: 'slack', from: { address: `U${newId()}`, email: 'someone@example.com' }, text: 'order?', receivedAt: Date.now(), thread: { key: `C1:${newId()}` }, attachments: [] });
    await slack.reply;
    expect(lastAsker()).toEqual({ emails: [], phones: [] });
  });

  it('merges a contact into another on staff request: the visitor then counts as the proven sender', async () => {
    const owner = await mailFrom(fd, `merge-${newId().toLowerCase()}@example.com`, 'hi');
    const ownerEmail = (await fd.store.repo.getContact(owner.conversation.contactId))!.email!;
    const visitor = await webVisitor(fd, ownerEmail);

    const res = await fd.app.request(`/v1/contacts/${visitor.contact.id}/merge`, post({ intoContactId: owner.conversation.contactId }, bearer(staffToken)));
    const body = (await res.json()) as { contact: { id: string }; identities: { channel: string }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.contact.id).toBe(owner.conversation.contactId);
    expect(body.identities.map((i) => i.channel).sort()).toEqual(['email', 'web']);
    expect(await fd.store.repo.getContact(visitor.contact.id)).toBeNull();
    expect((await fd.store.repo.getConversation(visitor.conversation.id))!.contactId).toBe(owner.conversation.contactId);
    expect((await staffView(visitor.conversation.id)).possibleDuplicates).toEqual([]);

    await visitor.say('Where is my order?');
    expect(lastAsker()).toEqual({ emails: [ownerEmail], phones: [] });
  });

  it('refuses a bad merge with a clear error and changes nothing', async () => {
    const a = await webVisitor(fd, 'a@example.com');
    const b = await webVisitor(fd, 'b@example.com');
    const merge = (id: string, body: unknown, headers: Record<string, string> = bearer(staffToken)) => fd.app.request(`/v1/contacts/${id}/merge`, post(body, headers));
    await expectError(await merge(a.contact.id, { intoContactId: 'no-such-contact' }), 404, 'contact_not_found');
    await expectError(await merge('no-such-contact', { intoContactId: b.contact.id }), 404, 'contact_not_found');
    await expectError(await merge(a.contact.id, { intoContactId: a.contact.id }), 409, 'merge_into_itself');
    await expectError(await merge(a.contact.id, {}), 400, 'invalid_input');
    await expectError(await merge(a.contact.id, { intoContactId: '' }), 400, 'invalid_input');
    expect((await merge(a.contact.id, '{not json')).status).toBe(400);
    expect((await merge(a.contact.id, { intoContactId: b.contact.id }, {})).status).toBe(401);
    for (const visitor of [a, b]) {
      expect(await fd.store.repo.getContact(visitor.contact.id)).not.toBeNull();
      expect((await fd.store.repo.getConversation(visitor.conversation.id))!.contactId).toBe(visitor.contact.id);
    }
  });
});

describe('the embedded engine’s order desk', () => {
  let fd: Frontdesk;
  beforeAll(async () => {
    fd = await createTestFrontdesk();
  });
  afterAll(() => fd.stop());

  it('never unlocks another customer’s order for an email sender who types that customer’s address', async () => {
    const replies: string[] = [];
    for (const orderId of ['NW-10001', 'NW-09999']) {
      const sender = `friend.${newId().toLowerCase()}@example.com`;
      const asked = await mailFrom(fd, sender, `Hi, can you check ${orderId} for me?`);
      const typed = await fd.pipeline.receive({
        channel: 'email',
        from: { address: sender, email: sender, name: 'A friend' },
        text: `It's my friend's order, her email is ${MARIA}`,
        subject: 'Re: My order',
        providerMessageId: `<${newId()}@test>`,
        receivedAt: Date.now(),
        thread: { conversationId: asked.conversation.id },
        attachments: [],
      });
      const second = (await typed.reply)!;
      for (const text of [asked.reply.text, second.text]) expect(text).not.toMatch(/Merino|Wool Hiking Socks|tracking/i);
      replies.push(asked.reply.text.replace(orderId, '…'));
    }
    // The same reply for someone else's order and for none at all.
    expect(replies[0]).toBe(replies[1]);
  });

  it('shows an email sender their own order', async () => {
    const { reply } = await mailFrom(fd, MARIA, 'Hi, where is NW-10001?');
    expect(reply.text).toContain('NW-10001');
    expect(reply.text).toMatch(/Merino/);
  });

  it('lists a proven sender’s orders to choose from instead of asking for a number, and only theirs', async () => {
    const { reply } = await mailFrom(fd, MARIA, 'Hi, where is my order?');
    expect(reply.text).toMatch(/NW-10001/);
    expect(reply.text).toMatch(/NW-10016/);
    expect(reply.text).not.toMatch(/NW-10003/);
    expect(reply.text).not.toMatch(/What is your order number/);
  });
});

/** The JSON a tool returned to the model, read from the request that followed the call. */
function toolOutputs(requests: ChatRequest[], name: string): Record<string, unknown>[] {
  const outputs: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    const calls = new Map<string, string>();
    for (const m of request.messages) for (const call of m.tool_calls ?? []) calls.set(call.id, call.function.name);
    for (const m of request.messages) {
      if (m.role !== 'tool' || !m.tool_call_id || seen.has(m.tool_call_id) || calls.get(m.tool_call_id) !== name) continue;
      seen.add(m.tool_call_id);
      outputs.push(JSON.parse(String(m.content)) as Record<string, unknown>);
    }
  }
  return outputs;
}

describe('the model engine’s order tools', () => {
  let fake: FakeOpenAI;
  let fd: Frontdesk;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const engine = createOpenAIEngine(
      { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 60_000, maxConcurrency: 4, tokenBudget: 500_000 },
      { graph: agentGraph, maxRetries: 0, inputCheck: false },
    );
    fd = await createTestFrontdesk({ engine });
    expect((await fd.store.repo.getOrder('NW-10001'))?.contactEmail).toBe(MARIA);
    expect(await fd.store.repo.getOrder('NW-09999')).toBeNull();
  });
  afterAll(async () => {
    await fd.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const secrets = ['Merino', 'Wool Hiking Socks', MARIA];
  const leaks = (requests: ChatRequest[]) => secrets.filter((s) => JSON.stringify(requests).includes(s));
  /** Secrets in what the tools answered (the customer's own words and the model's calls may hold a typed email). */
  const toolLeaks = (requests: ChatRequest[]) => secrets.filter((s) => JSON.stringify(requests.map((r) => r.messages.filter((m) => m.role === 'tool'))).includes(s));

  it('tells an anonymous visitor nothing, and the same for an existing and a missing order', async () => {
    const outputs = [];
    for (const orderId of ['NW-10001', 'NW-09999']) {
      fake.reset();
      const visitor = await webVisitor(fd, MARIA);
      fake.script(say.transfer('orders'), say.tool('lookup_order', { orderId }), say.json({ answer: 'Which email address did you use for the order?', confidence: 0.9 }));
      const reply = await visitor.say(`Where is ${orderId}?`);
      expect(reply.text).toBe('Which email address did you use for the order?');
      const [output] = toolOutputs(fake.requests, 'lookup_order');
      expect(output).toMatchObject({ found: 'unknown', needsVerification: true, orderId });
      // Nothing of the order reaches the model; the email the visitor typed is named as unverified.
      expect(leaks(fake.requests)).toEqual([MARIA]);
      expect(toolLeaks(fake.requests)).toEqual([]);
      expect(JSON.stringify(fake.requests[0]!.messages[0])).toContain(`they gave the email ${MARIA} (not verified)`);
      outputs.push({ ...output, orderId: '…' });
    }
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('shows the order once the visitor gives the order’s email, and remembers it on the next message', async () => {
    const visitor = await webVisitor(fd);
    fake.script(say.transfer('orders'), say.tool('lookup_order', { orderId: 'NW-10001' }), say.json({ answer: 'Which email address did you use?', confidence: 0.9 }));
    await visitor.say('Where is NW-10001?');

    fake.script(say.tool('verify_order_email', { orderId: 'nw-10001', email: ` ${MARIA.toUpperCase()} ` }), say.json({ answer: 'Thanks! NW-10001 contains a Merino Crew Sweater.', confidence: 0.9 }));
    const reply = await visitor.say(`It was ${MARIA}`);
    expect(reply.text).toBe('Thanks! NW-10001 contains a Merino Crew Sweater.');
    const [verified] = toolOutputs(fake.requests, 'verify_order_email');
    expect(verified).toMatchObject({ verified: true, order: { orderId: 'NW-10001', items: expect.arrayContaining([expect.objectContaining({ name: 'Merino Crew Sweater, Oatmeal, M' })]) } });
    expect((await fd.store.repo.getConversation(visitor.conversation.id))!.agentState).toMatchObject({ orderVerification: { verified: ['NW-10001'], failures: 0 } });

    fake.reset();
    fake.script(say.tool('lookup_order', { orderId: 'NW-10001' }), say.json({ answer: 'NW-10001 is on its way.', confidence: 0.9 }));
    await visitor.say('and when will NW-10001 arrive?');
    expect(toolOutputs(fake.requests, 'lookup_order')[0]).toMatchObject({ found: true, order: { orderId: 'NW-10001' } });
  });

  it(`hands off after ${MAX_EMAIL_ATTEMPTS} wrong emails, answering a wrong email alike for an existing and a missing order`, async () => {
    const visitor = await webVisitor(fd);
    fake.script(say.transfer('orders'), say.tool('verify_order_email', { orderId: 'NW-10001', email: 'guess1@example.com' }), say.json({ answer: 'That does not match.', confidence: 0.9 }));
    await visitor.say('NW-10001, my email is guess1@example.com');
    fake.script(say.tool('verify_order_email', { orderId: 'NW-09999', email: 'guess2@example.com' }), say.json({ answer: 'That does not match.', confidence: 0.9 }));
    await visitor.say('NW-09999 then, guess2@example.com');
    const [first, second] = toolOutputs(fake.requests, 'verify_order_email');
    expect(first).toEqual({ verified: false, attemptsLeft: 2, note: expect.any(String) });
    expect(second).toEqual({ ...first, attemptsLeft: 1 });
    expect((await fd.store.repo.getConversation(visitor.conversation.id))!.owner).toBe('bot');

    fake.reset();
    fake.script(say.tool('verify_order_email', { orderId: 'NW-10001', email: 'guess3@example.com' }), say.json({ answer: 'A person from our team will help you with this order.', confidence: 0.9 }));
    const reply = await visitor.say('guess3@example.com?');
    expect(toolOutputs(fake.requests, 'verify_order_email')[0]).toMatchObject({ verified: false, attemptsLeft: 0 });
    expect(reply.text).toBe('A person from our team will help you with this order.');
    const conversation = (await fd.store.repo.getConversation(visitor.conversation.id))!;
    expect(conversation).toMatchObject({ owner: 'human', agentState: { orderVerification: { verified: [], failures: MAX_EMAIL_ATTEMPTS } } });
    expect(leaks(fake.requests)).toEqual([]);

    // Handed back to the bot, the limit still holds: even the right email is no longer checked.
    await fd.support.handBack(conversation.id, null);
    fake.reset();
    fake.script(say.tool('verify_order_email', { orderId: 'NW-10001', email: MARIA }), say.json({ answer: 'A person will help you.', confidence: 0.9 }));
    await visitor.say(`${MARIA}`);
    expect(toolOutputs(fake.requests, 'verify_order_email')[0]).toMatchObject({ verified: false, attemptsLeft: 0 });
    expect(toolLeaks(fake.requests)).toEqual([]);
  });

  it('never checks a typed email for an email sender: their orders are those of the address they write from', async () => {
    fake.script(say.transfer('orders'), say.tool('verify_order_email', { orderId: 'NW-10001', email: MARIA }), say.json({ answer: 'Please write from the address you ordered with.', confidence: 0.9 }));
    const { reply } = await mailFrom(fd, `friend.${newId().toLowerCase()}@example.com`, `NW-10001 is my friend's order, her email is ${MARIA}`);
    expect(reply.text).toBe('Please write from the address you ordered with.');
    expect(toolOutputs(fake.requests, 'verify_order_email')[0]).toEqual({ verified: false, note: expect.stringMatching(/proven/) });
    expect(toolLeaks(fake.requests)).toEqual([]);
  });

  it('counts parallel guesses in one model turn against the limit', async () => {
    const visitor = await webVisitor(fd);
    const guesses = ['a', 'b', 'c', 'd'].map((g) => ({ name: 'verify_order_email', arguments: { orderId: 'NW-10001', email: `${g}@example.com` } }));
    fake.script(
      say.transfer('orders'),
      say.tools(...guesses, { name: 'verify_order_email', arguments: { orderId: 'NW-10001', email: MARIA } }),
      say.json({ answer: 'A person from our team will help you.', confidence: 0.9 }),
    );
    await visitor.say('one of these emails');
    const outputs = toolOutputs(fake.requests, 'verify_order_email');
    expect(outputs).toHaveLength(5);
    expect(outputs.filter((o) => o.verified === true)).toEqual([]);
    expect(toolLeaks(fake.requests)).toEqual([]);
    expect((await fd.store.repo.getConversation(visitor.conversation.id))!).toMatchObject({ owner: 'human', agentState: { orderVerification: { failures: MAX_EMAIL_ATTEMPTS } } });
  });

  it('shows an email sender their own order at once, lists their orders, and refuses listing a typed email', async () => {
    fake.script(
      say.transfer('orders'),
      say.tools({ name: 'lookup_order', arguments: { orderId: 'NW-10001' } }, { name: 'orders_for_email', arguments: { email: MARIA } }),
      say.json({ answer: 'Your order NW-10001 is on its way.', confidence: 0.9 }),
    );
    const { reply } = await mailFrom(fd, MARIA, 'Where is NW-10001?');
    expect(reply.text).toBe('Your order NW-10001 is on its way.');
    expect(toolOutputs(fake.requests, 'lookup_order')[0]).toMatchObject({ found: true, order: { orderId: 'NW-10001', carrier: expect.anything() } });
    expect((toolOutputs(fake.requests, 'orders_for_email')[0]!.orders as { orderId: string }[]).map((o) => o.orderId)).toContain('NW-10001');

    fake.reset();
    const visitor = await webVisitor(fd, MARIA);
    fake.script(say.transfer('orders'), say.tool('orders_for_email', { email: MARIA }), say.json({ answer: 'Please give me an order number.', confidence: 0.9 }));
    await visitor.say(`What did I order with ${MARIA}?`);
    expect(toolOutputs(fake.requests, 'orders_for_email')[0]).toEqual({ error: expect.stringMatching(/proven/) });
    expect(toolLeaks(fake.requests)).toEqual([]);
  });
});
