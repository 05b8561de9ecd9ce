/**
 * Business hours and SLAs over HTTP with the demo deployment (America/New_York; high priority:
 * first reply within 1 h, resolution within 8 h of business time): a handoff while nobody is in
 * tells the customer when people are back, the ticket's due times count only open hours, and the
 * inbox row and the ticket show ok → due soon → breached as a settable clock moves; a new priority
 * moves the targets, a person's reply meets the first one. Then round-robin assignment of
 * handoffs among available, enabled users.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeployment } from '../../config/deployment/index.ts';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { User } from '../../src/core/types.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
let fd: Frontdesk | undefined;
afterEach(async () => {
  await fd?.stop();
  fd = undefined;
});

const at = (iso: string) => Date.parse(iso);
const escalating = () =>
  scriptedEngine(() => {
    const id = newId();
    return {
      agent: 'escalation',
      route: 'escalation',
      confidence: 0.9,
      text: `I have passed this to our support team (ticket ${id}).`,
      ticket: { id, category: 'complaint', priority: 'high', summary: 'Parcel lost', status: 'escalated' },
      handoff: { reason: 'asked for a person' },
    };
  });

async function staffUser(frontdesk: Frontdesk, name: string, patch: Partial<User> = {}) {
  const user = await frontdesk.store.repo.createUser({ id: newId(), email: `${name}@northwind.example`, name, role: 'agent', passwordHash: null, slackUserId: null, createdAt: 0, ...patch });
  return { user, token: (await createApiToken(frontdesk.store, frontdesk.clock, { name, userId: user.id })).token };
}

async function api(frontdesk: Frontdesk, token: string, method: string, path: string, body?: unknown) {
  const res = await frontdesk.app.request(`/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** A web customer writes and waits for the reply; returns the conversation id. */
async function customerWrites(frontdesk: Frontdesk, text: string): Promise<string> {
  const started = await frontdesk.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com' }) });
  const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
  const posted = await frontdesk.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
    body: JSON.stringify({ text }),
  });
  expect(posted.status).toBe(200);
  return conversation.id;
}

