/**
 * Custom actions wired as at start-up: the bike shop's deployment, the model engine chosen by
 * OPENAI_API_KEY (the real `openai` client against the local chat-completions server), the action's
 * credentials read from the environment by name, and a web visitor whose question the workshop
 * answers from the shop's warranty API (a local server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentError, loadDeployment } from '../../config/deployment/index.ts';
import { BIKE_SHOP_DIR } from '../support/deployment.ts';
import { say, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { sendJson, startLocalHttp, type LocalHttpServer } from '../support/local-http.ts';

const TOKEN = 'bk_live_7f3a9c2e51d04b68';
let fake: FakeOpenAI;
let api: LocalHttpServer;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  api = await startLocalHttp((req, res) =>
    req.headers.authorization === `Bearer ${TOKEN}`
      ? sendJson(res, 200, { serial: 'WTU123A4567B', model: 'Gravel 2', covered: true, coverage: { frame_until: '2031-04-02' } })
      : sendJson(res, 401, { error: 'unauthorized' }),
  );
});
afterAll(async () => {
  await fake.close();
  await api.close();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('custom actions at start-up and in a conversation', () => {
  it('refuses to start the model engine when an action’s credentials are not set, naming the line', async () => {
    const start = createTestFrontdesk({ env: { FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL } });
    await expect(start).rejects.toThrow(DeploymentError);
    await expect(start).rejects.toThrow(/agents\.yaml:\d+: actions\[0\]\.auth\.value: environment variable BIKE_SHOP_API_TOKEN is not set \(the credentials of action check_warranty\)/);
  });

  it('answers a web visitor from the warranty API through the workshop agent', async () => {
    const bikeShop = loadDeployment(BIKE_SHOP_DIR);
    const graph = { ...bikeShop.graph, actions: bikeShop.graph.actions.map((a) => ({ ...a, url: a.url.replace('https://api.spokeandchain.example', api.url) })) };
    const fd = await createTestFrontdesk({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'gpt-test', BIKE_SHOP_API_TOKEN: TOKEN },
      deployment: { ...bikeShop, graph },
    });
    try {
      fake.script(say.transfer('workshop'), say.tool('check_warranty', { serial: 'WTU123A4567B' }), (request) => {
        const output = String(request.messages.at(-1)!.content);
        return say.json({ answer: output.includes('2031-04-02') ? 'Your Gravel 2 frame is covered until 2 April 2031.' : 'I could not check that.', confidence: 0.9 });
      });
      const started = (await (await fd.app.request('/v1/conversations', json({}))).json()) as { conversation: { id: string }; visitorToken: string };
      const res = await fd.app.request(`/v1/conversations/${started.conversation.id}/messages?wait=1`, json({ text: 'Is my frame WTU123A4567B still under warranty?' }, { authorization: `Bearer ${started.visitorToken}` }));
      expect(res.status).toBe(200);
      const { reply } = (await res.json()) as { reply: { text: string; agentName: string; route: string } };
      expect(reply).toMatchObject({ text: 'Your Gravel 2 frame is covered until 2 April 2031.', agentName: 'workshop', route: 'repairs' });
      expect(api.requests.map((r) => [r.method, r.url])).toEqual([['GET', '/v1/warranty/WTU123A4567B']]);
      const stored = await fd.store.repo.listMessages(started.conversation.id);
      expect(JSON.stringify(stored)).toContain('check_warranty');
      expect(JSON.stringify(stored)).not.toContain(TOKEN);
      expect(JSON.stringify(fake.requests)).not.toContain(TOKEN);
      expect(fake.unexpected).toBe(0);
    } finally {
      await fd.stop();
    }
  });
});
