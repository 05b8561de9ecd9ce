/**
 * Deciding a paused refund in the console, in Chromium: the model engine (the real `openai`
 * client against test/support/fake-openai.ts) pauses a web visitor's refund for approval; a staff
 * member opens the conversation, reads what is asked in "Waiting for approval", and approves or
 * rejects it with a note. The run resumes: on approval the refund runs, on rejection it does not,
 * and either way the customer hears the outcome in the conversation.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createOpenAIEngine, type ApprovedAction } from '../../agents/engines/openai/index.ts';
import { CONSOLE_BUNDLE, ensureBuilt } from '../../src/console/assets.ts';
import { newId } from '../../src/core/ids.ts';
import { hashPassword } from '../../src/core/passwords.ts';
import type { Message, Ticket } from '../../src/core/types.ts';
import { listen, type Frontdesk } from '../../src/entry/node.ts';
import { seriousViolations } from '../support/axe.ts';
import { chromiumUnavailable, launchChromium, newBrowserContext } from '../support/browser.ts';
import { agentGraph } from '../support/deployment.ts';
import { say, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { describeWithService } from '../support/services.ts';

const EMAIL = 'dana@northwind.example';
const PASSWORD = 'correct horse battery';

describeWithService('Chromium', chromiumUnavailable())('approving a paused refund in the console, in Chromium', () => {
  let fake: FakeOpenAI;
  let frontdesk: Frontdesk;
  let server: Server;
  let browser: Browser;
  let staff: Page;
  let base: string;
  /** Refunds the shop carried out (the engine's onApproved), each announced as it runs. */
  const refunds: ApprovedAction[] = [];
  let refunded: Promise<ApprovedAction>;
  let onRefund: (action: ApprovedAction) => void;
  const expectRefund = () => (refunded = new Promise((resolve) => (onRefund = resolve)));

  beforeAll(async () => {
    await ensureBuilt(CONSOLE_BUNDLE);
    fake = await startFakeOpenAI();
    const engine = createOpenAIEngine(
      { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 60_000, maxConcurrency: 4, tokenBudget: 50_000 },
      {
        graph: agentGraph,
        maxRetries: 1,
        onApproved: async (action) => {
          refunds.push(action);
          onRefund(action);
          return { refundId: 'RF-77' };
        },
      },
    );
    frontdesk = await createTestFrontdesk({ engine });
    await frontdesk.store.repo.createUser({ id: newId(), email: EMAIL, name: 'Dana Reyes', role: 'agent', passwordHash: await hashPassword(PASSWORD), slackUserId: null, createdAt: Date.now() });
    server = (await listen(frontdesk.app, 0, '127.0.0.1')) as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    staff = await (await newBrowserContext(browser, { viewport: { width: 1280, height: 860 } })).newPage();
    await staff.goto(`${base}/console/`);
    await staff.getByLabel('Email').fill(EMAIL);
    await staff.getByLabel('Password').fill(PASSWORD);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('heading', { name: 'Inbox' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await frontdesk?.stop();
    await fake?.close();
  });

  beforeEach(() => {
    fake.reset();
    refunds.length = 0;
    expectRefund();
  });

  /** A web visitor asks for a refund (the widget's API); the model transfers to billing and calls get_refund, which pauses. */
  const visitorAsksForRefund = async (text: string) => {
    fake.script(say.transfer('billing'), say.tool('get_refund', { orderId: 'nw 10001', summary: 'Jacket does not fit, wants a refund' }));
    const started = (await (await fetch(`${base}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      conversation: { id: string };
      visitorToken: string;
    };
    const auth = { authorization: `Bearer ${started.visitorToken}` };
    const asked = await fetch(`${base}/v1/conversations/${started.conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ text }),
    });
    expect(asked.status).toBeLessThan(300);
    const conversationId = started.conversation.id;
    const [ticket] = await frontdesk.store.repo.listTickets({ conversationId });
    expect(ticket).toMatchObject({ status: 'open', category: 'approval_required' });
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    /** What the visitor's widget shows: the conversation's messages as the visitor reads them. */
    const visitorSees = async () => {
      const res = await fetch(`${base}/v1/conversations/${conversationId}/messages`, { headers: auth });
      return ((await res.json()) as { messages: Message[] }).messages.map((m) => m.text);
    };
    return { conversationId, ticket: ticket as Ticket, visitorSees };
  };

  /** Opens the conversation in the console; the approval region with what is asked. */
  const openApproval = async (conversationId: string, ticket: Ticket) => {
    await staff.goto(`${base}/console/#/c/${conversationId}`);
    const region = staff.getByRole('region', { name: 'Waiting for approval' });
    await region.waitFor();
    await expect(region.textContent()).resolves.toContain('billing waits for a person\'s approval to run get_refund');
    await expect(region.textContent()).resolves.toContain(`#${ticket.number}`);
    await expect(region.textContent()).resolves.toContain('refund: [NW-10001] Jacket does not fit, wants a refund');
    return region;
  };

  it('a staff member approves with a note: the refund runs and the customer reads the confirmation', async () => {
    const { conversationId, ticket, visitorSees } = await visitorAsksForRefund('I want a refund for NW-10001, the jacket does not fit.');
    expect(refunds).toHaveLength(0);
    const region = await openApproval(conversationId, ticket);
    expect(await seriousViolations(staff)).toEqual([]);

    const answer = 'Good news: your refund for NW-10001 is on its way (reference RF-77).';
    fake.script(say.json({ answer, confidence: 0.9 }));
    await region.getByLabel(/Note/).fill('Unworn, fine');
    await region.getByRole('button', { name: 'Approve' }).click();
    await expect(refunded).resolves.toMatchObject({ intent: 'get_refund', orderId: 'NW-10001', conversationId });
    await staff.getByRole('list', { name: 'Messages' }).locator('.msg.by-bot').filter({ hasText: answer }).waitFor();
    await region.waitFor({ state: 'detached' });

    // The resumed run saw the refund's result, not a new question; the note is on the trace.
    expect(fake.requests).toHaveLength(1);
    expect(String(fake.requests[0]!.messages.at(-1)!.content)).toContain('RF-77');
    expect(refunds).toHaveLength(1);
    await expect(visitorSees()).resolves.toContain(answer);
    expect(await frontdesk.store.repo.getTicket(ticket.id)).toMatchObject({ status: 'resolved' });
    const reply = (await frontdesk.store.repo.listMessages(conversationId, { limit: 20 })).find((m) => m.text === answer)!;
    expect(JSON.stringify(reply.meta?.trace)).toContain('"note":"Unworn, fine"');
    expect(fake.unexpected).toBe(0);
  });

  it('a staff member rejects with a note: nothing is refunded and the customer hears why', async () => {
    const { conversationId, ticket, visitorSees } = await visitorAsksForRefund('Refund NW-10001 please, I changed my mind.');
    const region = await openApproval(conversationId, ticket);

    const answer = 'I’m sorry, we can’t refund NW-10001 because the 30-day return window has closed. Can I help with anything else?';
    fake.script(say.json({ answer, confidence: 0.9 }));
    await region.getByLabel(/Note/).fill('The 30-day return window has closed');
    await region.getByRole('button', { name: 'Reject' }).click();
    await staff.getByRole('list', { name: 'Messages' }).locator('.msg.by-bot').filter({ hasText: answer }).waitFor();
    await region.waitFor({ state: 'detached' });

    // The model was told the reason as the paused tool's result, and told the customer.
    expect(fake.requests).toHaveLength(1);
    const toolResult = fake.requests[0]!.messages.at(-1)!;
    expect(toolResult.role).toBe('tool');
    expect(String(toolResult.content)).toContain('declined this request: The 30-day return window has closed');
    expect(refunds).toHaveLength(0);
    await expect(visitorSees()).resolves.toContain(answer);
    expect(await frontdesk.store.repo.getTicket(ticket.id)).toMatchObject({ status: 'resolved' });
    expect(fake.unexpected).toBe(0);
  });
});
