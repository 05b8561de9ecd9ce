/**
 * The console's pages in Chromium, as an admin and as an agent: the ticket page (summary, the
 * conversation around the ticket, the history of changes made on it), the Team page (invite,
 * role, revoke), per-agent figures on the analytics page, and axe-core on every page with no
 * serious or critical WCAG 2.1 A/AA violation.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONSOLE_BUNDLE, ensureBuilt } from '../../src/console/assets.ts';
import { newId } from '../../src/core/ids.ts';
import { hashPassword } from '../../src/core/passwords.ts';
import type { Ticket } from '../../src/core/types.ts';
import { listen, type Frontdesk } from '../../src/entry/node.ts';
import { seriousViolations } from '../support/axe.ts';
import { ARTIFACTS_DIR, chromiumUnavailable, launchChromium, newBrowserContext } from '../support/browser.ts';
import { ROOT } from '../support/paths.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import type { ChannelAdapter } from '../../src/core/ports.ts';
import { describeWithService } from '../support/services.ts';

const PASSWORD = 'correct horse battery';
/** The README's pictures are refreshed on request (UPDATE_SCREENSHOTS=1); a normal run leaves the checkout as it was. */
const SCREENSHOTS_DIR = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs', 'screenshots') : join(ARTIFACTS_DIR, 'screenshots');

