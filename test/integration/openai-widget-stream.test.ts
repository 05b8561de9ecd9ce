/**
 * The web widget in Chromium shows a model reply growing as it streams: the fake model holds its
 * answer mid-stream, the widget shows the words so far, and the stored message replaces them once
 * the rest arrives.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentGraph } from '../support/deployment.ts';
import { createOpenAIEngine } from '../../agents/engines/openai/index.ts';
import { ensureBuilt, WIDGET_BUNDLE } from '../../src/console/assets.ts';
import { listen, type Frontdesk } from '../../src/entry/node.ts';
import { chromiumUnavailable, launchChromium, newBrowserContext } from '../support/browser.ts';
import { say, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { describeWithService } from '../support/services.ts';

describeWithService('Chromium', chromiumUnavailable())('widget streaming in Chromium', () => {
  let fake: FakeOpenAI;
  let frontdesk: Frontdesk;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    await ensureBuilt(WIDGET_BUNDLE);
    fake = await startFakeOpenAI();
    const engine = createOpenAIEngine(
      { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 60_000, maxConcurrency: 2, tokenBudget: 50_000 },
      { graph: agentGraph, maxRetries: 0 },
    );
    frontdesk = await createTestFrontdesk({ engine, adapters: [] });
    server = (await listen(frontdesk.app, 0, '127.0.0.1')) as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await (await newBrowserContext(browser)).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await frontdesk?.stop();
    await fake?.close();
  });

  it('shows the answer while the model writes it, then the stored reply in its place', async () => {
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const answer = 'Your order NW-10003 has shipped with DHL and should reach you by Friday.';
    fake.script(
      say.transfer('orders'),
      say.tool('lookup_order', { orderId: 'NW-10003' }),
      { ...say.json({ answer, confidence: 0.9 }), pause: { afterChunks: 4, until } },
    );

    await page.goto(`${base}/`);
    await page.getByRole('button', { name: /open chat/i }).click();
    const input = page.getByLabel('Your message');
    await input.fill('Where is my order NW-10003?');
    await input.press('Enter');

    // Held mid-stream: the widget shows the first words, and no stored reply exists yet.
    const growing = page.locator('#frontdesk-widget .fd-streaming');
    await growing.filter({ hasText: 'Your order NW-10003 has' }).waitFor();
    expect(await growing.textContent()).not.toContain('Friday');
    expect(await page.locator('#frontdesk-widget [data-author="bot"]').count()).toBe(0);

    release();
    const reply = page.locator('#frontdesk-widget [data-author="bot"]').filter({ hasText: answer });
    await reply.waitFor();
    await growing.waitFor({ state: 'detached' });
    expect(await page.locator('#frontdesk-widget [data-author="bot"]').count()).toBe(1);
    expect(fake.unexpected).toBe(0);
  });
});
