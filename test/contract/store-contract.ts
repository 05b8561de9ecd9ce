/**
 * The Store contract: what every Store must do, as one suite. store.contract.test.ts runs it
 * against SQLite and a real PostgreSQL server; test/workers runs it in workerd against the
 * Durable Object store. It imports no store, so it bundles for workerd.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { ConversationFilter, Repository, Store } from '../../src/core/ports.ts';
import type { Conversation, Message, OutboxJob } from '../../src/core/types.ts';
import { webhookJob } from '../../src/core/outbox.ts';
import { withWebhookEvents } from '../../src/core/webhook-events.ts';

const NOW = Date.UTC(2026, 10, 24, 12);

async function contactWithConversation(repo: Repository, over: Partial<Conversation> = {}) {
  const contact = await repo.createContact({ id: newId(), name: 'Ada', email: `ada-${newId()}@example.com`, createdAt: NOW });
  const conversation = await repo.createConversation({
    id: newId(),
    contactId: contact.id,
    channel: 'email',
    threadKey: null,
    status: 'open',
    owner: 'bot',
    currentAgent: null,
    route: null,
    assigneeId: null,
    subject: 'Where is my parcel',
    agentState: null,
    visitorTokenHash: null,
    firstResponseAt: null,
    firstHumanResponseAt: null,
    resolvedAt: null,
    lastMessageAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  });
  return { contact, conversation };
}

function message(conversation: Conversation, over: Partial<Message> = {}) {
  return {
    id: newId(),
    conversationId: conversation.id,
    channel: conversation.channel,
    direction: 'inbound' as const,
    authorKind: 'contact' as const,
    authorId: null,
    text: 'hello',
    original: null,
    html: null,
    subject: null,
    internal: false,
    agentName: null,
    route: null,
    confidence: null,
    providerMessageId: null,
    deliveryStatus: 'received' as const,
    agentStatus: 'pending' as const,
    meta: null,
    createdAt: NOW,
    ...over,
  };
}

function job(m: { id: string; conversationId: string }, over: Partial<OutboxJob> = {}): OutboxJob {
  return {
    id: newId(),
    kind: 'reply',
    messageId: m.id,
    eventId: null,
    subscriptionId: null,
    conversationId: m.conversationId,
    channel: 'email',
    status: 'pending',
    attempts: 0,
    runAt: NOW,
    lockedUntil: null,
    sendingSince: null,
    lastError: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

function ticket(conversation: Conversation) {
  return {
    id: newId(),
    conversationId: conversation.id,
    status: 'open' as const,
    category: 'question',
    priority: 'normal' as const,
    summary: 'Where is my parcel?',
    assigneeId: null,
    createdAt: NOW,
    updatedAt: NOW,
    resolvedAt: null,
  };
}

export function storeContract(open: () => Promise<{ store: Store; close(): Promise<void> }>) {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
    await store.migrate();
  });
  afterAll(async () => close());

  it('keeps one identity per channel and address, and links people across channels by email', async () => {
    const { contact } = await contactWithConversation(store.repo);
    const identity = { id: newId(), contactId: contact.id, channel: 'sms' as const, address: `+1555${Date.now() % 1e7}`, displayName: null, verified: false, createdAt: NOW };
    await store.repo.createIdentity(identity);
    // A second writer of the same address (another replica) gets the stored identity back, not an error.
    const other = await store.repo.createContact({ id: newId(), name: null, email: null, createdAt: NOW });
    expect(await store.repo.createIdentity({ ...identity, id: newId(), contactId: other.id })).toMatchObject({ id: identity.id, contactId: contact.id });
    expect((await store.repo.findIdentity('sms', identity.address))?.contactId).toBe(contact.id);
    expect(await store.repo.contactAt('sms', identity.address)).toEqual(await store.repo.getContact(contact.id));
    expect(await store.repo.contactAt('web', identity.address)).toBeNull();
    await store.repo.createIdentity({ ...identity, id: newId(), channel: 'email', address: contact.email! });
    expect((await store.repo.findContactByEmail(contact.email!))?.id).toBe(contact.id);
  });

  it('finds contacts sharing an email or a phone, and nobody for an empty query', async () => {
    const { contact: typed } = await contactWithConversation(store.repo);
    const { contact: sender } = await contactWithConversation(store.repo, { channel: 'sms' });
    // The sender's proven address is an email identity; the typed one is only the contact's email.
    await store.repo.updateContact(sender.id, { email: null }, NOW);
    await store.repo.createIdentity({ id: newId(), contactId: sender.id, channel: 'email', address: typed.email!, displayName: null, verified: false, createdAt: NOW });
    const phone = `+1666${Date.now() % 1e7}`;
    const { contact: texter } = await contactWithConversation(store.repo, { channel: 'sms' });
    await store.repo.createIdentity({ id: newId(), contactId: texter.id, channel: 'sms', address: phone, displayName: null, verified: false, createdAt: NOW });

    expect((await store.repo.contactsSharing([typed.email!], [])).map((c) => c.id).sort()).toEqual([typed.id, sender.id].sort());
    expect((await store.repo.contactsSharing(['nobody@example.com'], [phone])).map((c) => c.id)).toEqual([texter.id]);
    // A phone is never matched against an email identity and vice versa.
    expect(await store.repo.contactsSharing([phone], [typed.email!])).toEqual([]);
    expect(await store.repo.contactsSharing([], [])).toEqual([]);
  });

  it('merges a contact into another in one transaction: identities, conversations and authored messages move, the empty contact goes', async () => {
    const from = await contactWithConversation(store.repo, { channel: 'web' });
    const into = await contactWithConversation(store.repo);
    await store.repo.updateContact(into.contact.id, { name: null, email: null }, NOW);
    const visitor = { id: newId(), contactId: from.contact.id, channel: 'web' as const, address: `visitor:${newId()}`, displayName: null, verified: false, createdAt: NOW };
    await store.repo.createIdentity(visitor);
    const typed = (await store.repo.insertMessage(message(from.conversation, { authorId: from.contact.id })))!;

    const merged = await store.transaction((repo) => repo.mergeContacts(from.contact.id, into.contact.id, NOW + 1));
    // Gaps of the kept contact are filled from the merged one.
    expect(merged).toMatchObject({ id: into.contact.id, name: 'Ada', email: from.contact.email, updatedAt: NOW + 1 });
    expect(await store.repo.getContact(from.contact.id)).toBeNull();
    expect(await store.repo.getContact(into.contact.id)).toMatchObject({ name: 'Ada', email: from.contact.email });
    expect((await store.repo.findIdentity('web', visitor.address))?.contactId).toBe(into.contact.id);
    expect((await store.repo.getConversation(from.conversation.id))?.contactId).toBe(into.contact.id);
    expect((await store.repo.listConversations({ contactId: into.contact.id })).map((c) => c.id).sort()).toEqual(
      [from.conversation.id, into.conversation.id].sort(),
    );
    expect((await store.repo.getMessage(typed.id))?.authorId).toBe(into.contact.id);
  });

  it('merges nothing when a contact is missing or is the same, and a failed merge leaves both contacts whole', async () => {
    const a = await contactWithConversation(store.repo);
    expect(await store.repo.mergeContacts(a.contact.id, 'no-such-contact', NOW)).toBeNull();
    expect(await store.repo.mergeContacts('no-such-contact', a.contact.id, NOW)).toBeNull();
    expect(await store.repo.mergeContacts(a.contact.id, a.contact.id, NOW)).toBeNull();
    expect((await store.repo.getConversation(a.conversation.id))?.contactId).toBe(a.contact.id);

    const b = await contactWithConversation(store.repo);
    await expect(
      store.transaction(async (repo) => {
        await repo.mergeContacts(a.contact.id, b.contact.id, NOW);
        throw new Error('abort merge');
      }),
    ).rejects.toThrow('abort merge');
    expect(await store.repo.getContact(a.contact.id)).not.toBeNull();
    expect((await store.repo.getConversation(a.conversation.id))?.contactId).toBe(a.contact.id);
  });

  it('drops a duplicate provider message id on the same channel only', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const pid = `<${newId()}@example.com>`;
    expect(await store.repo.insertMessage(message(conversation, { providerMessageId: pid }))).not.toBeNull();
    expect(await store.repo.insertMessage(message(conversation, { providerMessageId: pid }))).toBeNull();
    const other = await contactWithConversation(store.repo, { channel: 'sms' });
    expect(await store.repo.insertMessage(message(other.conversation, { providerMessageId: pid }))).not.toBeNull();
    expect((await store.repo.findByProviderMessageIds('email', ['<unknown@x>', pid]))?.id).toBe(conversation.id);
  });

  it('commits a transaction whole or not at all', async () => {
    const id = newId();
    await expect(
      store.transaction(async (repo) => {
        await repo.createContact({ id, name: 'Rolled back', email: null, createdAt: NOW });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.repo.getContact(id)).toBeNull();
    await store.transaction(async (repo) => repo.createContact({ id, name: 'Kept', email: null, createdAt: NOW }));
    expect((await store.repo.getContact(id))?.name).toBe('Kept');
  });

  it('isolates concurrent transactions', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const results = await Promise.allSettled([
      store.transaction(async (repo) => {
        await repo.insertMessage(message(conversation, { text: 'first' }));
        throw new Error('abort first');
      }),
      store.transaction(async (repo) => repo.insertMessage(message(conversation, { text: 'second' }))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((await store.repo.listMessages(conversation.id)).map((m) => m.text)).toEqual(['second']);
  });

  it('lets only one worker claim an inbound message', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const m = (await store.repo.insertMessage(message(conversation)))!;
    expect((await store.repo.pendingInbound(NOW + 1, 1000)).some((p) => p.id === m.id)).toBe(true);
    const claims = await Promise.all([store.repo.claimInbound(m.id, 'done'), store.repo.claimInbound(m.id, 'done')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store.repo.pendingInbound(NOW + 1, 1000)).some((p) => p.id === m.id)).toBe(false);
  });

  it('stores who answered an inbound message with the claim, and nothing when the claim loses', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const m = (await store.repo.insertMessage(message(conversation)))!;
    expect(await store.repo.claimInbound(m.id, 'done', { route: 'billing', confidence: 0.9, agentName: 'billing-agent' })).toBe(true);
    expect(await store.repo.claimInbound(m.id, 'done', { route: 'orders', confidence: null, agentName: 'orders-agent' })).toBe(false);
    expect(await store.repo.getMessage(m.id)).toMatchObject({ agentStatus: 'done', route: 'billing', confidence: 0.9, agentName: 'billing-agent' });
  });

  it('leases outbox jobs to one worker at a time and hands them back after the lease', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const jobs: OutboxJob[] = [];
    for (let i = 0; i < 6; i++) {
      const m = (await store.repo.insertMessage(message(conversation, { direction: 'outbound', agentStatus: null })))!;
      jobs.push(job(m));
      await store.repo.enqueue(jobs.at(-1)!);
    }
    const ids = new Set(jobs.map((j) => j.id));
    const [a, b] = await Promise.all([store.repo.claimDueJobs(NOW, 1_000, 4), store.repo.claimDueJobs(NOW, 1_000, 4)]);
    const mine = [...a, ...b].filter((j) => ids.has(j.id)).map((j) => j.id);
    expect(new Set(mine).size).toBe(mine.length); // nobody got a job twice
    expect(await store.repo.claimJob(jobs[0]!.id, NOW + 10, 1_000)).toBeNull(); // still leased
    const reclaimed = await store.repo.claimJob(jobs[0]!.id, NOW + 2_000, 1_000);
    expect(reclaimed?.id).toBe(jobs[0]!.id);
    // The first claim's attempt never settled: the reclaim says since when it was in flight.
    expect(reclaimed?.sendingSince).toBe(NOW);
    await store.repo.finishJob(jobs[0]!.id, { status: 'sent', attempts: 1, lastError: null, runAt: NOW, now: NOW + 2_001 });
    expect(await store.repo.claimJob(jobs[0]!.id, NOW + 10_000, 1_000)).toBeNull(); // done for good
    // A job scheduled for later is not due yet.
    const later = (await store.repo.insertMessage(message(conversation, { direction: 'outbound', agentStatus: null })))!;
    const laterJob = job(later, { runAt: NOW + 60_000 });
    await store.repo.enqueue(laterJob);
    expect(await store.repo.claimJob(laterJob.id, NOW, 1_000)).toBeNull();
    expect(await store.repo.claimJob(laterJob.id, NOW + 60_000, 1_000)).toMatchObject({ sendingSince: NOW + 60_000 });
  });

  it('lists failed jobs and requeues one with a new delivery window, once', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const m = (await store.repo.insertMessage(message(conversation, { direction: 'outbound', agentStatus: null })))!;
    const failed = job(m);
    await store.repo.enqueue(failed);
    await store.repo.finishJob(failed.id, { status: 'failed', attempts: 3, lastError: 'twilio_http_503', runAt: NOW, now: NOW + 5 });
    expect((await store.repo.listJobs({ status: 'failed', limit: 200 })).map((j) => j.id)).toContain(failed.id);
    const requeued = await store.repo.requeueFailedJob(m.id, NOW + 1_000);
    expect(requeued).toMatchObject({ status: 'pending', runAt: NOW + 1_000, createdAt: NOW + 1_000, lastError: null, attempts: 3 });
    expect(await store.repo.requeueFailedJob(m.id, NOW + 2_000)).toBeNull(); // not failed any more
    expect((await store.repo.listJobs({ status: 'failed', limit: 200 })).map((j) => j.id)).not.toContain(failed.id);
  });

  it('stores webhook subscriptions and events, queues their deliveries beside replies, and drops them with their subscription', async () => {
    const subscription = {
      id: newId(),
      url: 'https://hooks.example.com/frontdesk',
      secret: 'whsec_contract-secret-0001',
      events: ['message.created' as const, 'ticket.created' as const],
      active: true,
      disabledReason: null,
      createdAt: NOW,
      updatedAt: NOW,
    };
    expect(await store.repo.createWebhookSubscription(subscription)).toEqual(subscription);
    expect(await store.repo.getWebhookSubscription(subscription.id)).toEqual(subscription);
    expect((await store.repo.listWebhookSubscriptions()).map((s) => s.id)).toContain(subscription.id);
    expect((await store.repo.activeWebhookSubscriptions()).map((s) => s.id)).toContain(subscription.id);

    const { conversation } = await contactWithConversation(store.repo);
    const event = { id: newId(), type: 'message.created' as const, conversationId: conversation.id, data: { id: 'm1', text: 'Hello' }, createdAt: NOW };
    await store.repo.insertWebhookEvent(event);
    expect(await store.repo.getWebhookEvent(event.id)).toEqual(event);
    const hookJob = webhookJob(event, subscription.id, conversation.channel, NOW);
    await store.repo.enqueue(hookJob);
    expect(await store.repo.claimJob(hookJob.id, NOW, 1_000)).toMatchObject({ kind: 'webhook', messageId: null, eventId: event.id, subscriptionId: subscription.id });
    await store.repo.finishJob(hookJob.id, { status: 'failed', attempts: 1, lastError: 'http_400', runAt: NOW, now: NOW + 1 });
    expect((await store.repo.listJobs({ subscriptionId: subscription.id })).map((j) => j.id)).toEqual([hookJob.id]);
    // Failed webhook deliveries are not failed replies.
    expect((await store.repo.listJobs({ status: 'failed', kind: 'reply', limit: 200 })).map((j) => j.id)).not.toContain(hookJob.id);

    const off = await store.repo.updateWebhookSubscription(subscription.id, { active: false, disabledReason: 'gone', now: NOW + 5 });
    expect(off).toMatchObject({ active: false, disabledReason: 'gone', updatedAt: NOW + 5 });
    expect((await store.repo.activeWebhookSubscriptions()).map((s) => s.id)).not.toContain(subscription.id);
    expect(await store.repo.updateWebhookSubscription('nope', { active: true, disabledReason: null, now: NOW })).toBeNull();

    expect(await store.repo.deleteWebhookSubscription(subscription.id)).toBe(true);
    expect(await store.repo.deleteWebhookSubscription(subscription.id)).toBe(false);
    expect(await store.repo.listJobs({ subscriptionId: subscription.id })).toEqual([]); // its deliveries went with it
  });

  it('records webhook events in the transaction of the change: committed together, rolled back together', async () => {
    const subscription = await store.repo.createWebhookSubscription({
      id: newId(), url: 'https://hooks.example.com/t', secret: 'whsec_contract-secret-0002', events: ['ticket.created'], active: true, disabledReason: null, createdAt: NOW, updatedAt: NOW,
    });
    const committed: string[][] = [];
    const recording = withWebhookEvents(store, { clock: { now: () => NOW }, committed: (ids) => committed.push(ids) });
    const { conversation } = await contactWithConversation(store.repo);
    await expect(
      recording.transaction(async (repo) => {
        await repo.createTicket(ticket(conversation));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.repo.listJobs({ subscriptionId: subscription.id })).toEqual([]);
    expect(committed).toEqual([]);

    const created = await recording.transaction((repo) => repo.createTicket(ticket(conversation)));
    const [queued] = await store.repo.listJobs({ subscriptionId: subscription.id });
    expect(committed).toEqual([[queued!.id]]);
    const event = await store.repo.getWebhookEvent(queued!.eventId!);
    expect(event).toMatchObject({ type: 'ticket.created', conversationId: conversation.id, data: { id: created.id, number: created.number, status: 'open' } });
    expect(event!.data).not.toHaveProperty('summary'); // the customer's words stay home
    await store.repo.deleteWebhookSubscription(subscription.id);
  });

  it('finds knowledge articles by full-text search, best first', async () => {
    await store.transaction(async (repo) => {
      await repo.upsertArticle({ slug: 'returns', title: 'Returns and exchanges', body: 'You can return items within 30 days of delivery for a refund.', tags: ['returns', 'refund policy'], now: NOW });
      await repo.upsertArticle({ slug: 'shipping', title: 'Shipping options', body: 'Standard shipping takes 3-5 business days. Express is faster.', tags: ['delivery', 'shipping'], now: NOW });
      await repo.upsertArticle({ slug: 'hours', title: 'Opening hours', body: 'Our stores are open Monday to Saturday from 9 to 6.', tags: ['opening hours', 'stores'], now: NOW });
    });
    expect((await store.repo.searchKnowledge('How do I return an item?', 3))[0]?.article.slug).toBe('returns');
    expect((await store.repo.searchKnowledge('how long does shipping take', 3))[0]?.article.slug).toBe('shipping');
    expect((await store.repo.searchKnowledge('when are your stores open', 3))[0]?.article.slug).toBe('hours');
    expect(await store.repo.searchKnowledge('the and of', 3)).toEqual([]);
    expect(await store.repo.searchKnowledge('"; drop table kb_articles; --', 3)).toEqual([]);
    // Updating an article keeps the index in sync.
    await store.repo.upsertArticle({ slug: 'hours', title: 'Opening times', body: 'Open every day from 10 to 8, including Sunday.', tags: ['hours'], now: NOW + 1 });
    expect((await store.repo.searchKnowledge('sunday', 3))[0]?.article.title).toBe('Opening times');
    expect((await store.repo.searchKnowledge('saturday', 3)).map((h) => h.article.slug)).not.toContain('hours');
  });

  it('creates, reads, updates and deletes articles, and search follows each change at once', async () => {
    const repo = store.repo;
    const slug = `kb-${newId().toLowerCase()}`;
    const before = await repo.knowledgeRevision();
    const created = await repo.createArticle({ slug, title: 'Bicycle tune-up', body: 'Our workshop trues wheels and adjusts derailleurs.', tags: ['workshop', 'repair'], now: NOW });
    expect(created).toMatchObject({ slug, id: slug, tags: ['workshop', 'repair'], createdAt: NOW, updatedAt: NOW });
    expect(await repo.createArticle({ slug, title: 'Other', body: 'Other body.', tags: [], now: NOW + 5 })).toBeNull();
    expect((await repo.getArticle(slug))?.title).toBe('Bicycle tune-up');
    expect(await repo.getArticle(`${slug}-missing`)).toBeNull();
    expect((await repo.searchKnowledge('derailleurs', 5)).map((h) => h.article.slug)).toContain(slug);
    const created1 = await repo.knowledgeRevision();
    expect(created1).not.toBe(before);

    // Update: old words are no longer found, new ones are, at once.
    const updated = await repo.updateArticle(slug, { title: 'Bicycle servicing', body: 'We replace brake pads and chains.', tags: ['service'], now: NOW, ifUpdatedAt: NOW });
    expect(updated.status).toBe('updated');
    const saved = updated.status === 'updated' ? updated.article : null;
    expect(saved?.updatedAt).toBeGreaterThan(NOW); // same clock reading, still a later revision
    expect(saved?.createdAt).toBe(NOW);
    expect((await repo.searchKnowledge('derailleurs', 5)).map((h) => h.article.slug)).not.toContain(slug);
    expect((await repo.searchKnowledge('workshop', 5)).map((h) => h.article.slug)).not.toContain(slug);
    expect((await repo.searchKnowledge('brake pads', 5)).map((h) => h.article.slug)).toContain(slug);
    expect(await repo.knowledgeRevision()).not.toBe(created1);

    // A save based on an old revision is refused and changes nothing.
    const stale = await repo.updateArticle(slug, { title: 'Lost edit', body: 'Lost.', tags: [], now: NOW + 10, ifUpdatedAt: NOW });
    expect(stale).toMatchObject({ status: 'conflict', current: { title: 'Bicycle servicing' } });
    expect(await repo.updateArticle(`${slug}-missing`, { title: 'T', body: 'B', tags: [], now: NOW })).toEqual({ status: 'not_found' });

    // Listing pages in slug order.
    const all = await repo.listArticles();
    expect(all.map((a) => a.slug)).toEqual([...all.map((a) => a.slug)].sort());
    const page = await repo.listArticles({ limit: 1, after: all[0]!.slug });
    expect(page.map((a) => a.slug)).toEqual(all.slice(1, 2).map((a) => a.slug));

    // Delete: gone from reads and search at once.
    const beforeDelete = await repo.knowledgeRevision();
    expect(await repo.deleteArticle(slug)).toBe(true);
    expect(await repo.deleteArticle(slug)).toBe(false);
    expect(await repo.getArticle(slug)).toBeNull();
    expect((await repo.searchKnowledge('brake pads servicing', 5)).map((h) => h.article.slug)).not.toContain(slug);
    expect(await repo.knowledgeRevision()).not.toBe(beforeDelete);
    // The slug is free again.
    expect(await repo.createArticle({ slug, title: 'Bicycle tune-up', body: 'Trued wheels.', tags: [], now: NOW })).not.toBeNull();
    expect(await repo.deleteArticle(slug)).toBe(true);
  });

  it('hands a lease to one holder and to another only after it expires', async () => {
    const name = `imap:${newId()}`;
    expect(await store.repo.acquireLease(name, 'a', NOW, 1_000)).toBe(true);
    expect(await store.repo.acquireLease(name, 'b', NOW + 500, 1_000)).toBe(false);
    expect(await store.repo.acquireLease(name, 'a', NOW + 900, 1_000)).toBe(true); // renewal
    expect(await store.repo.acquireLease(name, 'b', NOW + 1_500, 1_000)).toBe(false);
    expect(await store.repo.acquireLease(name, 'b', NOW + 2_000, 1_000)).toBe(true); // expired: taken over
    await store.repo.releaseLease(name, 'b');
    expect(await store.repo.acquireLease(name, 'a', NOW + 2_001, 1_000)).toBe(true);
  });

  it('records provider idempotency keys, opt-outs, cursors and external links', async () => {
    const key = newId();
    expect(await store.repo.markProcessed('slack', key, NOW)).toBe(true);
    expect(await store.repo.markProcessed('slack', key, NOW)).toBe(false);
    await store.repo.setOptOut('sms', '+15550001111', true, NOW);
    expect(await store.repo.isOptedOut('sms', '+15550001111')).toBe(true);
    await store.repo.setOptOut('sms', '+15550001111', false, NOW);
    expect(await store.repo.isOptedOut('sms', '+15550001111')).toBe(false);
    await store.repo.setCursor('imap', 'INBOX', { uidValidity: 7, lastUid: 42 }, NOW);
    await store.repo.setCursor('imap', 'INBOX', { uidValidity: 7, lastUid: 43 }, NOW);
    expect(await store.repo.getCursor('imap', 'INBOX')).toEqual({ uidValidity: 7, lastUid: 43 });
    const { conversation } = await contactWithConversation(store.repo);
    await store.repo.linkExternal({ conversationId: conversation.id, target: 'slack-desk', externalId: 'C1:1.2', now: NOW });
    expect(await store.repo.findByExternal('slack-desk', 'C1:1.2')).toBe(conversation.id);
    expect(await store.repo.externalIdsFor(conversation.id, 'slack-desk')).toEqual(['C1:1.2']);
  });

  it('filters conversations and aggregates metric events', async () => {
    const tag = newId();
    const { conversation } = await contactWithConversation(store.repo, { channel: 'sms', subject: `Parcel ${tag}`, owner: 'human' });
    await store.repo.insertMessage(message(conversation, { text: `my parcel ${tag} is late` }));
    expect((await store.repo.listConversations({ search: tag.toLowerCase() })).map((c) => c.id)).toEqual([conversation.id]);
    expect((await store.repo.listConversations({ search: `${tag.slice(0, 10)}%` })).map((c) => c.id)).toEqual([conversation.id]); // % is no wildcard: a word prefix
    expect((await store.repo.listConversations({ channel: 'sms', owner: 'human', search: tag })).length).toBe(1);
    expect((await store.repo.listConversations({ channel: 'web', search: tag })).length).toBe(0);
    const event = (type: 'first_response' | 'csat', actor: 'bot' | 'human', value: number) => ({
      id: newId(), conversationId: conversation.id, type, actor, channel: 'sms' as const, value, data: null, createdAt: NOW + 5_000_000,
    });
    await store.repo.insertEvents([event('first_response', 'bot', 100), event('first_response', 'bot', 300), event('csat', 'human', 4)]);
    const rows = await store.repo.aggregateEvents(NOW + 4_000_000, NOW + 6_000_000, 'sms');
    expect(rows.find((r) => r.type === 'first_response' && r.actor === 'bot')).toMatchObject({ count: 2, avgValue: 200 });
    expect(rows.find((r) => r.type === 'csat')).toMatchObject({ count: 1, avgValue: 4 });
    expect(await store.repo.firstEventAt(conversation.id, 'csat')).toBe(NOW + 5_000_000);
  });

  it('sums events into daily rollups in the same transaction, and reads whole days from them and partial days from the events', async () => {
    const DAY = 86_400_000;
    const day0 = Math.floor(NOW / DAY) * DAY + 400 * DAY; // days no other test writes events on
    const { conversation } = await contactWithConversation(store.repo, { channel: 'slack' });
    const event = (at: number, type: 'first_response' | 'message_in', value: number | null) => ({
      id: newId(), conversationId: conversation.id, type, actor: 'bot' as const, channel: 'slack' as const, value, data: null, createdAt: at,
    });
    // Day 0 afternoon, day 1 (two writes: the second adds to the first's rollup), day 2 morning.
    await store.repo.insertEvents([event(day0 + 15 * 3_600_000, 'first_response', 100), event(day0 + 16 * 3_600_000, 'message_in', null)]);
    await store.transaction((repo) => repo.insertEvents([event(day0 + DAY + 1, 'first_response', 200), event(day0 + DAY + 2, 'first_response', null)]));
    await store.repo.insertEvents([event(day0 + 2 * DAY - 1, 'first_response', 600)]);
    await store.repo.insertEvents([event(day0 + 2 * DAY + 3_600_000, 'first_response', 1000)]);
    // A transaction that fails leaves neither events nor rollups behind.
    await expect(
      store.transaction(async (repo) => {
        await repo.insertEvents([event(day0 + DAY + 5, 'first_response', 99_999)]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const firstResponse = async (since: number, until: number) =>
      (await store.repo.aggregateEvents(since, until, 'slack')).find((r) => r.type === 'first_response');
    // Day 1 alone: whole, so from the rollup only (three events, two with a value).
    expect(await firstResponse(day0 + DAY, day0 + 2 * DAY - 1)).toMatchObject({ count: 3, avgValue: 400 });
    // Noon of day 0 to 02:00 of day 2: partial ends from the events, day 1 from its rollup.
    expect(await firstResponse(day0 + 12 * 3_600_000, day0 + 2 * DAY + 2 * 3_600_000)).toMatchObject({ count: 5, avgValue: 475 });
    // Within one day: events only.
    expect(await firstResponse(day0 + 2 * DAY, day0 + 2 * DAY + 2 * 3_600_000)).toMatchObject({ count: 1, avgValue: 1000 });
    expect(await firstResponse(day0 + 3 * DAY, day0 + 9 * DAY)).toBeUndefined();
    const messagesIn = (await store.repo.aggregateEvents(day0, day0 + 3 * DAY, 'slack')).find((r) => r.type === 'message_in');
    expect(messagesIn).toMatchObject({ count: 1, avgValue: null });
  });

  it('sums rollups written by concurrent transactions (on PostgreSQL each session has its own rows of a key)', async () => {
    const DAY = 86_400_000;
    const day = Math.floor(NOW / DAY) * DAY + 450 * DAY;
    const { conversation } = await contactWithConversation(store.repo, { channel: 'slack' });
    const event = (i: number) => ({ id: newId(), conversationId: conversation.id, type: 'csat' as const, actor: 'contact' as const, channel: 'slack' as const, value: i, data: null, createdAt: day + i });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.transaction((repo) => repo.insertEvents([event(i + 1)]))));
    const csat = (await store.repo.aggregateEvents(day, day + DAY - 1, 'slack')).find((r) => r.type === 'csat');
    expect(csat).toMatchObject({ count: 8, avgValue: 4.5 });
  });

  it('appends a message with its conversation update and events together, and nothing of them for a duplicate', async () => {
    const DAY = 86_400_000;
    const day = Math.floor(NOW / DAY) * DAY + 470 * DAY;
    const { conversation } = await contactWithConversation(store.repo, { channel: 'slack', status: 'resolved', resolvedAt: NOW });
    const event = (type: 'message_in' | 'reopened') => ({ id: newId(), conversationId: conversation.id, type, actor: 'contact' as const, channel: 'slack' as const, value: null, data: { via: 'append' }, createdAt: day + 5 });
    const pid = `slack-${newId()}`;
    const first = message(conversation, { providerMessageId: pid, createdAt: day + 5, meta: { thread: 'x' } });
    const appended = await store.repo.appendMessage({
      conversationId: conversation.id,
      patch: { status: 'open', resolvedAt: null, lastMessageAt: day + 5, updatedAt: day + 5 },
      message: first,
      events: [event('reopened'), event('message_in')],
    });
    expect(appended?.conversation).toMatchObject({ id: conversation.id, status: 'open', resolvedAt: null, lastMessageAt: day + 5, subject: conversation.subject });
    expect(appended?.message).toEqual({ ...first, attempts: 0, error: null });
    expect(await store.repo.getMessage(first.id)).toEqual(appended?.message);
    const counts = async () => Object.fromEntries((await store.repo.aggregateEvents(day, day + DAY - 1, 'slack')).map((r) => [r.type, r.count]));
    expect(await counts()).toEqual({ reopened: 1, message_in: 1 });
    // The same provider id again: no message, no update, no events.
    const again = await store.repo.appendMessage({
      conversationId: conversation.id,
      patch: { status: 'pending', lastMessageAt: day + 9, updatedAt: day + 9 },
      message: message(conversation, { providerMessageId: pid, createdAt: day + 9 }),
      events: [event('message_in')],
    });
    expect(again).toBeNull();
    expect(await store.repo.getConversation(conversation.id)).toMatchObject({ status: 'open', lastMessageAt: day + 5 });
    expect(await counts()).toEqual({ reopened: 1, message_in: 1 });
    // Without events, inside a transaction; half a surrogate pair is stored as replacement characters, not refused.
    const plain = await store.transaction((repo) => repo.appendMessage({ conversationId: conversation.id, patch: { lastMessageAt: day + 7 }, message: message(conversation, { text: 'cut \ud83d off', createdAt: day + 7 }), events: [] }));
    expect(plain?.conversation.lastMessageAt).toBe(day + 7);
    expect((await store.repo.getMessage(plain!.message.id))?.text).toMatch(/^cut \ufffd+ off$/);
    expect(await counts()).toEqual({ reopened: 1, message_in: 1 });
  });

  it('claims the inbound message a reply answers in the reply\'s own write, and writes nothing of a reply whose claim lost', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const inbound = (await store.repo.insertMessage(message(conversation)))!;
    const reply = (text: string, route: string) => ({
      conversationId: conversation.id,
      patch: { route, lastMessageAt: NOW + 10, updatedAt: NOW + 10 },
      message: message(conversation, { direction: 'outbound', authorKind: 'bot', agentStatus: null, deliveryStatus: 'delivered', text, createdAt: NOW + 10 }),
      events: [{ id: newId(), conversationId: conversation.id, type: 'message_out' as const, actor: 'bot' as const, channel: conversation.channel, value: null, data: null, createdAt: NOW + 10 }],
      claim: { messageId: inbound.id, status: 'done' as const, answeredBy: { route, confidence: 0.8, agentName: `${route}-agent` } },
    });
    const [a, b] = await Promise.all([store.repo.appendMessage(reply('first', 'orders')), store.repo.appendMessage(reply('second', 'billing'))]);
    const won = (a ?? b)!;
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const route = won.message.text === 'first' ? 'orders' : 'billing';
    expect(won.conversation.route).toBe(route);
    expect(await store.repo.getMessage(inbound.id)).toMatchObject({ agentStatus: 'done', route, agentName: `${route}-agent` });
    const outbound = (await store.repo.listMessages(conversation.id)).filter((m) => m.direction === 'outbound');
    expect(outbound.map((m) => m.text)).toEqual([won.message.text]);
    expect(await store.repo.getConversation(conversation.id)).toMatchObject({ route });
    // A message already answered takes no reply at all.
    expect(await store.repo.appendMessage(reply('late', 'billing'))).toBeNull();
    expect((await store.repo.listMessages(conversation.id)).map((m) => m.text)).not.toContain('late');
  });

  it('answers a conversation\'s customer with their oldest address on its channel, whatever order the addresses came in', async () => {
    const { contact, conversation } = await contactWithConversation(store.repo);
    const identity = (channel: 'email' | 'sms', address: string, displayName: string, createdAt: number) =>
      store.repo.createIdentity({ id: newId(), contactId: contact.id, channel, address, displayName, verified: false, createdAt });
    await identity('sms', `+1555${Date.now() % 1_000_000}`, 'Ada (phone)', NOW - 50);
    expect(await store.repo.conversationWithCustomer(conversation.id)).toEqual({ conversation, customer: null });
    // Stored newest first, as a merge of two contacts can leave them.
    await identity('email', `ada-work-${newId()}@example.com`, 'Ada (work)', NOW + 10);
    const oldest = await identity('email', `ada-home-${newId()}@example.com`, 'Ada', NOW);
    expect(await store.repo.conversationWithCustomer(conversation.id)).toEqual({ conversation, customer: { address: oldest.address, displayName: 'Ada' } });
  });

  it('reads a conversation with its sender, its tickets waiting on the customer and its customer\'s address in one read', async () => {
    const { contact, conversation } = await contactWithConversation(store.repo);
    const address = `ada-${newId()}@example.com`;
    const byEmail = await store.repo.createIdentity({ id: newId(), contactId: contact.id, channel: 'email', address, displayName: null, verified: true, createdAt: NOW });
    const bySms = await store.repo.createIdentity({ id: newId(), contactId: contact.id, channel: 'sms', address: `+1555${Date.now() % 1_000_000}`, displayName: null, verified: true, createdAt: NOW - 1 });
    const { contact: other } = await contactWithConversation(store.repo);
    const otherAddress = `other-${newId()}@example.com`;
    await store.repo.createIdentity({ id: newId(), contactId: other.id, channel: 'email', address: otherAddress, displayName: null, verified: true, createdAt: NOW - 5 });

    expect(await store.repo.conversationWithCustomer(conversation.id)).toEqual({ conversation, customer: { address, displayName: null } });
    expect(await store.repo.conversationWithCustomer('nope')).toBeNull();

    const sender = { id: contact.id, name: contact.name, email: contact.email, createdAt: contact.createdAt, updatedAt: contact.updatedAt };
    expect(await store.repo.conversationFromSender(conversation.id, 'email', address)).toEqual({ conversation, sender, senderIdentities: [bySms, byEmail], ticketsWaiting: false });
    expect(await store.repo.conversationFromSender(conversation.id, 'sms', bySms.address)).toMatchObject({ sender, senderIdentities: [bySms, byEmail] });
    const fromOther = await store.repo.conversationFromSender(conversation.id, 'email', otherAddress);
    expect([fromOther?.sender?.id, fromOther?.senderIdentities.map((i) => i.address)]).toEqual([other.id, [otherAddress]]);
    expect(await store.repo.conversationFromSender(conversation.id, 'email', 'nobody@example.com')).toEqual({ conversation, sender: null, senderIdentities: [], ticketsWaiting: false });
    expect(await store.repo.conversationFromSender('nope', 'email', address)).toBeNull();
    const waiting = await store.transaction((repo) => repo.createTicket(ticket(conversation)));
    expect((await store.repo.conversationFromSender(conversation.id, 'email', address))?.ticketsWaiting).toBe(false); // open, not waiting
    await store.repo.updateTicket(waiting.id, { status: 'waiting', updatedAt: NOW + 1 });
    expect((await store.repo.conversationFromSender(conversation.id, 'email', address))?.ticketsWaiting).toBe(true);
  });

  it('writes a change outside a transaction with its webhook event when someone subscribed to it, and alone otherwise', async () => {
    const recording = withWebhookEvents(store, { clock: { now: () => NOW } });
    const { conversation } = await contactWithConversation(store.repo);
    const append = () => recording.repo.appendMessage({ conversationId: conversation.id, patch: { lastMessageAt: NOW + 1 }, message: message(conversation), events: [] });
    const unheard = (await append())!;
    const subscription = await store.repo.createWebhookSubscription({
      id: newId(), url: 'https://hooks.example.com/m', secret: 'whsec_contract-secret-0003', events: ['message.created'], active: true, disabledReason: null, createdAt: NOW, updatedAt: NOW,
    });
    const heard = (await append())!;
    const jobs = await store.repo.listJobs({ subscriptionId: subscription.id });
    expect(jobs).toHaveLength(1);
    expect((await store.repo.getWebhookEvent(jobs[0]!.eventId!))?.data).toMatchObject({ id: heard.message.id });
    expect(unheard.message.id).not.toBe(heard.message.id);
    await store.repo.deleteWebhookSubscription(subscription.id);
  });

  it('counts conversations per UTC day and channel in the database', async () => {
    const DAY = 86_400_000;
    const day0 = Math.floor(NOW / DAY) * DAY + 500 * DAY;
    for (const [at, channel] of [[day0 + 1, 'web'], [day0 + DAY - 1, 'web'], [day0 + DAY, 'web'], [day0 + DAY + 5, 'sms']] as const) {
      await contactWithConversation(store.repo, { channel, createdAt: at });
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(await store.repo.dailyVolume(day0, day0 + 2 * DAY - 1)).toEqual([
      { day: day(day0), channel: 'web', count: 2 },
      { day: day(day0 + DAY), channel: 'sms', count: 1 },
      { day: day(day0 + DAY), channel: 'web', count: 1 },
    ]);
  });

  it('counts conversations per day, of one channel when asked', async () => {
    const day = NOW + 400 * 86_400_000; // a day no other test writes on
    for (const channel of ['sms', 'sms', 'web'] as const) await contactWithConversation(store.repo, { channel, createdAt: day, lastMessageAt: day, updatedAt: day });
    const iso = new Date(day).toISOString().slice(0, 10);
    expect(await store.repo.dailyVolume(day, day + 1000)).toEqual([{ day: iso, channel: 'sms', count: 2 }, { day: iso, channel: 'web', count: 1 }]);
    expect(await store.repo.dailyVolume(day, day + 1000, 'sms')).toEqual([{ day: iso, channel: 'sms', count: 2 }]);
    expect(await store.repo.dailyVolume(day, day + 1000, 'slack')).toEqual([]);
  });

  it('numbers tickets uniquely and increasingly, also when they are created at the same time', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const numbers: number[] = [];
    for (let round = 0; round < 3; round++) {
      // Each ticket in its own transaction, all started together: on PostgreSQL they run on separate connections.
      const created = await Promise.all(Array.from({ length: 12 }, () => store.transaction((repo) => repo.createTicket(ticket(conversation)))));
      const batch = created.map((t) => t.number);
      expect(new Set(batch).size, 'unique within a batch').toBe(batch.length);
      expect(Math.min(...batch), 'later batches get higher numbers').toBeGreaterThan(Math.max(0, ...numbers));
      numbers.push(...batch);
    }
    expect(numbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    const first = (await store.repo.listTickets({ conversationId: conversation.id, limit: 200 })).find((t) => t.number === Math.min(...numbers))!;
    expect((await store.repo.getTicketByNumber(first.number))?.id).toBe(first.id);
    expect(await store.repo.getTicketByNumber(999_999_999)).toBeNull();
  });

  it('gives a ticket whose transaction rolled back no row, and the next ticket still a fresh number', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const before = await store.repo.createTicket(ticket(conversation));
    await expect(
      store.transaction(async (repo) => {
        await repo.createTicket(ticket(conversation));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const after = await store.repo.createTicket(ticket(conversation));
    expect(after.number).toBeGreaterThan(before.number);
    expect((await store.repo.listTickets({ conversationId: conversation.id })).map((t) => t.number).sort((a, b) => a - b)).toEqual([before.number, after.number]);
  });

  it('lists the inbox by latest activity and pages it by cursor without skipping or repeating', async () => {
    const { contact } = await contactWithConversation(store.repo);
    const made = [];
    // Two share a lastMessageAt: the id breaks the tie, so the cursor still separates them.
    for (const at of [NOW + 3, NOW + 1, NOW + 2, NOW + 2, NOW + 5]) made.push((await contactWithConversation(store.repo, { contactId: contact.id, lastMessageAt: at } as Partial<Conversation>)).conversation);
    const filter = { contactId: contact.id, order: 'activity' as const, ids: made.map((c) => c.id) };
    const seen: string[] = [];
    let after: { lastMessageAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.repo.listConversations({ ...filter, after, limit: 2 });
      seen.push(...page.map((c) => c.id));
      if (page.length < 2) break;
      after = { lastMessageAt: page.at(-1)!.lastMessageAt, id: page.at(-1)!.id };
    }
    const expected = [...made].sort((a, b) => b.lastMessageAt - a.lastMessageAt || b.id.localeCompare(a.id)).map((c) => c.id);
    expect(seen).toEqual(expected);
    expect(await store.repo.countConversationsBy({ ...filter, after: { lastMessageAt: NOW + 5, id: made[4]!.id }, limit: 1 }, { n: {} })).toEqual({ counts: { n: 5 }, complete: true });
  });

  it('keeps SLA due times and the first response on tickets, and shows them on inbox rows', async () => {
    const { conversation } = await contactWithConversation(store.repo);
    const created = await store.repo.createTicket({ ...ticket(conversation), firstResponseDueAt: NOW + 3_600_000, resolutionDueAt: NOW + 8 * 3_600_000 });
    expect(created).toMatchObject({ firstResponseDueAt: NOW + 3_600_000, resolutionDueAt: NOW + 8 * 3_600_000, firstResponseAt: null });
    expect((await store.repo.createTicket(ticket(conversation))).firstResponseDueAt).toBeNull(); // no target
    await store.repo.updateTicket(created.id, { firstResponseAt: NOW + 60_000 });
    const [summary] = await store.repo.summarizeConversations([conversation.id], null);
    expect(summary!.ticket).toMatchObject({ firstResponseAt: null }); // the newest ticket: the one without targets
    expect(await store.repo.getTicket(created.id)).toMatchObject({ firstResponseAt: NOW + 60_000, firstResponseDueAt: NOW + 3_600_000, resolutionDueAt: NOW + 8 * 3_600_000 });
  });

  it('counts SLA targets met and missed per day of their due time, leaving out those not yet due', async () => {
    const DAY = 86_400_000;
    const base = Date.UTC(2027, 2, 1); // a day of its own: other tests' tickets have no due times there
    const { conversation } = await contactWithConversation(store.repo);
    const sms = (await contactWithConversation(store.repo, { channel: 'sms' })).conversation;
    const due = async (c: Conversation, firstDue: number, firstAt: number | null, resolutionDue: number, resolvedAt: number | null) =>
      store.repo.createTicket({ ...ticket(c), firstResponseDueAt: firstDue, firstResponseAt: firstAt, resolutionDueAt: resolutionDue, resolvedAt });
    await due(conversation, base + 10, base + 5, base + DAY + 10, base + DAY + 9); // both met (day 1, day 2)
    await due(conversation, base + 20, base + 30, base + DAY + 20, null); // first missed late; resolution still open and overdue by now
    await due(sms, base + 40, null, base + 3 * DAY, null); // first unanswered and overdue; resolution not yet due at `now`
    const now = base + 2 * DAY;
    const outcomes = await store.repo.slaOutcomes(base, base + 10 * DAY, now);
    expect(outcomes).toEqual([
      { day: '2027-03-01', target: 'first_response', met: 1, missed: 2 },
      { day: '2027-03-02', target: 'resolution', met: 1, missed: 1 },
    ]);
    expect(await store.repo.slaOutcomes(base, base + 10 * DAY, now, 'sms')).toEqual([{ day: '2027-03-01', target: 'first_response', met: 0, missed: 1 }]);
    expect(await store.repo.slaOutcomes(base + DAY, base + 10 * DAY, now, 'sms')).toEqual([]);
  });

  it('counts an open resolution target whose clock stopped (waiting on the customer) as missed only if it was due before the pause', async () => {
    const DAY = 86_400_000;
    const base = Date.UTC(2027, 3, 1); // a day of its own
    const { conversation } = await contactWithConversation(store.repo);
    const waiting = (dueAt: number, pausedAt: number) =>
      store.repo.createTicket({ ...ticket(conversation), status: 'waiting', resolutionDueAt: dueAt, pausedAt, pausedMs: 3_600_000 });
    const paused = await waiting(base + 10, base + 5); // paused in time, now long past the due time
    await waiting(base + 20, base + 30); // late before it paused
    expect(await store.repo.getTicket(paused.id)).toMatchObject({ status: 'waiting', pausedAt: base + 5, pausedMs: 3_600_000 });
    expect(await store.repo.slaOutcomes(base, base + DAY, base + 2 * DAY)).toEqual([{ day: '2027-04-01', target: 'resolution', met: 0, missed: 1 }]);
  });

  it('reports staff activity over a range: replies per agent and conversation, their first responses, and resolutions by assignee', async () => {
    const DAY = 86_400_000;
    const base = Date.UTC(2027, 4, 1); // a day of its own
    const agent = (name: string) => store.repo.createUser({ id: newId(), email: `${name}-${newId()}@example.com`, name, role: 'agent', passwordHash: null, slackUserId: null, createdAt: base });
    const [ana, ben] = [await agent('Ana'), await agent('Ben')];
    const sms = (await contactWithConversation(store.repo, { channel: 'sms', owner: 'human', assigneeId: ana.id, createdAt: base })).conversation;
    const email = (await contactWithConversation(store.repo, { channel: 'email', owner: 'human', assigneeId: ben.id, createdAt: base })).conversation;
    const reply = (c: Conversation, authorId: string | null, at: number, over: Partial<Message> = {}) =>
      store.repo.insertMessage(message(c, { direction: 'outbound', authorKind: authorId ? 'human' : 'bot', authorId, agentStatus: null, deliveryStatus: 'delivered', createdAt: at, ...over }));
    await store.repo.insertMessage(message(sms, { createdAt: base + 100 }));
    await reply(sms, ana.id, base + 1_000);
    await reply(sms, ana.id, base + 2_000); // the same agent and conversation again: one row
    await reply(sms, ben.id, base + 3_000, { internal: true }); // a note is no reply
    await reply(sms, ana.id, base - 1_000); // before the range
    await reply(email, null, base + 500); // the bot's
    await reply(email, ben.id, base + 4_000);
    const event = (c: Conversation, type: 'first_response' | 'resolved', actor: 'human' | 'bot', at: number, value: number | null) =>
      ({ id: newId(), conversationId: c.id, type, actor, channel: c.channel, value, data: null, createdAt: at });
    await store.repo.insertEvents([
      event(sms, 'first_response', 'human', base + 1_000, 900), // given by Ana's reply at that instant
      event(email, 'first_response', 'bot', base + 500, 500),
      event(sms, 'resolved', 'human', base + 5_000, 5_000),
      event(email, 'resolved', 'human', base + 6_000, 6_000),
      event(email, 'resolved', 'bot', base + 7_000, 7_000),
      event(sms, 'resolved', 'human', base + DAY + 1, 1), // after the range
    ]);
    const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const activity = async (channel?: 'sms' | 'email') => {
      const { handled, firstResponses, resolved } = await store.repo.agentActivity(base, base + DAY - 1, channel);
      return { handled: sorted(handled), firstResponses: sorted(firstResponses), resolved: sorted(resolved) };
    };
    expect(await activity()).toEqual({
      handled: sorted([{ userId: ana.id, count: 1 }, { userId: ben.id, count: 1 }]),
      firstResponses: [{ userId: ana.id, ms: 900 }],
      resolved: sorted([{ userId: ana.id, count: 1 }, { userId: ben.id, count: 1 }]),
    });
    expect(await activity('email')).toEqual({ handled: [{ userId: ben.id, count: 1 }], firstResponses: [], resolved: [{ userId: ben.id, count: 1 }] });
  });

  it('counts the conversations an agent replied in once, over whole and partial days, whatever order the replies were written in', async () => {
    const DAY = 86_400_000;
    const day0 = Date.UTC(2027, 5, 1); // days of their own
    const agent = await store.repo.createUser({ id: newId(), email: `seq-${newId()}@example.com`, name: 'Seq', role: 'agent', passwordHash: null, slackUserId: null, createdAt: day0 });
    const other = await store.repo.createUser({ id: newId(), email: `seq-${newId()}@example.com`, name: 'Other', role: 'agent', passwordHash: null, slackUserId: null, createdAt: day0 });
    const [a, b, c] = [
      (await contactWithConversation(store.repo, { channel: 'sms', createdAt: day0 })).conversation,
      (await contactWithConversation(store.repo, { channel: 'web', createdAt: day0 })).conversation,
      (await contactWithConversation(store.repo, { channel: 'sms', createdAt: day0 })).conversation,
    ];
    const H = 3_600_000;
    // Written out of time order, with two replies at one instant and notes and the bot between them.
    const replies: [Conversation, string, number][] = [
      [a, agent.id, day0 + 2 * DAY + 5 * H], [a, agent.id, day0 + 10 * H], [a, agent.id, day0 + 3 * DAY + 20 * H], [a, agent.id, day0 + 10 * H],
      [b, agent.id, day0 + 3 * DAY + 2 * H], [b, agent.id, day0 + 22 * H], [b, other.id, day0 + DAY + H],
      [c, agent.id, day0 + 3 * H], [c, agent.id, day0 + 4 * DAY + H],
    ];
    for (const [conversation, authorId, at] of replies) {
      await store.repo.insertMessage(message(conversation, { direction: 'outbound', authorKind: 'human', authorId, agentStatus: null, deliveryStatus: 'delivered', createdAt: at }));
    }
    await store.repo.insertMessage(message(c, { direction: 'outbound', authorKind: 'human', authorId: agent.id, internal: true, agentStatus: null, deliveryStatus: 'delivered', createdAt: day0 + DAY }));
    await store.repo.insertMessage(message(c, { direction: 'outbound', authorKind: 'bot', agentStatus: null, deliveryStatus: 'delivered', createdAt: day0 + DAY }));
    // What reading every reply gives: each (user, conversation) with a reply in the range, once.
    const expected = (since: number, until: number, channel?: string) => {
      const pairs = new Set(replies.filter(([conv, , at]) => at >= since && at <= until && (!channel || conv.channel === channel)).map(([conv, user]) => `${user} ${conv.id}`));
      const counts = new Map<string, number>();
      for (const pair of pairs) counts.set(pair.split(' ')[0]!, (counts.get(pair.split(' ')[0]!) ?? 0) + 1);
      return [...counts].map(([userId, count]) => ({ userId, count })).sort((x, y) => x.userId.localeCompare(y.userId));
    };
    const ranges: [number, number][] = [
      [day0, day0 + 5 * DAY - 1], [day0 + 11 * H, day0 + 3 * DAY + 3 * H], [day0 + 10 * H, day0 + 10 * H], [day0 + 10 * H + 1, day0 + 2 * DAY + 5 * H],
      [day0 + DAY, day0 + 3 * DAY - 1], [day0 + 4 * H, day0 + 4 * DAY], [day0 + 2 * DAY + 6 * H, day0 + 3 * DAY + 19 * H],
    ];
    for (const [since, until] of ranges) {
      for (const channel of [undefined, 'sms'] as const) {
        const { handled } = await store.repo.agentActivity(since, until, channel);
        expect([...handled].sort((x, y) => x.userId.localeCompare(y.userId)), `${since - day0}..${until - day0} ${channel ?? ''}`).toEqual(expected(since, until, channel));
      }
    }
  });

  it('pairs a human first response with its reply whichever is written first, once', async () => {
    const day0 = Date.UTC(2027, 9, 1); // a day of its own
    const agent = await store.repo.createUser({ id: newId(), email: `fr-${newId()}@example.com`, name: 'Fr', role: 'agent', passwordHash: null, slackUserId: null, createdAt: day0 });
    const [early, late] = [
      (await contactWithConversation(store.repo, { channel: 'web', createdAt: day0 })).conversation,
      (await contactWithConversation(store.repo, { channel: 'sms', createdAt: day0 })).conversation,
    ];
    const firstResponse = (c: Conversation, at: number, ms: number) => ({ id: newId(), conversationId: c.id, type: 'first_response' as const, actor: 'human' as const, channel: c.channel, value: ms, data: null, createdAt: at });
    const reply = (c: Conversation, at: number) => message(c, { direction: 'outbound', authorKind: 'human', authorId: agent.id, agentStatus: null, deliveryStatus: 'delivered', createdAt: at });
    // The reply first, then its event; and the event first, then its reply, in one transaction.
    await store.repo.insertMessage(reply(early, day0 + 1_000));
    await store.repo.insertEvents([firstResponse(early, day0 + 1_000, 700)]);
    await store.transaction(async (repo) => {
      await repo.insertEvents([firstResponse(late, day0 + 2_000, 1_500)]);
      await repo.insertMessage(reply(late, day0 + 2_000));
    });
    await store.repo.insertMessage(reply(late, day0 + 3_000)); // a later reply gave no first response
    const { firstResponses } = await store.repo.agentActivity(day0, day0 + 86_400_000 - 1);
    expect([...firstResponses].sort((a, b) => a.ms - b.ms)).toEqual([{ userId: agent.id, ms: 700 }, { userId: agent.id, ms: 1_500 }]);
    expect((await store.repo.agentActivity(day0, day0 + 86_400_000 - 1, 'sms')).firstResponses).toEqual([{ userId: agent.id, ms: 1_500 }]);
  });

  it('counts the daily series from rollups and the partial days at either end alike', async () => {
    const DAY = 86_400_000;
    const day0 = Date.UTC(2027, 6, 1); // days of their own
    const created: [number, 'web' | 'sms'][] = [[day0 + 5, 'web'], [day0 + DAY / 2, 'sms'], [day0 + DAY - 1, 'web'], [day0 + DAY, 'web'], [day0 + 2 * DAY + 7, 'sms'], [day0 + 3 * DAY + 100, 'web'], [day0 + 3 * DAY + DAY / 2, 'web']];
    for (const [at, channel] of created) await contactWithConversation(store.repo, { channel, createdAt: at });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const expected = (since: number, until: number, channel?: string) => {
      const counts = new Map<string, number>();
      for (const [at, ch] of created) if (at >= since && at <= until && (!channel || ch === channel)) counts.set(`${day(at)} ${ch}`, (counts.get(`${day(at)} ${ch}`) ?? 0) + 1);
      return [...counts].sort(([x], [y]) => x.localeCompare(y)).map(([key, count]) => ({ day: key.split(' ')[0], channel: key.split(' ')[1], count }));
    };
    for (const [since, until] of [[day0, day0 + 4 * DAY - 1], [day0 + 6, day0 + 3 * DAY + 100], [day0 + DAY / 2, day0 + DAY / 2], [day0 + 1, day0 + 2 * DAY + 6], [day0 + DAY, day0 + 2 * DAY - 1]] as const) {
      for (const channel of [undefined, 'web'] as const) expect(await store.repo.dailyVolume(since, until, channel)).toEqual(expected(since, until, channel));
    }
  });

  it('counts resolutions for the current assignee, also after a reassignment, over whole and partial days', async () => {
    const DAY = 86_400_000;
    const day0 = Date.UTC(2027, 7, 1); // days of their own
    const user = (name: string) => store.repo.createUser({ id: newId(), email: `${name}-${newId()}@example.com`, name, role: 'agent', passwordHash: null, slackUserId: null, createdAt: day0 });
    const [ana, ben] = [await user('Ana'), await user('Ben')];
    const { conversation } = await contactWithConversation(store.repo, { channel: 'slack', owner: 'human', assigneeId: ana.id, createdAt: day0 });
    const resolvedAt = [day0 + DAY + 10, day0 + 2 * DAY + 20, day0 + 2 * DAY + 30];
    await store.repo.insertEvents(resolvedAt.map((at) => ({ id: newId(), conversationId: conversation.id, type: 'resolved' as const, actor: 'human' as const, channel: 'slack' as const, value: 1, data: null, createdAt: at })));
    const resolved = async (since: number, until: number) => (await store.repo.agentActivity(since, until, 'slack')).resolved;
    const whole = [day0, day0 + 4 * DAY - 1] as const;
    const partial = [day0 + DAY + 11, day0 + 2 * DAY + 25] as const;
    expect(await resolved(...whole)).toEqual([{ userId: ana.id, count: 3 }]);
    expect(await resolved(...partial)).toEqual([{ userId: ana.id, count: 1 }]);
    await store.repo.updateConversation(conversation.id, { assigneeId: ben.id });
    expect(await resolved(...whole)).toEqual([{ userId: ben.id, count: 3 }]);
    expect(await resolved(...partial)).toEqual([{ userId: ben.id, count: 1 }]);
    await store.repo.updateConversation(conversation.id, { assigneeId: null });
    expect(await resolved(...whole)).toEqual([]);
    await store.repo.updateConversation(conversation.id, { assigneeId: ana.id });
    expect(await resolved(...whole)).toEqual([{ userId: ana.id, count: 3 }]);
  });

  it('leaves every analytics rollup as it was when a transaction writing what they sum rolls back', async () => {
    const DAY = 86_400_000;
    const day0 = Date.UTC(2027, 8, 1); // days of their own
    const agent = await store.repo.createUser({ id: newId(), email: `rb-${newId()}@example.com`, name: 'Rb', role: 'agent', passwordHash: null, slackUserId: null, createdAt: day0 });
    const write = async (repo: Repository) => {
      const { conversation } = await contactWithConversation(repo, { channel: 'web', assigneeId: agent.id, createdAt: day0 + DAY + 1 });
      await repo.insertMessage(message(conversation, { direction: 'outbound', authorKind: 'human', authorId: agent.id, agentStatus: null, deliveryStatus: 'delivered', createdAt: day0 + DAY + 2 }));
      await repo.insertEvents([{ id: newId(), conversationId: conversation.id, type: 'resolved', actor: 'human', channel: 'web', value: 3, data: null, createdAt: day0 + DAY + 3 }]);
      return conversation;
    };
    const figures = async () => ({
      daily: await store.repo.dailyVolume(day0, day0 + 3 * DAY - 1),
      activity: await store.repo.agentActivity(day0, day0 + 3 * DAY - 1),
      events: await store.repo.aggregateEvents(day0, day0 + 3 * DAY - 1),
    });
    const kept = await store.transaction(write);
    const before = await figures();
    expect(before.daily).toEqual([{ day: new Date(day0 + DAY).toISOString().slice(0, 10), channel: 'web', count: 1 }]);
    expect(before.activity).toEqual({ handled: [{ userId: agent.id, count: 1 }], firstResponses: [], resolved: [{ userId: agent.id, count: 1 }] });
    await expect(store.transaction(async (repo) => {
      await write(repo);
      await repo.updateConversation(kept.id, { assigneeId: null });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await figures()).toEqual(before);
  });

  it('takes round-robin turns among available, enabled users in id order, one turn per transaction also when concurrent', async () => {
    const user = (name: string, over: { available?: boolean; disabledAt?: number | null } = {}) =>
      store.repo.createUser({ id: newId(), email: `${name}-${newId()}@example.com`, name, role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW, ...over });
    expect(await store.transaction((repo) => repo.takeAssignmentTurn())).toBeNull(); // nobody available yet
    const ids = [(await user('a', { available: true })).id, (await user('b', { available: true })).id, (await user('c', { available: true })).id];
    await user('away');
    await user('gone', { available: true, disabledAt: NOW });
    // Each turn in its own transaction, all at once: on PostgreSQL on separate connections.
    const taken = await Promise.all(Array.from({ length: 12 }, () => store.transaction((repo) => repo.takeAssignmentTurn())));
    const counts = new Map<string, number>();
    for (const u of taken) counts.set(u!.id, (counts.get(u!.id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()]).toEqual([4, 4, 4]);
    // A rolled-back turn is given back: the next one goes to whom it would have gone.
    const next = await store.transaction((repo) => repo.takeAssignmentTurn());
    await expect(store.transaction(async (repo) => { await repo.takeAssignmentTurn(); throw new Error('rolled back'); })).rejects.toThrow('rolled back');
    const sorted = [...ids].sort();
    expect((await store.transaction((repo) => repo.takeAssignmentTurn()))!.id).toBe(sorted[(sorted.indexOf(next!.id) + 1) % 3]);
    for (const id of ids) await store.repo.updateUser(id, { available: false });
  });

  it('lists API tokens newest first and revokes one, or all of a user', async () => {
    const user = await store.repo.createUser({ id: newId(), email: `tokens-${newId()}@example.com`, name: 'Tokens', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
    const token = (userId: string | null, createdAt: number) => store.repo.createApiToken({
      id: newId(), userId, name: 'contract', tokenHash: newId(), prefix: 'fd_abcde', createdAt, expiresAt: null, lastUsedAt: null, revokedAt: null,
    });
    const [a, b, other] = [await token(user.id, NOW + 1), await token(user.id, NOW + 2), await token(null, NOW + 3)];
    const listed = (await store.repo.listApiTokens()).map((t) => t.id);
    expect(listed.filter((id) => [a.id, b.id, other.id].includes(id))).toEqual([other.id, b.id, a.id]);
    expect(await store.repo.revokeApiTokenById(a.id, NOW + 10)).toBe(true);
    expect(await store.repo.revokeApiTokenById(a.id, NOW + 11)).toBe(false); // already revoked: the first time stays
    expect(await store.repo.revokeApiTokenById('no-such-token', NOW)).toBe(false);
    expect(await store.repo.revokeUserTokens(user.id, NOW + 20)).toBe(1); // only b was still live
    const after = new Map((await store.repo.listApiTokens()).map((t) => [t.id, t.revokedAt]));
    expect([after.get(a.id), after.get(b.id), after.get(other.id)]).toEqual([NOW + 10, NOW + 20, null]);
  });

  it('filters the inbox by statuses, assignee, unassigned and label, and counts the same way', async () => {
    const user = await store.repo.createUser({ id: newId(), email: `agent-${newId()}@example.com`, name: 'Agent', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
    const { contact, conversation: mine } = await contactWithConversation(store.repo, { assigneeId: user.id, owner: 'human' });
    const { conversation: open } = await contactWithConversation(store.repo, { contactId: contact.id } as Partial<Conversation>);
    const { conversation: done } = await contactWithConversation(store.repo, { contactId: contact.id, status: 'resolved' } as Partial<Conversation>);
    const label = (await store.repo.createLabel({ id: newId(), name: `vip-${newId().toLowerCase()}`, color: '#cf222e', createdAt: NOW }))!;
    await store.repo.addConversationLabel(done.id, label.id, NOW);
    await store.repo.addConversationLabel(done.id, label.id, NOW); // twice keeps one
    const ids = (filter: object) => store.repo.listConversations({ contactId: contact.id, ...filter }).then((list) => list.map((c) => c.id).sort());
    expect(await ids({ statuses: ['open', 'pending'] })).toEqual([mine.id, open.id].sort());
    expect(await ids({ statuses: ['open', 'pending'], unassigned: true })).toEqual([open.id]);
    expect(await ids({ assigneeId: user.id })).toEqual([mine.id]);
    expect(await ids({ labelId: label.id })).toEqual([done.id]);
    // Every part counted within the filter, in one pass.
    expect(
      await store.repo.countConversationsBy(
        { contactId: contact.id },
        { open: { statuses: ['open', 'pending'] }, unassigned: { statuses: ['open', 'pending'], unassigned: true }, mine: { assigneeId: user.id }, done: { statuses: ['resolved', 'closed'] }, labelled: { labelId: label.id }, none: { ids: [] } },
      ),
    ).toEqual({ counts: { open: 2, unassigned: 1, mine: 1, done: 1, labelled: 1, none: 0 }, complete: true });
    expect(await store.repo.countConversationsBy({ contactId: newId() }, { all: {} })).toEqual({ counts: { all: 0 }, complete: true });
    await store.repo.removeConversationLabel(done.id, label.id);
    expect(await ids({ labelId: label.id })).toEqual([]);
  });

  it('counts the inbox tabs from tallies that follow every new and changed conversation', async () => {
    const user = await store.repo.createUser({ id: newId(), email: `tally-${newId()}@example.com`, name: 'Tally', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
    const work = ['open', 'pending'] as Conversation['status'][];
    const views = {
      all: { statuses: work },
      unassigned: { statuses: work, unassigned: true },
      human: { statuses: work, owner: 'human' as const },
      mine: { statuses: work, assigneeId: user.id },
      resolved: { statuses: ['resolved', 'closed'] as Conversation['status'][] },
      nobody: { ids: [] },
    };
    const counted = (filter: ConversationFilter) => store.repo.countConversationsBy(filter, views).then((r) => r.counts);
    // The same counts by reading every conversation: a filter the tallies do not hold (active since long ago).
    const scanned = (filter: ConversationFilter) => counted({ ...filter, since: -1e15 });
    const agree = async (filter: ConversationFilter) => expect(await counted(filter)).toEqual(await scanned(filter));
    const route = `r${newId().slice(-6)}`;
    const before = await counted({ channel: 'sms' });
    const { contact, conversation: first } = await contactWithConversation(store.repo, { channel: 'sms', route });
    const { conversation: second } = await contactWithConversation(store.repo, { channel: 'sms', contactId: contact.id, owner: 'human', assigneeId: user.id } as Partial<Conversation>);
    await agree({ channel: 'sms' });
    expect(await counted({ route })).toEqual({ all: 1, unassigned: 1, human: 0, mine: 0, resolved: 0, nobody: 0 });
    expect(await counted({ assigneeId: user.id })).toEqual({ all: 1, unassigned: 0, human: 1, mine: 1, resolved: 0, nobody: 0 });
    await store.repo.updateConversation(first.id, { status: 'resolved', updatedAt: NOW + 1 });
    await store.repo.updateConversation(second.id, { assigneeId: null, lastMessageAt: NOW + 2 });
    await store.repo.updateConversation(second.id, { lastMessageAt: NOW + 3 }); // nothing tallied changes
    await agree({ channel: 'sms' });
    expect(await counted({ route })).toEqual({ all: 0, unassigned: 0, human: 0, mine: 0, resolved: 1, nobody: 0 });
    expect(await counted({ channel: 'sms' })).toEqual({ ...before, all: before.all + 1, unassigned: before.unassigned + 1, human: before.human + 1, resolved: before.resolved + 1 });
    await store.repo.updateConversation(second.id, { channel: 'web', owner: 'bot', status: 'closed' });
    expect(await counted({ channel: 'sms' })).toEqual({ ...before, resolved: before.resolved + 1 });
    await agree({});
  });

  it('pages a search through thousands of hits newest first, with a newer conversation whose only hit was written before all the others', async () => {
    const word = `zq${newId().slice(-8).toLowerCase()}`;
    // The newest conversation by id and by activity, whose one matching message is stored first.
    const { conversation: latest } = await contactWithConversation(store.repo, { id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', status: 'closed', lastMessageAt: NOW + 1_000_000 });
    await store.repo.insertMessage(message(latest, { text: `my ${word} escaped` }));
    const many: Conversation[] = [];
    await store.transaction(async (repo) => {
      for (let i = 0; i < 800; i++) {
        const { conversation } = await contactWithConversation(repo, { status: i % 2 ? 'closed' : 'open', lastMessageAt: NOW + i });
        for (let m = 0; m < 3; m++) await repo.insertMessage(message(conversation, { text: `${word} number ${m}`, createdAt: NOW + i }));
        many.push(conversation);
      }
    });
    const newest = (list: Conversation[]) => [...list].sort((a, b) => (a.id < b.id ? 1 : -1)).map((c) => c.id);
    const ids = (filter: Partial<ConversationFilter>) => store.repo.listConversations({ search: word, limit: 50, ...filter }).then((list) => list.map((c) => c.id));
    const all = [latest.id, ...newest(many)];
    expect(await ids({})).toEqual(all.slice(0, 50));
    expect(await ids({ before: all[49] })).toEqual(all.slice(50, 100));
    expect(await ids({ status: 'closed' })).toEqual([latest.id, ...newest(many.filter((c) => c.status === 'closed'))].slice(0, 50));
    // By latest activity: each bulk conversation's activity follows its creation.
    const byActivity = [latest.id, ...[...many].sort((a, b) => b.lastMessageAt - a.lastMessageAt).map((c) => c.id)];
    expect(await ids({ order: 'activity' })).toEqual(byActivity.slice(0, 50));
    const last = many.find((c) => c.id === byActivity[49])!;
    expect(await ids({ order: 'activity', after: { lastMessageAt: last.lastMessageAt, id: last.id } })).toEqual(byActivity.slice(50, 100));
    expect(await store.repo.countConversationsBy({ search: word }, { all: {}, closed: { status: 'closed' } })).toEqual({ counts: { all: 801, closed: 401 }, complete: true });
    // Counting may stop once enough conversations match; what it counted is then a lower bound.
    const { counts, complete } = await store.repo.countConversationsBy({ search: word }, { all: {}, closed: { status: 'closed' } }, { enough: 100 });
    if (complete) expect(counts).toEqual({ all: 801, closed: 401 });
    else expect([counts.all >= 100 && counts.all < 801, counts.closed <= counts.all && counts.closed <= 401]).toEqual([true, true]);
    expect(await store.repo.countConversationsBy({ search: `${word} escaped` }, { all: {} }, { enough: 100 })).toEqual({ counts: { all: 1 }, complete: true });
  });

  it('pages a search whose hits are spread over many id ranges, with ids of any shape, newest first', async () => {
    const word = `zq${newId().slice(-8).toLowerCase()}`;
    // One hit per conversation, each in an id range of its own (PostgreSQL reads hits by the first
    // five characters of the message id, newest ranges first), ids increasing with the conversation.
    const spread: Conversation[] = [];
    await store.transaction(async (repo) => {
      for (let i = 0; i < 40; i++) {
        const { conversation } = await contactWithConversation(repo, { status: i % 3 ? 'open' : 'resolved', lastMessageAt: NOW + i });
        await repo.insertMessage(message(conversation, { id: `8${String(i).padStart(4, '0')}-${word}`, text: `${word} ${i}` }));
        spread.push(conversation);
      }
    });
    // The oldest conversation holds the hit with the highest id; the newest one holds only the hit
    // with the lowest id, whose first five characters include a quote and a backslash.
    await store.repo.insertMessage(message(spread[0]!, { id: `z-${word}`, text: `again ${word}` }));
    const { conversation: latest } = await contactWithConversation(store.repo, { lastMessageAt: NOW + 1_000 });
    await store.repo.insertMessage(message(latest, { id: `0'\\-${word}`, text: `late ${word}` }));
    const newest = [latest, ...[...spread].reverse()].map((c) => c.id);
    const ids = (filter: Partial<ConversationFilter>) => store.repo.listConversations({ search: word, limit: 5, ...filter }).then((list) => list.map((c) => c.id));
    expect(await ids({})).toEqual(newest.slice(0, 5));
    expect(await ids({ before: newest[4] })).toEqual(newest.slice(5, 10));
    expect(await ids({ limit: 50 })).toEqual(newest);
    expect(await ids({ order: 'activity' })).toEqual(newest.slice(0, 5));
    const resolved = new Set(spread.filter((c) => c.status === 'resolved').map((c) => c.id));
    expect(await ids({ status: 'resolved' })).toEqual(newest.filter((id) => resolved.has(id)).slice(0, 5));
    expect(await ids({ search: `${word} again` })).toEqual([spread[0]!.id]);
    expect(await store.repo.countConversationsBy({ search: word }, { all: {}, resolved: { status: 'resolved' } })).toEqual({ counts: { all: 41, resolved: 14 }, complete: true });
  });

  it('searches messages by the full-text index (every word, as prefixes) and contacts by name, email and address', async () => {
    const word = `zq${newId().slice(-8).toLowerCase()}`;
    const { contact, conversation } = await contactWithConversation(store.repo, { subject: null });
    await store.repo.insertMessage(message(conversation, { text: `The ${word}refunded jacket never arrived` }));
    const { conversation: other } = await contactWithConversation(store.repo, { subject: null });
    await store.repo.insertMessage(message(other, { text: `Another ${word} question, no jacket` }));
    const found = (search: string) => store.repo.listConversations({ search, limit: 10 }).then((list) => list.map((c) => c.id).sort());
    expect(await found(`${word}refund`)).toEqual([conversation.id]);
    expect(await found(`jacket ${word}`)).toEqual([conversation.id, other.id].sort());
    expect(await found(`${word} arrived`)).toEqual([conversation.id]); // every word, in one message
    expect(await found(`"${word}" AND *(`)).toEqual([conversation.id, other.id].sort()); // query syntax is just text
    expect(await found(contact.email!.toUpperCase())).toEqual([conversation.id]);
    const phone = `+1777${Date.now() % 1e7}`;
    await store.repo.createIdentity({ id: newId(), contactId: contact.id, channel: 'sms', address: phone, displayName: null, verified: false, createdAt: NOW });
    expect(await found(phone.slice(2))).toEqual([conversation.id]);
    // Part of a word of the subject or of a display name, in any case; a conversation found by two
    // sources (subject and message) is listed once.
    const { conversation: titled } = await contactWithConversation(store.repo, { subject: `Order ${word.toUpperCase()}X stuck` });
    await store.repo.insertMessage(message(titled, { text: `about ${word}x` }));
    expect(await found(`${word.slice(1)}x st`)).toEqual([titled.id]);
    expect(await found(`${word}x`)).toEqual([titled.id]);
    const display = `Zed ${word}Y`;
    await store.repo.createIdentity({ id: newId(), contactId: contact.id, channel: 'slack', address: `U${Date.now()}`, displayName: display, verified: false, createdAt: NOW });
    expect(await found(`D ${word.toUpperCase()}y`)).toEqual([conversation.id]);
    expect(await store.repo.countConversationsBy({ search: word }, { all: {}, email: { channel: 'email' }, sms: { channel: 'sms' } })).toEqual({ counts: { all: 3, email: 3, sms: 0 }, complete: true });
  });

  it('finds who the customer is by part as their name, addresses and merges change, at once', async () => {
    const tag = `yv${newId().slice(-8).toLowerCase()}`;
    const found = (search: string) => store.repo.listConversations({ search, limit: 10 }).then((list) => list.map((c) => c.id).sort());
    const { contact: first, conversation: one } = await contactWithConversation(store.repo, { subject: null });
    const { contact: second, conversation: two } = await contactWithConversation(store.repo, { subject: null });
    await store.repo.updateContact(first.id, { name: `Old ${tag}name` }, NOW + 1);
    expect(await found(`${tag}nam`)).toEqual([one.id]);
    await store.repo.updateContact(first.id, { name: `New ${tag}label` }, NOW + 2);
    expect(await found(`${tag}nam`)).toEqual([]);
    expect(await found(`W ${tag.toUpperCase()}LAB`)).toEqual([one.id]);
    const address = `${tag}@chat.example`;
    await store.repo.createIdentity({ id: newId(), contactId: second.id, channel: 'web', address, displayName: null, verified: false, createdAt: NOW });
    expect(await found(address.slice(3))).toEqual([two.id]);
    // A merge moves the address and the conversations to the contact kept; the other is gone.
    await store.repo.mergeContacts(second.id, first.id, NOW + 3);
    expect(await found(address)).toEqual([one.id, two.id].sort());
    expect(await found(second.email!)).toEqual([]);
    // Parts shorter than three characters are found too.
    expect(await found(tag.slice(0, 2))).toContain(one.id);
  });

  it('summarises inbox rows: last message without notes, unread per user, labels and newest ticket', async () => {
    const user = await store.repo.createUser({ id: newId(), email: `reader-${newId()}@example.com`, name: 'Reader', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
    const { conversation } = await contactWithConversation(store.repo);
    const { contact: quietContact, conversation: quiet } = await contactWithConversation(store.repo);
    const phone = { id: newId(), contactId: quietContact.id, channel: 'sms' as const, address: `+1888${Date.now() % 1e7}`, displayName: 'Ada L.', verified: false, createdAt: NOW };
    await store.repo.createIdentity(phone);
    await store.repo.insertMessage(message(conversation, { text: 'first', createdAt: NOW + 1 }));
    await store.repo.insertMessage(message(conversation, { text: 'second', createdAt: NOW + 2 }));
    const last = (await store.repo.insertMessage(message(conversation, { direction: 'outbound', authorKind: 'bot', text: 'our answer', createdAt: NOW + 3 })))!;
    await store.repo.insertMessage(message(conversation, { direction: 'outbound', authorKind: 'human', internal: true, text: 'a note', createdAt: NOW + 4 }));
    const label = (await store.repo.createLabel({ id: newId(), name: `billing-${newId().toLowerCase()}`, color: '#0969da', createdAt: NOW }))!;
    await store.repo.addConversationLabel(conversation.id, label.id, NOW);
    await store.repo.createTicket(ticket(conversation));
    const newest = await store.repo.createTicket(ticket(conversation));

    const [row, empty] = await store.repo.summarizeConversations([conversation.id, quiet.id], user.id);
    expect(row).toMatchObject({ conversationId: conversation.id, unread: 2, lastMessage: { id: last.id, text: 'our answer', direction: 'outbound' } });
    expect(row!.labels).toEqual([label]);
    expect(row!.ticket).toEqual({ id: newest.id, number: newest.number, status: 'open', resolvedAt: null, firstResponseDueAt: null, resolutionDueAt: null, firstResponseAt: null, pausedAt: null });
    expect(empty).toEqual({
      conversationId: quiet.id,
      lastMessage: null,
      unread: 0,
      labels: [],
      ticket: null,
      contact: { id: quietContact.id, name: 'Ada', email: quietContact.email },
      identities: [{ channel: 'sms', address: phone.address, displayName: 'Ada L.' }],
    });

    await store.repo.markRead(conversation.id, user.id, NOW + 1);
    expect((await store.repo.summarizeConversations([conversation.id], user.id))[0]!.unread).toBe(1);
    await store.repo.markRead(conversation.id, user.id, NOW + 10);
    await store.repo.markRead(conversation.id, user.id, NOW); // never back
    expect((await store.repo.summarizeConversations([conversation.id], user.id))[0]!.unread).toBe(0);
    expect((await store.repo.summarizeConversations([conversation.id], null))[0]!.unread).toBe(2);
    expect(await store.repo.summarizeConversations([], user.id)).toEqual([]);
  });

  it('keeps label names and canned shortcuts unique through create and update, and deletes them', async () => {
    const name = `urgent-${newId().toLowerCase()}`;
    const label = (await store.repo.createLabel({ id: newId(), name, color: '#cf222e', createdAt: NOW }))!;
    expect(await store.repo.createLabel({ id: newId(), name, color: '#000000', createdAt: NOW })).toBeNull();
    const other = (await store.repo.createLabel({ id: newId(), name: `${name}-2`, color: '#000000', createdAt: NOW }))!;
    expect(await store.repo.updateLabel(other.id, { name })).toBe('conflict');
    expect(await store.repo.updateLabel(other.id, { color: '#ffffff' })).toMatchObject({ name: `${name}-2`, color: '#ffffff' });
    expect(await store.repo.updateLabel(newId(), { color: '#ffffff' })).toBeNull();
    const { conversation } = await contactWithConversation(store.repo);
    await store.repo.addConversationLabel(conversation.id, label.id, NOW);
    expect(await store.repo.deleteLabel(label.id)).toBe(true);
    expect(await store.repo.deleteLabel(label.id)).toBe(false);
    expect((await store.repo.summarizeConversations([conversation.id], null))[0]!.labels).toEqual([]);

    const shortcut = `ship${newId().slice(-6).toLowerCase()}`;
    const canned = { id: newId(), shortcut, title: 'Shipping times', body: 'Hi {{contact.name}}, 3–5 days.', createdBy: null, createdAt: NOW, updatedAt: NOW };
    expect(await store.repo.createCannedReply(canned)).toEqual(canned);
    expect(await store.repo.createCannedReply({ ...canned, id: newId() })).toBeNull();
    const second = (await store.repo.createCannedReply({ ...canned, id: newId(), shortcut: `${shortcut}x`, title: 'Returns' }))!;
    expect((await store.repo.listCannedReplies(shortcut.toUpperCase())).map((r) => r.id)).toEqual([canned.id, second.id]);
    expect((await store.repo.listCannedReplies('RETURNS')).map((r) => r.id)).toContain(second.id);
    expect(await store.repo.listCannedReplies('100%_none')).toEqual([]);
    expect(await store.repo.updateCannedReply(second.id, { shortcut, updatedAt: NOW + 1 })).toBe('conflict');
    expect(await store.repo.updateCannedReply(second.id, { body: 'New body', updatedAt: NOW + 1 })).toMatchObject({ body: 'New body', updatedAt: NOW + 1 });
    expect(await store.repo.deleteCannedReply(second.id)).toBe(true);
    expect(await store.repo.getCannedReply(second.id)).toBeNull();
  });

  it('keeps notes on a contact, newest first, deletes one only through its contact, and moves them on a merge', async () => {
    const { contact } = await contactWithConversation(store.repo);
    const { contact: into } = await contactWithConversation(store.repo);
    const note = (text: string, createdAt: number) => ({ id: newId(), contactId: contact.id, authorId: null, text, createdAt });
    const older = await store.repo.createContactNote(note('Prefers email', NOW));
    const newer = await store.repo.createContactNote(note('VIP since 2024', NOW + 1));
    expect((await store.repo.listContactNotes(contact.id)).map((n) => n.text)).toEqual(['VIP since 2024', 'Prefers email']);
    expect(await store.repo.deleteContactNote(into.id, older.id)).toBe(false);
    await store.transaction((repo) => repo.mergeContacts(contact.id, into.id, NOW));
    expect((await store.repo.listContactNotes(into.id)).map((n) => n.id)).toEqual([newer.id, older.id]);
    expect(await store.repo.deleteContactNote(into.id, older.id)).toBe(true);
    expect((await store.repo.listContactNotes(into.id)).map((n) => n.id)).toEqual([newer.id]);
  });

  it('matches threads by subject key and by thread key', async () => {
    const { contact, conversation } = await contactWithConversation(store.repo, { threadKey: `+1|+2|${newId()}`, subjectKey: 'where is my parcel' } as Partial<Conversation>);
    expect((await store.repo.latestBySubject(contact.id, 'email', 'where is my parcel', NOW - 1))?.id).toBe(conversation.id);
    expect(await store.repo.latestBySubject(contact.id, 'email', 'another subject', NOW - 1)).toBeNull();
    expect((await store.repo.latestByThreadKey('email', conversation.threadKey!))?.id).toBe(conversation.id);
  });
}
