/**
 * The resolution clock stops while a ticket waits on the customer, on both stores, over HTTP with
 * the demo deployment (America/New_York, weekdays 08:00-20:00; high priority: first reply within
 * 1 h, resolution within 8 h of business time). A person sets the ticket to waiting; the due time
 * passes unnoticed (not breached, not missed in analytics); the customer's reply reopens the
 * ticket in its own transaction and moves the due time on by the business time waited, the night
 * counting for nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Ticket, TicketEvent } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
type ApiTicket = Ticket & { sla: { target: string; state: string; dueAt: number } | null };
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

const escalating = () =>
  scriptedEngine(() => {
    const id = newId();
    return {
      agent: 'escalation',
      route: 'escalation',
      confidence: 0.9,
      text: 'I have passed this to our support team.',
      ticket: { id, category: 'complaint', priority: 'high', summary: 'Parcel lost', status: 'escalated' },
      handoff: { reason: 'asked for a person' },
    };
  });

onBothStores('SLA pause while waiting on the customer', (open) => {
  let fd: Frontdesk;
  let close: () => Promise<void>;
  let token: string;
  let conversationId: string;
  let visitorToken: string;
  let ticketId: string;
  // Monday 7 December 2026, 10:00 in New York.
  const clock = manualClock(at('2026-12-07T15:00:00Z'));

  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fd.app.request(`/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const customerWrites = async (text: string) => {
    const res = await fd.app.request(`/v1/conversations/${conversationId}/messages?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
  };
  const ticket = async () => (await call<{ ticket: ApiTicket; history: TicketEvent[] }>('GET', `/tickets/${ticketId}`)).body;
  const resolutionOutcomes = async () => (await call<{ sla: { resolution: unknown } }>('GET', `/analytics?since=${at('2026-12-06T00:00:00Z')}&until=${at('2026-12-10T00:00:00Z')}`)).body.sla.resolution;

  beforeAll(async () => {
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    fd = await createTestFrontdesk({ store: { ...opened.store, close: async () => undefined }, engine: escalating(), clock });
    const dana = await fd.store.repo.createUser({ id: newId(), email: 'dana@northwind.example', name: 'Dana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: 0 });
    token = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    const started = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    ({ conversation: { id: conversationId }, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string });
    await customerWrites('My parcel never came, I want a person.');
    ticketId = (await fd.store.repo.listTickets({ conversationId }))[0]!.id;
  });
  afterAll(async () => {
    await fd?.stop();
    await close?.();
  });

  it('stops the resolution clock while waiting: past the due time it is paused, not breached or missed', async () => {
    expect((await ticket()).ticket).toMatchObject({ resolutionDueAt: at('2026-12-07T23:00:00Z'), pausedAt: null, pausedMs: 0 }); // Monday 18:00
    clock.set(at('2026-12-07T15:30:00Z'));
    expect((await call('POST', `/conversations/${conversationId}/replies`, { text: 'Could you send us the order number?' })).status).toBe(201);
    const waiting = await call<{ ticket: ApiTicket }>('PATCH', `/tickets/${ticketId}`, { status: 'waiting' });
    expect(waiting.status).toBe(200);
    expect(waiting.body.ticket).toMatchObject({ status: 'waiting', pausedAt: at('2026-12-07T15:30:00Z'), sla: { target: 'resolution', state: 'paused' } });

    clock.set(at('2026-12-08T02:00:00Z')); // Monday 21:00: three hours after the old due time
    expect((await ticket()).ticket.sla).toMatchObject({ state: 'paused' });
    const row = (await call<{ rows: { conversation: { id: string }; ticket: ApiTicket }[] }>('GET', '/inbox?view=all')).body.rows.find((r) => r.conversation.id === conversationId)!;
    expect(row.ticket).toMatchObject({ status: 'waiting', sla: { state: 'paused' } });
    expect(await resolutionOutcomes()).toEqual({ met: 0, missed: 0, rate: null });
  });

  it("reopens on the customer's reply with the due time moved on by the business time waited", async () => {
    clock.set(at('2026-12-08T13:30:00Z')); // Tuesday 08:30
    await customerWrites('It is order 1042.');
    const { ticket: resumed, history } = await ticket();
    // Waited Monday 10:30-20:00 and Tuesday 08:00-08:30: 10 h; the night is closed. Monday 18:00 + 10 h is Tuesday 16:00.
    expect(resumed).toMatchObject({ status: 'open', pausedAt: null, pausedMs: 10 * HOUR, resolutionDueAt: at('2026-12-08T21:00:00Z'), sla: { target: 'resolution', state: 'ok' } });
    expect(history.filter((e) => e.field === 'status').map((e) => [e.fromValue, e.toValue, e.actorId === null])).toEqual([
      ['escalated', 'waiting', false],
      ['waiting', 'open', true],
    ]);
    // The first-response target kept its own time: met at the reply, 30 minutes in.
    expect(resumed.firstResponseAt).toBe(at('2026-12-07T15:30:00Z'));
  });

  it('counts the resolution as met when it comes within the moved due time', async () => {
    clock.set(at('2026-12-08T20:00:00Z')); // Tuesday 15:00: after the first due time, before the moved one
    expect((await call('POST', `/conversations/${conversationId}/resolve`, {})).status).toBe(200);
    expect(await resolutionOutcomes()).toEqual({ met: 1, missed: 0, rate: 1 });
  });

  it('refuses an unknown status with a 4xx and changes nothing', async () => {
    const refused = await call<{ error: { code: string } }>('PATCH', `/tickets/${ticketId}`, { status: 'pending' });
    expect(refused.status).toBe(400);
    expect((await ticket()).ticket.status).toBe('resolved');
  });
});
