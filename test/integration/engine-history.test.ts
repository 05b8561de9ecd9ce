/** The pipeline reads as much of a conversation's history as the engine says it uses. */
import { describe, expect, it } from 'vitest';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';

async function historiesSeen(historyLimit: number | undefined): Promise<string[][]> {
  const engine = scriptedEngine((input) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `re: ${input.message.text}` }));
  const fd = await createTestFrontdesk({ engine: { ...engine, historyLimit } });
  try {
    const started = (await (
      await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { conversation: { id: string }; visitorToken: string };
    for (const text of ['one', 'two', 'three']) {
      const res = await fd.app.request(`/v1/conversations/${started.conversation.id}/messages?wait=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${started.visitorToken}` },
        body: JSON.stringify({ text }),
      });
      expect(res.status).toBe(200);
    }
    return engine.calls.map((call) => call.history.map((m) => m.text));
  } finally {
    await fd.stop();
  }
}

describe('conversation history for the engine', () => {
  it("gives an engine that does not say the pipeline's 20 latest earlier messages", async () => {
    expect(await historiesSeen(undefined)).toEqual([[], ['one', 're: one'], ['one', 're: one', 'two', 're: two']]);
  });

  it('gives an engine as many as it asks for, and none when it asks for none', async () => {
    expect(await historiesSeen(1)).toEqual([[], ['re: one'], ['re: two']]);
    expect(await historiesSeen(0)).toEqual([[], [], []]);
  });
});
