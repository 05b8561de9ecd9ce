/**
 * Identity verification in Chromium: a shop page embeds the widget with data-user-id and
 * data-user-hash; a second browser profile signed in as the same customer sees the history,
 * a profile without the signature does not.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, WIDGET_BUNDLE } from '../../src/console/assets.ts';
import { listen, type Frontdesk } from '../../src/entry/node.ts';
import { chromiumUnavailable, launchChromium, newBrowserContext } from '../support/browser.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { describeWithService } from '../support/services.ts';

const SECRET = 'browser-identity-secret-0123456789';
const USER_ID = 'cust-42';

describeWithService('Chromium', chromiumUnavailable())('signed-in widget visitors in Chromium', () => {
  let frontdesk: Frontdesk;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await ensureBuilt(WIDGET_BUNDLE);
    const engine = scriptedEngine(({ message }) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `Noted: ${message.text}` }));
    frontdesk = await createTestFrontdesk({ engine, env: { WIDGET_IDENTITY_SECRET: SECRET } });
    server = (await listen(frontdesk.app, 0, '127.0.0.1')) as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await frontdesk?.stop();
  });

  /** A fresh browser profile on a shop page (same origin as Frontdesk) that embeds the widget. */
  async function shopPage(signed: boolean): Promise<Page> {
    const context = await newBrowserContext(browser);
    const page = await context.newPage();
    // The host site computes the hash server-side, exactly as the README shows.
    const hash = createHmac('sha256', SECRET).update(USER_ID).digest('hex');
    const attributes = signed ? `data-user-id="${USER_ID}" data-user-hash="${hash}"` : '';
    await page.route(`${base}/shop`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>Shop</title><script src="/widget.js" data-open="true" ${attributes}></script>` }),
    );
    await page.goto(`${base}/shop`);
    return page;
  }

  const texts = (page: Page) => page.locator('#frontdesk-widget [data-message-id] .fd-msg').allTextContents();

  it('a second profile signed in as the same customer sees the history; an anonymous one does not', async () => {
    const laptop = await shopPage(true);
    const input = laptop.getByLabel('Your message');
    await input.fill('Is my jacket waterproof?');
    await input.press('Enter');
    await laptop.locator('[data-author="bot"]').filter({ hasText: 'Noted: Is my jacket waterproof?' }).waitFor();

    const phone = await shopPage(true);
    await phone.locator('[data-author="bot"]').filter({ hasText: 'Noted: Is my jacket waterproof?' }).waitFor();
    expect(await texts(phone)).toEqual(['Is my jacket waterproof?', 'Noted: Is my jacket waterproof?']);

    // The phone writes into the same conversation, and the laptop sees it live.
    await phone.getByLabel('Your message').fill('Sent from my phone');
    await phone.getByLabel('Your message').press('Enter');
    await laptop.locator('[data-author="contact"]').filter({ hasText: 'Sent from my phone' }).waitFor();
    expect(await frontdesk.store.repo.listConversations({ limit: 10 })).toHaveLength(1);

    const stranger = await shopPage(false);
    await stranger.getByLabel('Your message').fill('hello');
    await stranger.getByLabel('Your message').press('Enter');
    await stranger.locator('[data-author="bot"]').filter({ hasText: 'Noted: hello' }).waitFor();
    expect(await texts(stranger)).toEqual(['hello', 'Noted: hello']);
  });
});
