/**
 * The staff export against both stores: keyset pages of each kind over a time range, streamed as
 * CSV and JSON Lines. One suite, run on SQLite and on a real PostgreSQL server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportChunks, type ExportFormat } from '../../src/core/export.ts';
import { newId } from '../../src/core/ids.ts';
import type { ExportKind, Store } from '../../src/core/ports.ts';
import type { Conversation, Message, MetricEvent } from '../../src/core/types.ts';
import { onBothStores, type OpenStore } from '../support/both-stores.ts';
import { parseCsv } from '../support/csv.ts';

const FROM = Date.UTC(2026, 10, 1);
const TO = Date.UTC(2026, 11, 1);
const HOUR = 3_600_000;
/** Inside the range: the first millisecond, one in the middle, the last one; outside: just before and exactly `to`. */
const INSIDE = [FROM, FROM + 5 * HOUR, TO - 1];
const OUTSIDE = [FROM - 1, TO];

/** Text a spreadsheet would misread: separators, quotes, line breaks and formula starts. */
const NASTY = ['=HYPERLINK("http://evil.example","click")', '+1 555 0100', '-2+3', '@SUM(A1:A2)', 'a, "quoted" word\nand a second line', 'plain'];

function conversation(contactId: string, createdAt: number): Conversation & { subjectKey: null } {
  return {
    id: newId(), contactId, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null,
    subject: 'Parcel', agentState: { secret: 'engine memory' }, visitorTokenHash: 'hash-never-exported', firstResponseAt: null,
    firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: createdAt, createdAt, updatedAt: createdAt, subjectKey: null,
  };
}

function message(conversationId: string, text: string, createdAt: number): Message {
  return {
    id: newId(), conversationId, channel: 'web', direction: 'inbound', authorKind: 'contact', authorId: null, text, original: null, html: null,
    subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null, deliveryStatus: 'received',
    agentStatus: 'done', attempts: 0, error: null, meta: { note: 'x,y' }, createdAt,
  };
}

function event(conversationId: string, createdAt: number): MetricEvent {
  return { id: newId(), conversationId, type: 'message_in', actor: 'contact', channel: 'web', value: 12, data: { route: 'faq' }, createdAt };
}

async function collect(store: Store, kind: ExportKind, format: ExportFormat, pageSize: number) {
  let text = '';
  let chunks = 0;
  for await (const chunk of exportChunks(store.repo, { kind, format, range: { from: FROM, to: TO }, pageSize })) (text += chunk), chunks++;
  return { text, chunks };
}

