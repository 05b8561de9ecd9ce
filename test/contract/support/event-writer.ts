/**
 * A process that writes metric events until it is killed: one transaction after another, each a
 * few events over two UTC days, and a conversation assigned to an agent with the agent's reply and
 * resolution (what the analytics rollups kept by triggers sum), printing `committed <n>` after
 * each commit. The crash-recovery test kills it with SIGKILL mid-stream.
 * Usage: event-writer.ts sqlite <path> | postgres <url>.
 */
import { newId } from '../../../src/core/ids.ts';
import { createPgStore } from '../../../src/store/pg/index.ts';
import { createSqliteStore } from '../../../src/store/sqlite/index.ts';

const [dialect, location] = process.argv.slice(2);
const store = dialect === 'sqlite' ? createSqliteStore({ path: location! }) : createPgStore({ url: location! });
const NOW = Date.UTC(2026, 10, 24, 12);
const contact = await store.repo.createContact({ id: newId(), name: 'Crash', email: null, createdAt: NOW });
const conversation = await store.repo.createConversation({
  id: newId(), contactId: contact.id, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
  assigneeId: null, subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null,
  resolvedAt: null, lastMessageAt: NOW, createdAt: NOW, updatedAt: NOW,
});
const agent = await store.repo.createUser({ id: newId(), email: 'crash-agent@example.com', name: 'Crash agent', role: 'agent', passwordHash: null, slackUserId: null, createdAt: NOW });
for (let n = 1; ; n++) {
  await store.transaction(async (repo) => {
    const at = NOW + (n % 2) * 86_400_000 + 10;
    const handled = await repo.createConversation({ ...conversation, id: newId(), assigneeId: agent.id, owner: 'human', createdAt: at, lastMessageAt: at, updatedAt: at });
    await repo.insertMessage({
      id: newId(), conversationId: handled.id, channel: 'web', direction: 'outbound', authorKind: 'human', authorId: agent.id, text: 'On it', original: null, html: null,
      subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null, deliveryStatus: 'delivered', agentStatus: null, meta: null, createdAt: at + 1,
    });
    await repo.insertEvents([{ id: newId(), conversationId: handled.id, type: 'resolved', actor: 'human', channel: 'web', value: 5, data: null, createdAt: at + 2 }]);
    await repo.insertEvents(
      [0, 1, 2].map((k) => ({
        id: newId(), conversationId: conversation.id, type: 'first_response' as const, actor: 'bot' as const, channel: 'web' as const,
        value: k * 10, data: null, createdAt: NOW + (n % 2) * 86_400_000 + k,
      })),
    );
    // Rows written but not yet committed when the kill lands part of the time.
    await repo.insertEvents([{ id: newId(), conversationId: conversation.id, type: 'message_in', actor: 'contact', channel: 'web', value: null, data: null, createdAt: NOW }]);
  });
  process.stdout.write(`committed ${n}\n`);
}
