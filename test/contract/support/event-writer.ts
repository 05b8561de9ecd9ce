/**
 * A process that writes metric events until it is killed: one transaction after another, each a
 * few events over two UTC days, printing `committed <n>` after each commit. The crash-recovery
 * test kills it with SIGKILL mid-stream. Usage: event-writer.ts sqlite <path> | postgres <url>.
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
for (let n = 1; ; n++) {
  await store.transaction(async (repo) => {
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
