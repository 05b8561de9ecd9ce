/**
 * The staff console's inbox API on both stores: tabs and their counts, readable rows, filters,
 * search, cursor paging, read marks; labels, canned replies and contact notes, with bad input
 * refused as JSON and nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { Store } from '../../src/core/ports.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { Conversation, User } from '../../src/core/types.ts';
import type { InboxRow } from '../../src/http/inbox-routes.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
interface InboxPage {
  rows: InboxRow[];
  next: string | null;
  counts: Record<'mine' | 'unassigned' | 'human' | 'all' | 'resolved', number>;
  countsComplete: boolean;
}

function inboxSuite(openStore: () => Promise<{ store?: Store; cleanup(): Promise<void> }>) {
  let fd: Frontdesk;
  let cleanup: () => Promise<void>;
  let dana: User;
  let sam: User;
  const tokens = { dana: '', sam: '' };
  let aisha: Conversation;
  let texter: Conversation;
  let webVisitor: Conversation;

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = tokens.dana) => {
    const res = await fd.app.request(`/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const inbox = (params: Record<string, string> = {}, token?: string) => call<InboxPage>('GET', `/inbox?${new URLSearchParams(params)}`, undefined, token);
  const say = (conversation: Conversation, text: string, at: number, over: Record<string, unknown> = {}) =>
    fd.store.repo.insertMessage({
      id: newId(), conversationId: conversation.id, channel: conversation.channel, direction: 'inbound', authorKind: 'contact', authorId: null, text,
      original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null,
      deliveryStatus: 'received', agentStatus: 'done', meta: null, createdAt: at, ...over,
    });

  beforeAll(async () => {
    const opened = await openStore();
    cleanup = opened.cleanup;
    fd = await createTestFrontdesk({ store: opened.store });
    const user = (name: string, role: User['role']) =>
      fd.store.repo.createUser({ id: newId(), email: `${name.toLowerCase()}@northwind.example`, name, role, passwordHash: null, slackUserId: null, createdAt: Date.now() });
    dana = await user('Dana', 'admin');
    sam = await user('Sam', 'agent');
    tokens.dana = (await createApiToken(fd.store, fd.clock, { name: 'dana', userId: dana.id })).token;
    tokens.sam = (await createApiToken(fd.store, fd.clock, { name: 'sam', userId: sam.id })).token;

    const t0 = Date.now();
    aisha = (await fd.pipeline.start({ channel: 'email', from: { address: 'aisha.khan@example.com', email: 'aisha.khan@example.com', name: 'Aisha Khan' }, subject: 'Jacket' })).conversation;
    texter = (await fd.pipeline.start({ channel: 'sms', from: { address: '+15550104477' } })).conversation;
    webVisitor = (await fd.pipeline.start({ channel: 'web', from: { address: `visitor:${newId()}` } })).conversation;
    await say(aisha, 'My jacket arrived torn, I would like a refund', t0 + 1);
    await say(aisha, 'Staff only: checked the warehouse', t0 + 2, { direction: 'outbound', authorKind: 'human', internal: true });
    await say(texter, 'Where is my parcel NW-10003?', t0 + 3);
    await fd.store.repo.updateConversation(aisha.id, { lastMessageAt: t0 + 2, owner: 'human', assigneeId: dana.id });
    await fd.store.repo.updateConversation(texter.id, { lastMessageAt: t0 + 3, owner: 'human' });
    await fd.store.repo.updateConversation(webVisitor.id, { lastMessageAt: t0, status: 'resolved' });
  });
  afterAll(async () => {
    await fd?.stop();
    await cleanup?.();
  });

  it('lists readable rows by latest activity with tab counts', async () => {
    const { status, body } = await inbox({ view: 'all' });
    expect(status).toBe(200);
    expect(body.rows.map((r) => r.conversation.id)).toEqual([texter.id, aisha.id]);
    expect(body.counts).toEqual({ mine: 1, unassigned: 1, human: 2, all: 2, resolved: 1 });
    expect(body.countsComplete).toBe(true);
    const [sms, mail] = body.rows;
    expect(sms).toMatchObject({ customer: { name: null, handle: '+15550104477' }, unread: 1, assignee: null, lastMessage: { text: 'Where is my parcel NW-10003?' } });
    // The internal note is no preview; the customer's message is.
    expect(mail).toMatchObject({ customer: { name: 'Aisha Khan', handle: 'aisha.khan@example.com' }, assignee: { id: dana.id, name: 'Dana' }, lastMessage: { direction: 'inbound' } });
    expect(JSON.stringify(mail)).not.toContain('passwordHash');
  });

  it('gives each user their own Mine tab and unread count', async () => {
    expect((await inbox({ view: 'mine' })).body.rows.map((r) => r.conversation.id)).toEqual([aisha.id]);
    const forSam = await inbox({ view: 'mine' }, tokens.sam);
    expect(forSam.body.rows).toEqual([]);
    expect((await call('POST', `/conversations/${aisha.id}/read`, {})).status).toBe(200);
    expect((await inbox({ view: 'mine' })).body.rows[0]!.unread).toBe(0);
    expect((await inbox({ ids: aisha.id }, tokens.sam)).body.rows[0]!.unread).toBe(1);
    // Filters narrow every tab alike: Mine with someone else as assignee is empty, and its count says so.
    const crossed = await inbox({ view: 'mine', assignee: sam.id });
    expect([crossed.body.rows, crossed.body.counts.mine, crossed.body.counts.all]).toEqual([[], 0, 0]);
    expect((await inbox({ view: 'unassigned' })).body.rows.map((r) => r.conversation.id)).toEqual([texter.id]);
    expect((await inbox({ view: 'resolved' })).body.rows.map((r) => r.conversation.id)).toEqual([webVisitor.id]);
  });

  it('filters by channel and assignee, and searches message words and who the customer is', async () => {
    expect((await inbox({ channel: 'sms' })).body.rows.map((r) => r.conversation.id)).toEqual([texter.id]);
    expect((await inbox({ assignee: dana.id })).body.rows.map((r) => r.conversation.id)).toEqual([aisha.id]);
    const search = async (q: string) => (await inbox({ search: q })).body.rows.map((r) => r.conversation.id);
    expect(await search('refund')).toEqual([aisha.id]);
    expect(await search('torn jack')).toEqual([aisha.id]); // every word, prefixes
    expect(await search('warehouse')).toEqual([aisha.id]); // internal notes are searchable for staff
    expect(await search('nw 10003')).toEqual([texter.id]);
    expect(await search('Aisha')).toEqual([aisha.id]);
    expect(await search('0104477')).toEqual([texter.id]);
    const counted = await inbox({ search: 'refund' });
    expect(counted.body.counts.all).toBe(1);
  });

  it('pages by cursor, and refuses a bad cursor or view with a JSON 400', async () => {
    const first = await inbox({ view: 'all', limit: '1' });
    expect(first.body.rows.map((r) => r.conversation.id)).toEqual([texter.id]);
    const second = await inbox({ view: 'all', limit: '1', cursor: first.body.next! });
    expect(second.body.rows.map((r) => r.conversation.id)).toEqual([aisha.id]);
    const third = await inbox({ view: 'all', limit: '1', cursor: second.body.next! });
    expect(third.body).toMatchObject({ rows: [], next: null });
    for (const params of [{ cursor: "1' or 1=1" }, { view: 'everything' }, { limit: '0' }] as Record<string, string>[]) {
      const res = await inbox(params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_query' } });
    }
  });

  it('labels conversations: admins keep the label set, agents put labels on and off, the inbox filters by them', async () => {
    const created = await call<{ label: { id: string; name: string; color: string } }>('POST', '/labels', { name: ' VIP ', color: '#CF222E' });
    expect(created).toMatchObject({ status: 201, body: { label: { name: 'vip', color: '#cf222e' } } });
    const label = created.body.label;
    expect((await call('POST', '/labels', { name: 'vip' })).status).toBe(409);
    expect((await call('POST', '/labels', { name: 'two words' })).body).toMatchObject({ error: { code: 'invalid_input' } });
    expect((await call('POST', '/labels', { name: 'billing' }, tokens.sam)).status).toBe(403);
    expect((await call('GET', '/labels')).body).toEqual({ labels: [label] });

    const put = await call('PUT', `/conversations/${aisha.id}/labels/${label.id}`, undefined, tokens.sam);
    expect(put).toMatchObject({ status: 200, body: { labels: [{ name: 'vip' }] } });
    expect((await call('PUT', `/conversations/${aisha.id}/labels/${newId()}`)).status).toBe(404);
    const filtered = await inbox({ label: label.id });
    expect(filtered.body.rows.map((r) => [r.conversation.id, r.labels.map((l) => l.name)])).toEqual([[aisha.id, ['vip']]]);
    expect(filtered.body.counts.all).toBe(1);
    expect((await call('DELETE', `/conversations/${aisha.id}/labels/${label.id}`, undefined, tokens.sam)).body).toEqual({ labels: [] });
    expect((await inbox({ label: label.id })).body.rows).toEqual([]);
    expect((await call('PATCH', `/labels/${label.id}`, { color: '#0969da' })).body).toMatchObject({ label: { name: 'vip', color: '#0969da' } });
    expect((await call('DELETE', `/labels/${label.id}`)).status).toBe(200);
    expect((await call('DELETE', `/labels/${label.id}`)).status).toBe(404);
  });

  it('keeps canned replies with unique shortcuts that any agent can search and edit', async () => {
    const created = await call<{ cannedReply: { id: string } }>('POST', '/canned-replies', { shortcut: '/Shipping', title: 'Shipping times', body: 'Hi {{contact.name}}, standard shipping takes 3–5 days.' }, tokens.sam);
    expect(created).toMatchObject({ status: 201, body: { cannedReply: { shortcut: 'shipping', createdBy: sam.id } } });
    expect((await call('POST', '/canned-replies', { shortcut: 'shipping', title: 'Again', body: 'x' })).body).toMatchObject({ error: { code: 'shortcut_exists' } });
    const bad = await call('POST', '/canned-replies', { shortcut: 'ok', title: 'Bad', body: 'a\u0000b' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    expect((await call('POST', '/canned-replies', '{"shortcut":')).body).toMatchObject({ error: { code: 'invalid_json' } });
    const listed = await call<{ cannedReplies: { shortcut: string }[] }>('GET', '/canned-replies?search=SHIP');
    expect(listed.body.cannedReplies.map((r) => r.shortcut)).toEqual(['shipping']);
    expect((await call('PATCH', `/canned-replies/${created.body.cannedReply.id}`, { title: 'Shipping, standard' })).body).toMatchObject({ cannedReply: { title: 'Shipping, standard' } });
    expect((await call('PATCH', `/canned-replies/${newId()}`, { title: 'x' })).status).toBe(404);
    expect((await call('DELETE', `/canned-replies/${created.body.cannedReply.id}`)).status).toBe(200);
    expect((await call<{ cannedReplies: unknown[] }>('GET', '/canned-replies')).body.cannedReplies).toEqual([]);
  });

  it('shows the contact profile with identities, conversations, tickets and notes', async () => {
    const note = await call<{ note: { id: string } }>('POST', `/contacts/${aisha.contactId}/notes`, { text: 'Prefers email, VIP' }, tokens.sam);
    expect(note).toMatchObject({ status: 201, body: { note: { text: 'Prefers email, VIP', authorId: sam.id } } });
    expect((await call('POST', `/contacts/${aisha.contactId}/notes`, { text: '   ' })).status).toBe(400);
    expect((await call('POST', `/contacts/${newId()}/notes`, { text: 'nobody' })).status).toBe(404);
    const profile = await call<Record<string, unknown[]>>('GET', `/contacts/${aisha.contactId}`);
    expect(profile.body).toMatchObject({ contact: { name: 'Aisha Khan' }, identities: [{ channel: 'email', address: 'aisha.khan@example.com' }], notes: [{ text: 'Prefers email, VIP' }] });
    expect((profile.body.conversations as Conversation[]).map((c) => c.id)).toEqual([aisha.id]);
    const detail = await call<Record<string, unknown>>('GET', `/conversations/${aisha.id}`);
    expect(detail.body).toMatchObject({ notes: [{ text: 'Prefers email, VIP' }], labels: [], contactTickets: [] });
    expect((await call('DELETE', `/contacts/${texter.contactId}/notes/${note.body.note.id}`)).status).toBe(404);
    expect((await call('DELETE', `/contacts/${aisha.contactId}/notes/${note.body.note.id}`)).status).toBe(200);
  });

  it('exports the ticket list as CSV, every page, with formulas defused', async () => {
    const made = [];
    for (let i = 0; i < 205; i++) {
      made.push(
        await fd.store.repo.createTicket({
          id: newId(), conversationId: texter.id, status: 'open', category: 'orders', priority: i === 0 ? 'high' : 'normal',
          summary: i === 0 ? '=HYPERLINK("http://evil.example") parcel, "late"' : `Parcel ${i}`, assigneeId: i === 0 ? sam.id : null,
          createdAt: Date.UTC(2026, 0, 1) + i, updatedAt: Date.UTC(2026, 0, 1) + i, resolvedAt: null,
        }),
      );
    }
    const res = await fd.app.request('/v1/tickets/export.csv?status=open', { headers: { authorization: `Bearer ${tokens.sam}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="frontdesk-tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('ticket,status,priority,category,summary,assignee,conversation,created,updated,resolved');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(205);
    expect(lines).toContain(`#${made[0]!.number},open,high,orders,"'=HYPERLINK(""http://evil.example"") parcel, ""late""",Sam,${texter.id},2026-01-01T00:00:00.000Z,2026-01-01T00:00:00.000Z,`);
    expect((await call('GET', '/tickets/export.csv?status=nonsense')).status).toBe(400);
  });

  it('lists staff for assignee choices without secrets', async () => {
    const { body } = await call<{ users: Record<string, unknown>[] }>('GET', '/users', undefined, tokens.sam);
    expect(body.users.map((u) => u.name).sort()).toEqual(['Dana', 'Sam']);
    for (const u of body.users) expect(Object.keys(u).sort()).toEqual(['available', 'disabledAt', 'email', 'id', 'name', 'role']);
  });
}

describe('console inbox API: SQLite', () => {
  inboxSuite(async () => ({ cleanup: async () => undefined }));
});

const pgReason = await postgresUnavailable();
describeWithService('PostgreSQL', pgReason)('console inbox API: PostgreSQL', () => {
  inboxSuite(async () => {
    const db = await createTestDatabase();
    const store = createPgStore({ url: db.url });
    await store.migrate();
    // The Frontdesk closes the store it was given; the database goes after it.
    return { store, cleanup: () => db.drop() };
  });
});
