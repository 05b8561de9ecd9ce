import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../core/ids.ts';
import type { Store } from '../../core/ports.ts';
import { createSqliteStore } from './index.ts';
import { goesOffThread } from './reader.ts';

const NOW = Date.UTC(2026, 10, 24, 12);
const dir = mkdtempSync(join(tmpdir(), 'frontdesk-reader-'));
let store: Store;
beforeAll(async () => {
  store = createSqliteStore({ path: join(dir, 'frontdesk.db') });
  await store.migrate();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers searches and analytics from the reader thread with what was committed just before', async () => {
  const contact = await store.repo.createContact({ id: newId(), name: 'Ada', email: null, createdAt: NOW });
  const conversation = await store.transaction(async (repo) => {
    const created = await repo.createConversation({
      id: newId(), contactId: contact.id, channel: 'sms', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
      assigneeId: null, subject: null, agentState: { step: 1 }, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null,
      resolvedAt: null, lastMessageAt: NOW, createdAt: NOW, updatedAt: NOW,
    });
    await repo.insertEvents([{ id: newId(), conversationId: created.id, type: 'conversation_created', actor: 'contact', channel: 'sms', value: null, data: null, createdAt: NOW }]);
    return created;
  });
  await store.repo.insertMessage({
    id: newId(), conversationId: conversation.id, channel: 'sms', direction: 'inbound', authorKind: 'contact', authorId: null, text: 'my umbrella broke',
    original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null,
    deliveryStatus: 'received', agentStatus: 'pending', meta: null, createdAt: NOW,
  });
  // Rows cross the thread boundary as plain data: JSON columns and all.
  expect(await store.repo.listConversations({ search: 'umbrella' })).toEqual([await store.repo.getConversation(conversation.id)]);
  expect(await store.repo.listConversations({ search: 'raincoat' })).toEqual([]);
  expect(await store.repo.countConversationsBy({ search: 'umbrella' }, { all: {}, open: { status: 'open' }, closed: { status: 'closed' } })).toEqual({ counts: { all: 1, open: 1, closed: 0 }, complete: true });
  expect(await store.repo.countConversationsBy({ channel: 'sms' }, { all: {}, closed: { status: 'closed' } })).toEqual({ counts: { all: 1, closed: 0 }, complete: true });
  expect(await store.repo.aggregateEvents(NOW - 1, NOW + 1)).toEqual([{ channel: 'sms', type: 'conversation_created', actor: 'contact', count: 1, avgValue: null }]);
  expect(await store.repo.dailyVolume(NOW - 1, NOW + 1)).toEqual([{ day: '2026-11-24', channel: 'sms', count: 1 }]);
  const agent = await store.repo.createUser({ id: newId(), email: 'ana@example.com', name: 'Ana', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
  await store.repo.insertMessage({
    id: newId(), conversationId: conversation.id, channel: 'sms', direction: 'outbound', authorKind: 'human', authorId: agent.id, text: 'a new one is on its way',
    original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null,
    deliveryStatus: 'delivered', agentStatus: null, meta: null, createdAt: NOW + 1,
  });
  expect(await store.repo.agentActivity(NOW - 1, NOW + 1)).toEqual({ handled: [{ userId: agent.id, count: 1 }], firstResponses: [], resolved: [] });
  expect(await store.repo.slaOutcomes(NOW - 1, NOW + 1, NOW + 1)).toEqual([]);
});

it('counts the inbox in place when the tallies serve the filter and every tab, off the thread otherwise', () => {
  const tabs = { all: { statuses: ['open' as const, 'pending' as const] }, unassigned: { statuses: ['open' as const], unassigned: true }, mine: { ids: [] } };
  expect(goesOffThread('countConversationsBy', [{ channel: 'sms', route: 'billing' }, tabs])).toBe(false);
  expect(goesOffThread('countConversationsBy', [{ search: 'refund' }, tabs])).toBe(true);
  expect(goesOffThread('countConversationsBy', [{ labelId: 'vip' }, tabs])).toBe(true);
  expect(goesOffThread('countConversationsBy', [{}, { ...tabs, some: { ids: ['a'] } }])).toBe(true);
  expect(goesOffThread('listConversations', [{ status: 'open' }])).toBe(false);
  expect(goesOffThread('listConversations', [{ search: 'refund' }])).toBe(true);
  expect(goesOffThread('aggregateEvents', [0, 1])).toBe(true);
});