describeWithService('Chromium', chromiumUnavailable())('console pages in Chromium', () => {
  let frontdesk: Frontdesk;
  let server: Server;
  let browser: Browser;
  let base: string;
  let adminContext: BrowserContext;
  let admin: Page;
  let ticket: Ticket;
  let visitorToken: string;

  const signIn = async (page: Page, email: string, password = PASSWORD) => {
    await page.goto(`${base}/console/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  };
  const user = async (email: string, name: string, role: 'admin' | 'agent') =>
    frontdesk.store.repo.createUser({ id: newId(), email, name, role, passwordHash: await hashPassword(PASSWORD), slackUserId: null, createdAt: Date.now() });

  beforeAll(async () => {
    await ensureBuilt(CONSOLE_BUNDLE);
    // An email channel that carries files, as the SMTP adapter does (what it sends goes nowhere).
    const email: ChannelAdapter = { kind: 'email', replyAttachments: carriesEveryReplyType('email'), send: async () => ({ status: 'sent', providerMessageId: `<${newId()}@test>` }) };
    frontdesk = await createTestFrontdesk({ adapters: [email] });
    await user('dana@northwind.example', 'Dana Reyes', 'admin');
    await user('sam@northwind.example', 'Sam Agent', 'agent');
    server = (await listen(frontdesk.app, 0, '127.0.0.1')) as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A visitor explains the problem, then asks for a person: an escalated ticket.
    const start = await fetch(`${base}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const started = (await start.json()) as { conversation: { id: string }; visitorToken: string };
    const { conversation } = started;
    visitorToken = started.visitorToken;
    for (const text of ['Hello', 'The Alpine jacket I got has a torn zipper and the sleeve is stained', 'I want to talk to a person']) {
      await fetch(`${base}/v1/conversations/${conversation.id}/messages?wait=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
        body: JSON.stringify({ text }),
      });
    }
    ticket = (await frontdesk.store.repo.listTickets({ conversationId: conversation.id })).at(-1)!;
    browser = await launchChromium();
    adminContext = await newBrowserContext(browser, { viewport: { width: 1280, height: 860 } });
    admin = await adminContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await frontdesk?.stop();
  });

  it('has no serious or critical accessibility violations on the sign-in page', async () => {
    await admin.goto(`${base}/console/`);
    await admin.getByRole('heading', { name: 'Frontdesk console' }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
  });

  it('the ticket page shows what the customer needs, the conversation, and who changed what', async () => {
    await signIn(admin, 'dana@northwind.example');
    await admin.getByRole('link', { name: 'Tickets' }).click();
    await admin.locator(`a[href="#/tickets/${ticket.id}"]`).first().click();
    const title = admin.locator('#ticket-title');
    await title.waitFor();
    await expect(title.textContent()).resolves.toContain(`#${ticket.number}`);
    await expect(title.textContent()).resolves.toContain('torn zipper');
    await expect(title.textContent()).resolves.not.toContain('talk to a person');
    const excerpt = admin.getByRole('list', { name: 'Conversation excerpt' });
    await excerpt.getByText('The Alpine jacket I got has a torn zipper').waitFor();

    await admin.getByLabel('Priority').selectOption('urgent');
    await admin.locator('.history li[data-field="priority"]').filter({ hasText: 'urgent' }).waitFor();
    await admin.getByLabel('Assignee').selectOption({ label: 'Sam Agent' });
    const assigned = admin.locator('.history li[data-field="assigneeId"]');
    await assigned.waitFor();
    await expect(assigned.textContent()).resolves.toMatch(/nobody → Sam Agent by Dana Reyes \(you\)/);
    expect((await frontdesk.store.repo.listTicketEvents(ticket.id)).map((e) => e.field)).toEqual(['priority', 'assigneeId']);
    await admin.screenshot({ path: join(SCREENSHOTS_DIR, 'console-ticket-1280.png'), fullPage: true });
  });

  it('an admin invites a user on the Team page, who signs in with the password shown; a revoked session is signed out', async () => {
    await admin.getByRole('link', { name: 'Team', exact: true }).click();
    await admin.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    await admin.getByLabel('Email').fill('lee@northwind.example');
    await admin.getByLabel('Name').fill('Lee Chen');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const password = (await admin.locator('[data-secret="password"]').textContent())!;
    await admin.locator('tr[data-user="lee@northwind.example"]').waitFor();

    const leeContext = await newBrowserContext(browser, { viewport: { width: 1100, height: 760 } });
    const lee = await leeContext.newPage();
    await signIn(lee, 'lee@northwind.example', password);
    expect(await lee.getByRole('link', { name: 'Team', exact: true }).count()).toBe(0);

    await admin.getByLabel('Role of Lee Chen').selectOption('admin');
    await admin.getByRole('status').filter({ hasText: 'Lee Chen is now admin' }).waitFor();
    expect((await frontdesk.store.repo.findUserByEmail('lee@northwind.example'))!.role).toBe('admin');

    await admin.reload();
    const session = admin.locator('tr[data-token]').filter({ hasText: 'console session: lee@northwind.example' });
    await session.getByRole('button', { name: /Revoke/ }).click();
    await session.filter({ hasText: 'revoked' }).waitFor();
    await lee.getByRole('link', { name: 'Tickets' }).click();
    await lee.getByRole('heading', { name: 'Frontdesk console' }).waitFor();
    await admin.screenshot({ path: join(SCREENSHOTS_DIR, 'console-team-1280.png'), fullPage: true });
    await leeContext.close();
  });

  it('the analytics page shows each agent’s figures', async () => {
    await frontdesk.support.replyAsHuman({ conversationId: ticket.conversationId, userId: (await frontdesk.store.repo.findUserByEmail('dana@northwind.example'))!.id, text: 'Sorry about the jacket, a new one is on its way.' });
    await admin.getByRole('link', { name: 'Analytics' }).click();
    const row = admin.locator('[data-table="agents"] tbody tr').filter({ hasText: 'Dana Reyes' });
    await row.waitFor();
    await expect(row.locator('td').first().textContent()).resolves.toBe('1');
  });

  it('downloads the analytics figures as CSV, and an admin the conversations of the range', async () => {
    await admin.locator('[data-table="agents"]').waitFor();
    // The ticket's first-response target is still ahead: nothing settled yet, so no rate.
    await expect(admin.locator('[data-metric="sla-first-response"]').textContent()).resolves.toBe('—');
    await admin.screenshot({ path: join(SCREENSHOTS_DIR, 'console-analytics-1280.png'), fullPage: true });
    const csvOf = async (link: string) => {
      const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: link }).click()]);
      return { name: download.suggestedFilename(), lines: (await readFile((await download.path())!, 'utf8')).split('\r\n') };
    };
    const analytics = await csvOf('Export analytics CSV');
    expect(analytics.name).toMatch(/^frontdesk-analytics-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(analytics.lines[0]!.split(',').slice(0, 5)).toEqual(['from', 'to', 'channel', 'conversations', 'messages_in']);
    const web = analytics.lines.find((line) => line.split(',')[2] === 'web')!.split(',');
    expect(web[3]).toBe('1'); // the visitor's conversation
    expect(analytics.lines.some((line) => line.split(',')[2] === 'all')).toBe(true);

    const conversations = await csvOf('Conversations CSV');
    expect(conversations.lines[0]!.split(',')).toContain('id');
    expect(conversations.lines.some((line) => line.startsWith(`${ticket.conversationId},`))).toBe(true);
  });

  it('a ticket set to wait on the customer shows its resolution clock paused until the customer replies', async () => {
    await admin.goto(`${base}/console/#/c/${ticket.conversationId}`);
    await admin.getByRole('button', { name: 'Wait on customer' }).click();
    await admin.locator('.meta').filter({ hasText: `#${ticket.number} waits on the customer` }).waitFor();
    await admin.getByRole('link', { name: 'Tickets' }).click();
    const row = admin.locator('tr').filter({ has: admin.locator(`a[href="#/tickets/${ticket.id}"]`) });
    await row.locator('.sla-paused', { hasText: 'resolve paused' }).waitFor();
    await row.getByRole('cell', { name: 'waiting on customer' }).waitFor();
    expect((await frontdesk.store.repo.getTicket(ticket.id))!.pausedAt).not.toBeNull();

    // The customer answers: the list shows the ticket open again, its clock running.
    await fetch(`${base}/v1/conversations/${ticket.conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ text: 'The order number is on the packing slip: 1042.' }),
    });
    await row.getByRole('cell', { name: 'open', exact: true }).waitFor();
    expect(await row.locator('.sla-paused').count()).toBe(0);
    expect(await frontdesk.store.repo.getTicket(ticket.id)).toMatchObject({ status: 'open', pausedAt: null });
  });

  it('attaches a file to a reply to an email customer; the conversation links to it', async () => {
    const { conversation } = await frontdesk.pipeline.start({ channel: 'email', from: { address: 'lena.berg@example.com', email: 'lena.berg@example.com', name: 'Lena Berg' }, subject: 'Return label' });
    await admin.goto(`${base}/console/#/c/${conversation.id}`);
    await admin.locator('#conv-title').waitFor();
    await admin.getByLabel('Attach files').setInputFiles({ name: 'label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 label') });
    // n: the reply box as a staff-only note; unticked again, a reply to the customer.
    await admin.keyboard.press('n');
    await expect.poll(() => admin.evaluate(() => document.activeElement?.id)).toBe('reply-text');
    await expect(admin.getByRole('checkbox', { name: 'Internal note' }).isChecked()).resolves.toBe(true);
    await admin.getByRole('checkbox', { name: 'Internal note' }).uncheck();
    await admin.getByLabel(/Reply as Dana Reyes/).fill('Your return label is attached.');
    await admin.getByRole('button', { name: 'Send reply' }).click();
    const link = admin.locator('.attachments a').filter({ hasText: 'label.pdf' });
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    const bytes = await admin.evaluate(async (url) => (await (await fetch(url)).text()), href);
    expect(bytes).toBe('%PDF-1.4 label');
    await expect(admin.getByLabel('Attach files').evaluate((el) => (el as HTMLInputElement).files?.length)).resolves.toBe(0);
  });

  it('filters the inbox by channel, route and any assignee', async () => {
    const sam = (await frontdesk.store.repo.findUserByEmail('sam@northwind.example'))!;
    const web = (await frontdesk.store.repo.getConversation(ticket.conversationId))!;
    await frontdesk.support.assign(web.id, sam.id);
    await admin.goto(`${base}/console/#/inbox`);
    await admin.locator('button[data-view="all"]').click();
    const rows = admin.locator('.inbox-row');
    const shown = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')).sort());
    await rows.first().waitFor();
    const email = (await frontdesk.store.repo.listConversations({ channel: 'email', limit: 10 })).map((c) => c.id).sort();
    expect(email.length).toBeGreaterThan(0);

    await admin.getByLabel('Channel').selectOption('email');
    await expect.poll(shown).toEqual(email);
    await admin.getByLabel('Channel').selectOption('');
    await admin.getByLabel('Route').selectOption(web.route!);
    await expect.poll(shown).toEqual([web.id]);
    await admin.getByLabel('Route').selectOption('');
    await admin.getByLabel('Assignee').selectOption({ label: 'Sam Agent' });
    await expect.poll(shown).toEqual([web.id]);
  });

  it('pages the inbox by cursor, and a new conversation arriving live does not move the row being read', async () => {
    for (let i = 0; i < 55; i++) await frontdesk.pipeline.start({ channel: 'web', from: { address: `visitor:${newId()}`, name: `Paging visitor ${i}` } });
    await admin.goto(`${base}/console/#/inbox`);
    await admin.getByLabel('Assignee').selectOption('');
    await admin.locator('button[data-view="all"]').click();
    const rows = admin.locator('.inbox-row');
    const ids = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')));
    await expect.poll(() => rows.count()).toBe(50);
    // A live change to the last row of the page keeps it there (it used to sort after itself and drop out).
    const lastId = (await rows.nth(49).getAttribute('data-conversation-id'))!;
    const sam = (await frontdesk.store.repo.findUserByEmail('sam@northwind.example'))!;
    const unassigned = () => admin.locator('button[data-view="unassigned"] .count').textContent().then(Number);
    const unassignedBefore = await unassigned();
    await frontdesk.support.assign(lastId, sam.id);
    await expect.poll(unassigned).toBe(unassignedBefore - 1); // the live change has reached the page
    expect(await admin.locator(`.inbox-row[data-conversation-id="${lastId}"]`).count()).toBe(1);
    expect(await rows.count()).toBe(50);
    await admin.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(55);
    const all = await ids();
    expect(new Set(all).size).toBe(all.length);

    // Reading row 40: a conversation arriving at the top leaves it where it is on the screen.
    const reading = rows.nth(40);
    const readingId = (await reading.getAttribute('data-conversation-id'))!;
    await reading.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const top = () => admin.locator(`.inbox-row[data-conversation-id="${readingId}"]`).evaluate((el) => Math.round(el.getBoundingClientRect().top));
    const before = await top();
    const arrived = await frontdesk.pipeline.start({ channel: 'web', from: { address: `visitor:${newId()}`, name: 'Newest visitor' } });
    await admin.locator(`.inbox-row[data-conversation-id="${arrived.conversation.id}"]`).waitFor({ state: 'attached' });
    expect(Math.abs((await top()) - before)).toBeLessThanOrEqual(1);
  });

  /** Every console page an admin sees, each with what shows it has loaded. */
  const consolePages = (page: Page): [string, () => Promise<unknown>][] => [
    ['#/inbox', () => page.locator('.inbox-row').first().waitFor()],
    [`#/c/${ticket.conversationId}`, () => page.getByRole('complementary', { name: 'Customer profile' }).getByRole('heading').first().waitFor()],
    ['#/tickets', () => page.locator(`a[href="#/tickets/${ticket.id}"]`).first().waitFor()],
    [`#/tickets/${ticket.id}`, () => page.locator('.history').waitFor()],
    ['#/analytics', () => page.locator('.chart canvas').waitFor()],
    ['#/kb', () => page.locator('a[href="#/kb/return-policy"]').waitFor()],
    ['#/kb/return-policy', () => page.getByLabel('Body (Markdown)').waitFor()],
    ['#/replies', () => page.getByRole('button', { name: 'Add canned reply' }).waitFor()],
    ['#/team', () => page.locator('tr[data-user]').first().waitFor()],
  ];

  it('has no serious or critical accessibility violations on any console page', async () => {
    const found: Record<string, unknown> = {};
    for (const [hash, ready] of consolePages(admin)) {
      await admin.goto(`${base}/console/${hash}`);
      await ready();
      const violations = await seriousViolations(admin);
      if (violations.length > 0) found[hash] = violations;
    }
    // The shortcut help dialog, open.
    await admin.keyboard.press('?');
    await admin.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    const dialog = await seriousViolations(admin);
    if (dialog.length > 0) found['? help'] = dialog;
    expect(found).toEqual({});
  });

  it('is usable at 375 px: no console page scrolls sideways', async () => {
    const context = await newBrowserContext(browser, { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: await adminContext.storageState() });
    const phone = await context.newPage();
    const wider: Record<string, number> = {};
    for (const [hash, ready] of consolePages(phone)) {
      await phone.goto(`${base}/console/${hash}`);
      await ready();
      // Against the layout viewport (clientWidth): a mobile browser zooms out to fit wide content, which widens innerWidth with it.
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) wider[hash] = overflow;
    }
    expect(wider).toEqual({});
    await context.close();
  });
});
