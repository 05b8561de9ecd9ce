/**
 * The API reference page (/docs) in Chromium: Swagger UI renders every documented operation from
 * /openapi.json under the page's self-only Content-Security-Policy, loading nothing from
 * elsewhere and reporting no error (a blocked script or style would show up as one).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, type Frontdesk } from '../../src/entry/node.ts';
import { chromiumUnavailable, launchChromium, newBrowserContext } from '../support/browser.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { describeWithService } from '../support/services.ts';

describeWithService('Chromium', chromiumUnavailable())('the API reference page in Chromium', () => {
  let frontdesk: Frontdesk;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    frontdesk = await createTestFrontdesk();
    server = (await listen(frontdesk.app, 0, '127.0.0.1')) as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await frontdesk?.stop();
  });

  it('renders every operation of the document with only our own files and no errors', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);

    const context = await newBrowserContext(browser);
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBe(operations);
    await expect(page.locator('.info .title').textContent()).resolves.toContain('Frontdesk API');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
