/**
 * The ticket page's API on both stores: a summary that says what the customer needs (not their
 * last message), the conversation excerpt, and a history of status, priority and assignee changes
 * with who made each, written with the change and never without it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Message, Ticket, TicketEvent, User } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
interface TicketPage {
  ticket: Ticket;
  messages: Message[];
  history: TicketEvent[];
}

onBothStores('ticket page API', (open) => {
  let fd: Frontdesk;
  let close: () => Promise<void>;
  let dana: User;
  let token: string;
  let ticket: Ticket;

  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fd.app.request(`/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    // The store is closed (and its database dropped) by `close`, after the Frontdesk stops.
    fd = await createTestFrontdesk({ store: { ...opened.store, close: async () => undefined } });
    dana = await fd.store.repo.createUser({ id: newId(), email: 'dana@northwind.example', name: 'Dana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: Date.now() });
    token = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    const start = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { conversation, visitorToken } = (await start.json()) as { conversation: { id: string }; visitorToken: string };
    for (const text of ['Hi there!', 'I was charged twice for the same jacket last week', 'Can I talk to a real person please?']) {
      await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
        body: JSON.stringify({ text }),
      });
    }
    const tickets = await fd.store.repo.listTickets({ conversationId: conversation.id });
    ticket = tickets.find((t) => t.category === 'human_requested')!;
    expect(ticket, JSON.stringify(tickets)).toBeDefined();
  });
  afterAll(async () => {
    await fd?.stop();
    await close?.();
  });

  it('summarises what the customer needs: the case and their key sentence, not the message that opened the ticket', async () => {
    expect(ticket.summary).toBe('Human requested: I was charged twice for the same jacket last week');
  });

  it('shows the conversation around the ticket, oldest first, and an empty history for a new ticket', async () => {
    const { status, body } = await call<TicketPage>('GET', `/tickets/${ticket.id}`);
    expect(status).toBe(200);
    expect(body.messages.filter((m) => m.direction === 'inbound').map((m) => m.text)).toEqual(['Hi there!', 'I was charged twice for the same jacket last week', 'Can I talk to a real person please?']);
    expect(body.messages.at(-1)!.text).toContain(`#${ticket.number}`);
    expect(body.history).toEqual([]);
  });

  it('records each changed field with who changed it, and nothing for a field set to what it was', async () => {
    expect((await call('PATCH', `/tickets/${ticket.id}`, { status: 'in_progress', priority: 'high', assigneeId: dana.id })).status).toBe(200);
    expect((await call('PATCH', `/tickets/${ticket.id}`, { priority: 'high' })).status).toBe(200);
    const { body } = await call<TicketPage>('GET', `/tickets/${ticket.id}`);
    expect(body.history.map(({ field, fromValue, toValue, actorId }) => ({ field, fromValue, toValue, actorId }))).toEqual([
      { field: 'status', fromValue: 'escalated', toValue: 'in_progress', actorId: dana.id },
      { field: 'priority', fromValue: ticket.priority, toValue: 'high', actorId: dana.id },
      { field: 'assigneeId', fromValue: null, toValue: dana.id, actorId: dana.id },
    ]);
  });

  it('records the resolution when the conversation is resolved, by the person who resolved it', async () => {
    expect((await call('POST', `/conversations/${ticket.conversationId}/resolve`)).status).toBe(200);
    const history = await fd.store.repo.listTicketEvents(ticket.id);
    expect(history.at(-1)).toMatchObject({ field: 'status', fromValue: 'in_progress', toValue: 'resolved', actorId: dana.id });
  });

  it('keeps no history of a change that was rolled back, and changes nothing on bad input', async () => {
    const before = await fd.store.repo.listTicketEvents(ticket.id);
    await expect(
      fd.store.transaction(async (repo) => {
        await repo.updateTicket(ticket.id, { status: 'open', updatedAt: Date.now() }, dana.id);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const bad = await call<{ error: { code: string } }>('PATCH', `/tickets/${ticket.id}`, { status: 'closed-ish' });
    expect(bad.status).toBe(400);
    expect(await fd.store.repo.listTicketEvents(ticket.id)).toEqual(before);
    expect((await fd.store.repo.getTicket(ticket.id))!.status).toBe('resolved');
  });

  it('answers 404 for an unknown ticket', async () => {
    const { status, body } = await call<{ error: { code: string } }>('GET', '/tickets/nope');
    expect([status, body.error.code]).toEqual([404, 'ticket_not_found']);
  });
});
