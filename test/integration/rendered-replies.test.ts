/**
 * Our replies' Markdown reaches the widget and the console as server-rendered safe HTML
 * (`renderedHtml`); customer messages never get it, so their markup is only ever shown as text.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { streamText } from '../support/sse.ts';

const BOT_REPLY = [
  'Our **stores** are open Monday to Saturday, 10 am – 8 pm:',
  '',
  '| Store | Address |',
  '|---|---|',
  '| Seattle | 1420 Pine Street, Seattle, WA 98101 |',
  '',
  'See [all hours](https://northwind.example/stores) or [this](javascript:alert(1)). <img src=x onerror=alert(1)>',
].join('\n');
const CUSTOMER_TEXT = 'When do you open? **asap** <img src=x onerror=alert(1)> [click](https://evil.example)';

type Fd = Awaited<ReturnType<typeof createTestFrontdesk>>;
type ApiMessage = { direction: string; authorKind: string; text: string; renderedHtml: string | null };
let fd: Fd;
let staff: { authorization: string };

const post = (body: unknown, headers: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  fd = await createTestFrontdesk({ engine: scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.95, text: BOT_REPLY })) });
  staff = { authorization: `Bearer ${(await createApiToken(fd.store, fd.clock, { name: 'render test' })).token}` };
});
afterAll(async () => fd.stop());

function expectRenderedBotReply(html: string | null) {
  expect(html).toContain('<strong>stores</strong>');
  expect(html).toContain('<table>');
  expect(html).toContain('<td>Seattle</td>\n<td>1420 Pine Street, Seattle, WA 98101</td>');
  expect(html).toContain('<a href="https://northwind.example/stores" target="_blank" rel="noopener noreferrer">all hours</a>');
  // The refused link and the raw tag are text, not markup.
  expect(html).toContain('[this](javascript:alert(1))');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(html).not.toMatch(/<img|href="javascript/i);
}

it('a bot reply with a table comes back with safe rendered HTML; the customer message with none', async () => {
  const started = await fd.app.request('/v1/conversations', post({}, {}));
  const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
  const visitor = { authorization: `Bearer ${visitorToken}` };

  const res = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, post({ text: CUSTOMER_TEXT }, visitor));
  expect(res.status).toBe(200);
  const { message, reply } = (await res.json()) as { message: ApiMessage; reply: ApiMessage };
  expect(message).toMatchObject({ direction: 'inbound', text: CUSTOMER_TEXT, renderedHtml: null });
  expect(reply).toMatchObject({ direction: 'outbound', authorKind: 'bot', text: BOT_REPLY });
  expectRenderedBotReply(reply.renderedHtml);

  // The history the widget loads, as the visitor and as staff.
  for (const headers of [visitor, staff]) {
    const history = (await (await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers })).json()) as { messages: ApiMessage[] };
    expect(history.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(history.messages[0]!.renderedHtml).toBeNull();
    expectRenderedBotReply(history.messages[1]!.renderedHtml);
  }

  // The console's conversation view, and a staff reply in Markdown.
  const replied = await fd.app.request(`/v1/conversations/${conversation.id}/replies`, post({ text: 'Hi, I am **Sam**:\n1. Bring ID\n2. Pick up' }, staff));
  expect(replied.status).toBe(201);
  expect(((await replied.json()) as { message: ApiMessage }).message.renderedHtml).toBe(
    '<p>Hi, I am <strong>Sam</strong>:</p>\n<ol>\n<li>Bring ID</li>\n<li>Pick up</li>\n</ol>',
  );
  const detail = (await (await fd.app.request(`/v1/conversations/${conversation.id}`, { headers: staff })).json()) as { messages: ApiMessage[] };
  expect(detail.messages.map((m) => [m.authorKind, m.renderedHtml === null])).toEqual([
    ['contact', true],
    ['bot', false],
    ['human', false],
  ]);
  expectRenderedBotReply(detail.messages[1]!.renderedHtml);
});

it('sends the rendered HTML in live message events too', async () => {
  const started = await fd.app.request('/v1/conversations', post({}, {}));
  const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
  const res = await fd.app.request(`/v1/conversations/${conversation.id}/events?token=${visitorToken}`);
  const stream = streamText(res);
  await stream.until(/event: ready/);
  await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, post({ text: 'hours?' }, { authorization: `Bearer ${visitorToken}` }));
  await stream.until(/data: \{[^\n]*"direction":"outbound"[^\n]*\n/);
  await stream.cancel();
  const outbound = stream.seen().split('\n').find((line) => line.startsWith('data: ') && line.includes('"direction":"outbound"'))!;
  expectRenderedBotReply((JSON.parse(outbound.slice('data: '.length)) as ApiMessage).renderedHtml);
}, 30_000);