function exportContract(open: OpenStore) {
  let store: Store;
  let close: () => Promise<void>;
  const expected = { conversations: [] as string[], messages: [] as string[], tickets: [] as string[], metrics: [] as string[] };

  beforeAll(async () => {
    ({ store, close } = await open());
    await store.migrate();
    const contact = await store.repo.createContact({ id: newId(), name: 'Ada', email: 'ada@example.com', createdAt: FROM - HOUR });
    for (const at of [...OUTSIDE, ...INSIDE]) {
      const inside = INSIDE.includes(at);
      const c = await store.repo.createConversation(conversation(contact.id, at));
      if (inside) expected.conversations.push(c.id);
      // Messages, events and tickets are placed by their own time, not their conversation's.
      for (const [i, text] of NASTY.entries()) {
        const m = await store.repo.insertMessage(message(c.id, text, at + (inside && at !== TO - 1 ? i : 0)));
        if (inside) expected.messages.push(m!.id);
      }
      const e = event(c.id, at);
      await store.repo.insertEvents([e]);
      if (inside) expected.metrics.push(e.id);
      const t = await store.repo.createTicket({
        id: newId(), conversationId: c.id, status: 'open', category: 'question', priority: 'normal', summary: '=cmd|"/c calc"!A0',
        assigneeId: null, createdAt: at, updatedAt: at, resolvedAt: null,
      });
      if (inside) expected.tickets.push(t.id);
    }
    for (const ids of Object.values(expected)) ids.sort();
  });
  afterAll(async () => close());

  it('pages by id inside [from, to), across page boundaries, whatever the page size', async () => {
    for (const kind of ['conversations', 'messages', 'tickets', 'metrics'] as const) {
      for (const pageSize of [1, 2, 7, 1_000]) {
        const { text, chunks } = await collect(store, kind, 'jsonl', pageSize);
        const ids = text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
        expect(ids, `${kind} / ${pageSize}`).toEqual(expected[kind]);
        // One chunk per page; a full last page costs one more (empty) read but no extra chunk.
        expect(chunks, `${kind} / ${pageSize}`).toBe(Math.ceil(ids.length / pageSize));
      }
    }
  });

  it('reads one page at a time, continuing after the last id it was given', async () => {
    const page = await store.repo.exportPage('messages', { from: FROM, to: TO, after: null, limit: 4 });
    const next = await store.repo.exportPage('messages', { from: FROM, to: TO, after: page.at(-1)!.id, limit: 100 });
    expect([...page, ...next].map((m) => m.id)).toEqual(expected.messages);
    expect(await store.repo.exportPage('messages', { from: TO, to: TO + HOUR, after: null, limit: 100 })).toHaveLength(NASTY.length);
  });

  it('writes JSON Lines with the export columns, times as ISO strings and no secrets', async () => {
    const rows = (await collect(store, 'conversations', 'jsonl', 2)).text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ subject: 'Parcel', createdAt: new Date(FROM).toISOString(), resolvedAt: null, channel: 'web' });
    expect(Object.keys(rows[0]!)).not.toContain('visitorTokenHash');
    expect(Object.keys(rows[0]!)).not.toContain('agentState');
    const metric = JSON.parse((await collect(store, 'metrics', 'jsonl', 10)).text.split('\n')[0]!) as Record<string, unknown>;
    expect(metric).toMatchObject({ type: 'message_in', value: 12, data: { route: 'faq' } });
  });

  it('writes CSV a spreadsheet reads back as the text, with formulas neutralised', async () => {
    const { text } = await collect(store, 'messages', 'csv', 3);
    const [header, ...rows] = parseCsv(text);
    expect(header!.slice(0, 8)).toEqual(['id', 'conversationId', 'channel', 'direction', 'authorKind', 'authorId', 'internal', 'text']);
    expect(rows.map((r) => r[0])).toEqual(expected.messages);
    const texts = rows.slice(0, NASTY.length).map((r) => r[header!.indexOf('text')]);
    expect(texts).toEqual([
      `'=HYPERLINK("http://evil.example","click")`,
      `'+1 555 0100`,
      `'-2+3`,
      `'@SUM(A1:A2)`,
      'a, "quoted" word\nand a second line',
      'plain',
    ]);
    const first = rows[0]!;
    expect(first[header!.indexOf('meta')]).toBe('{"note":"x,y"}');
    expect(first[header!.indexOf('internal')]).toBe('false');
    expect(first[header!.indexOf('authorId')]).toBe('');
    const tickets = parseCsv((await collect(store, 'tickets', 'csv', 2)).text);
    expect(tickets[1]![tickets[0]!.indexOf('summary')]).toBe(`'=cmd|"/c calc"!A0`);
  });

  it('writes only the header for an empty range', async () => {
    let text = '';
    for await (const chunk of exportChunks(store.repo, { kind: 'tickets', format: 'csv', range: { from: TO + HOUR, to: TO + 2 * HOUR } })) text += chunk;
    expect(parseCsv(text)).toEqual([['id', 'number', 'conversationId', 'status', 'category', 'priority', 'summary', 'assigneeId', 'createdAt', 'updatedAt', 'resolvedAt']]);
  });
}

onBothStores('Export contract', exportContract);