describe('business hours and SLAs', () => {
  it('tells a customer handed over after hours when people are back, and tracks the ticket\'s targets in business time', async () => {
    // Sunday 17:30 in New York: the demo closed at 17:00 and opens Monday 08:00.
    const clock = manualClock(at('2026-12-06T22:30:00Z'));
    fd = await createTestFrontdesk({ engine: escalating(), clock });
    const { token } = await staffUser(fd, 'ada', { role: 'admin' });
    const conversationId = await customerWrites(fd, 'My parcel never came, I want a person.');

    const detail = await api(fd, token, 'GET', `/conversations/${conversationId}`);
    const reply = (detail.json.messages as { direction: string; text: string; renderedHtml: string }[]).find((m) => m.direction === 'outbound')!;
    const notice = 'Our team is out right now and back Monday 8:00 (America/New_York); a person will reply then.';
    expect(reply.text).toMatch(/^I have passed this to our support team \(ticket #\d+\)\.\n\nOur team is out/);
    expect(reply.text.endsWith(notice)).toBe(true);
    expect(reply.renderedHtml).toContain(`<p>${notice}</p>`);

    // Business time from Monday 08:00 EST: first reply by 09:00 (14:00Z), resolution by 16:00 (21:00Z).
    const [ticket] = (await api(fd, token, 'GET', '/tickets')).json.tickets;
    expect(ticket).toMatchObject({
      priority: 'high',
      firstResponseDueAt: at('2026-12-07T14:00:00Z'),
      resolutionDueAt: at('2026-12-07T21:00:00Z'),
      firstResponseAt: null,
      sla: { target: 'first_response', state: 'ok', dueAt: at('2026-12-07T14:00:00Z') },
    });
    const rowSla = async () => (await api(fd!, token, 'GET', '/inbox?view=all')).json.rows.find((r: any) => r.conversation.id === conversationId).ticket.sla;
    expect(await rowSla()).toEqual({ target: 'first_response', state: 'ok', dueAt: at('2026-12-07T14:00:00Z') });
    clock.set(at('2026-12-07T13:15:00Z'));
    expect((await rowSla()).state).toBe('due_soon');
    clock.set(at('2026-12-07T14:00:00Z'));
    expect((await rowSla()).state).toBe('breached');

    // Urgent: 30 min and 4 h from the same opening.
    const urgent = await api(fd, token, 'PATCH', `/tickets/${ticket.id}`, { priority: 'urgent' });
    expect(urgent.json.ticket).toMatchObject({ firstResponseDueAt: at('2026-12-07T13:30:00Z'), resolutionDueAt: at('2026-12-07T17:00:00Z'), sla: { state: 'breached' } });

    // A person's reply meets (late) the first target; the resolution target is next.
    expect((await api(fd, token, 'POST', `/conversations/${conversationId}/replies`, { text: 'Sorry for the wait, looking now.' })).status).toBe(201);
    const answered = (await api(fd, token, 'GET', `/tickets/${ticket.id}`)).json.ticket;
    expect(answered).toMatchObject({ firstResponseAt: at('2026-12-07T14:00:00Z'), sla: { target: 'resolution', state: 'ok', dueAt: at('2026-12-07T17:00:00Z') } });

    // Analytics: the first-response target (due 13:30Z, met 14:00Z) was missed; resolution is not yet due.
    const { sla } = (await api(fd, token, 'GET', `/analytics?since=${at('2026-12-06T00:00:00Z')}`)).json;
    expect(sla).toEqual({
      firstResponse: { met: 0, missed: 1, rate: 0 },
      resolution: { met: 0, missed: 0, rate: null },
      daily: [{ day: '2026-12-07', target: 'first_response', met: 0, missed: 1, rate: 0 }],
    });
  });

  it('says nothing about hours while people are in', async () => {
    fd = await createTestFrontdesk({ engine: escalating(), clock: manualClock(at('2026-12-07T15:00:00Z')) }); // Monday 10:00 EST
    const { token } = await staffUser(fd, 'ada', { role: 'admin' });
    const conversationId = await customerWrites(fd, 'I want a person.');
    const messages = (await api(fd, token, 'GET', `/conversations/${conversationId}`)).json.messages as { direction: string; text: string }[];
    expect(messages.find((m) => m.direction === 'outbound')!.text).toMatch(/^I have passed this to our support team \(ticket #\d+\)\.$/);
  });
});

describe('round-robin assignment', () => {
  it('hands escalated conversations in turn to available, enabled users; agents set their own availability', async () => {
    const demo = loadDeployment();
    fd = await createTestFrontdesk({ engine: escalating(), deployment: { ...demo, settings: { ...demo.settings, assignment: 'round-robin' } } });
    const ann = await staffUser(fd, 'ann');
    const ben = await staffUser(fd, 'ben');
    const cy = await staffUser(fd, 'cy', { available: true, disabledAt: 1 });
    await staffUser(fd, 'dee'); // never available

    for (const who of [ann, ben]) {
      const set = await api(fd, who.token, 'PUT', '/me/availability', { available: true });
      expect(set.json.user).toMatchObject({ id: who.user.id, available: true });
    }
    expect((await api(fd, ann.token, 'PUT', '/me/availability', { available: 'yes' })).status).toBe(400);

    const assignees: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await customerWrites(fd, `Person please (${i})`);
      const { conversation, tickets } = (await api(fd, ann.token, 'GET', `/conversations/${id}`)).json;
      expect(tickets[0].assigneeId).toBe(conversation.assigneeId);
      assignees.push(conversation.assigneeId);
    }
    const [first, second] = [ann.user.id, ben.user.id].sort();
    expect(assignees).toEqual([first, second, first, second]);
    expect(assignees).not.toContain(cy.user.id);

    // Nobody available: the handoff waits unassigned.
    for (const who of [ann, ben]) await api(fd, who.token, 'PUT', '/me/availability', { available: false });
    const id = await customerWrites(fd, 'Anyone there?');
    expect((await api(fd, ann.token, 'GET', `/conversations/${id}`)).json.conversation.assigneeId).toBeNull();
  });
});
