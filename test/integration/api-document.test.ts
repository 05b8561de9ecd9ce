/**
 * The API document (/openapi.json) against the app it describes: every route registered on a
 * Frontdesk with every channel on is documented (bar a short list, each with its reason), every
 * documented example passes the zod schema it sits beside, the document holds together as
 * OpenAPI 3.1 (every $ref resolves), and real answers match their documented schemas. Also the
 * reference page at /docs, served locally under a self-only page policy.
 */
import { findTargetHandler } from 'hono/utils/handler';
import { uniqueSymbol, type DescribeRouteOptions } from 'hono-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { documentOptions, DOCS_CSP } from '../../src/http/ops/api-reference.ts';
import { ADMIN_ONLY_ROUTES } from '../../src/http/roles.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
type Json = Record<string, unknown>;
interface Resolver {
  validate(value: unknown): { issues?: readonly unknown[] } | Promise<{ issues?: readonly unknown[] }>;
}

/** Routes the document leaves out on purpose. Each must still be registered (checked below). */
const UNDOCUMENTED: Record<string, string> = {
  'GET /': 'the demo store page (HTML that embeds the widget), not an API',
  'GET /widget.js': 'the widget script, a static asset',
  'GET /console': 'the staff console app (HTML)',
  'GET /console/*': 'the staff console app and its assets',
  'GET /openapi.json': 'the document itself',
  'GET /docs': 'the reference page (HTML)',
  'GET /docs/frontdesk-docs.js': 'the reference page\'s script',
  'GET /docs/:file': 'the reference page\'s Swagger UI files',
  'GET /metrics': 'never advertised: anyone without METRICS_TOKEN gets the 404 of an unknown route (metrics-route.ts)',
};

/** Every channel on, so each adapter's routes are registered. */
const ENV = {
  METRICS_TOKEN: 'metrics-token-for-the-api-document-test',
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: 'twilio-auth-token',
  TWILIO_FROM_NUMBER: '+15005550006',
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'slack-signing-secret',
  SLACK_SUPPORT_CHANNEL: 'C0123456789',
};

/** Hono's `/a/:id` as OpenAPI's `/a/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The describeRoute spec of each (method, Hono path), straight from the registered handlers. */
function describedRoutes(fd: Frontdesk): Map<string, DescribeRouteOptions> {
  const specs = new Map<string, DescribeRouteOptions>();
  for (const route of fd.app.routes) {
    const marker = (findTargetHandler(route.handler) as unknown as Record<symbol, { spec?: DescribeRouteOptions } | undefined>)[uniqueSymbol];
    if (marker?.spec) specs.set(`${route.method} ${route.path}`, marker.spec);
  }
  return specs;
}

/** Media type objects of a spec's request body and responses, with where they are. */
function mediaOf(where: string, spec: Pick<DescribeRouteOptions, 'requestBody' | 'responses'>): [string, Json][] {
  const out: [string, Json][] = [];
  const body = spec.requestBody as { content?: Record<string, Json> } | undefined;
  for (const [media, object] of Object.entries(body?.content ?? {})) out.push([`${where} request ${media}`, object]);
  for (const [status, response] of Object.entries(spec.responses ?? {})) {
    for (const [media, object] of Object.entries((response as { content?: Record<string, Json> }).content ?? {})) out.push([`${where} ${status} ${media}`, object]);
  }
  return out;
}

const isResolver = (schema: unknown): schema is Resolver => typeof (schema as Resolver | undefined)?.validate === 'function';

/** Resolves a local JSON pointer (`#/components/schemas/Error`) in the document, or undefined. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

/** Every value of `key` anywhere in the document, with its location. */
function collect(node: unknown, key: string, at = '#', out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(node)) node.forEach((item, i) => collect(item, key, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push([at, v]);
      collect(v, key, `${at}/${k}`, out);
    }
  }
  return out;
}

let fd: Frontdesk;
let doc: Json & { paths: Record<string, Record<string, Json>>; components: Json & { securitySchemes: Json; responses: Json; schemas: Json } };
let staffToken: string;

beforeAll(async () => {
  fd = await createTestFrontdesk({ env: ENV });
  const res = await fd.app.request('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as typeof doc;
  ({ token: staffToken } = await createApiToken(fd.store, fd.clock, { name: 'api-document test' }));
});
afterAll(async () => {
  await fd?.stop();
});

describe('the API document', () => {
  it('documents every route registered on the app, and nothing else', () => {
    const registered = new Set(fd.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
    const missing = [...registered].filter((route) => !(route in UNDOCUMENTED) && !documented.has(`${route.split(' ')[0]} ${openApiPath(route.split(' ')[1]!)}`));
    expect(missing).toEqual([]);
    const stale = [...documented].filter((route) => ![...registered].some((r) => `${r.split(' ')[0]} ${openApiPath(r.split(' ')[1]!)}` === route));
    expect(stale).toEqual([]);
    // The exclusions name real routes, so the list cannot outlive what it excuses.
    expect(Object.keys(UNDOCUMENTED).filter((route) => !registered.has(route))).toEqual([]);
    expect(registered.size).toBeGreaterThan(40);
  });

  it('has every documented example pass the zod schema beside it, and no example without one', async () => {
    const media = [...describedRoutes(fd)].flatMap(([route, spec]) => mediaOf(route, spec));
    const components = documentOptions().documentation?.components?.responses ?? {};
    media.push(...mediaOf('components', { responses: components as DescribeRouteOptions['responses'] }));
    const failures: string[] = [];
    let validated = 0;
    for (const [where, object] of media) {
      if (object.example === undefined) continue;
      if (!isResolver(object.schema)) {
        failures.push(`${where}: an example without a zod schema to check it`);
        continue;
      }
      const result = await object.schema.validate(object.example);
      if (result.issues) failures.push(`${where}: ${JSON.stringify(result.issues)}`);
      validated++;
    }
    expect(failures).toEqual([]);
    // The same examples, no more, are in the served document (nothing slipped in unchecked).
    expect(collect(doc, 'example').length).toBe(validated);
    expect(validated).toBeGreaterThan(20);

    // The check has teeth: a wrong example fails the same way.
    const [, csat] = media.find(([where]) => where.startsWith('POST /v1/conversations/:id/csat request'))!;
    expect((await (csat.schema as Resolver).validate({ rating: 9 })).issues?.length).toBeGreaterThan(0);
  });

  it('is structurally OpenAPI 3.1: version, info, paths, components, and every $ref resolves', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Frontdesk API', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
    for (const name of ['Error', 'Conversation', 'Message', 'Ticket', 'KnowledgeArticle', 'VisitorMessage']) expect(doc.components.schemas).toHaveProperty(name);
    expect(doc.components.securitySchemes).toHaveProperty('staffToken');

    const refs = collect(doc, '$ref');
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter(([, ref]) => typeof ref !== 'string' || resolvePointer(doc, ref) === undefined)).toEqual([]);

    const tags = new Set((doc.tags as { name: string }[]).map((t) => t.name));
    const operationIds = new Set<string>();
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      expect(path).not.toContain(':');
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(['get', 'put', 'post', 'delete', 'patch'], where).toContain(method);
        expect(Object.keys(operation.responses as Json).length, where).toBeGreaterThan(0);
        for (const status of Object.keys(operation.responses as Json)) expect(status, where).toMatch(/^[1-5]\d\d$/);
        expect(operation.summary, where).toEqual(expect.any(String));
        for (const tag of operation.tags as string[]) expect(tags, where).toContain(tag);
        expect(operationIds.has(operation.operationId as string), `${where}: operationId ${operation.operationId} twice`).toBe(false);
        operationIds.add(operation.operationId as string);
        for (const requirement of (operation.security as Json[] | undefined) ?? []) for (const scheme of Object.keys(requirement)) expect(schemes, where).toContain(scheme);
        const parameters = ((operation.parameters as { $ref?: string }[] | undefined) ?? []).map((p) => (p.$ref ? resolvePointer(doc, p.$ref) : p) as { in: string; name: string; required?: boolean });
        const pathParameters = parameters.filter((p) => p.in === 'path');
        expect(pathParameters.map((p) => p.name).sort(), where).toEqual([...templated].sort());
        for (const p of pathParameters) expect(p.required, where).toBe(true);
      }
    }
  });

  it('marks exactly the admin-only staff routes (roles.ts) as such, with their 403', () => {
    const admin = new Set(ADMIN_ONLY_ROUTES.map((r) => `${r.method.toLowerCase()} /v1${openApiPath(r.path)}`));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(String(operation.summary).includes('(admin)'), where).toBe(admin.has(where));
        if (admin.has(where)) expect(operation.responses, where).toHaveProperty('403');
      }
    }
  });

  it('describes request bodies and queries from the schemas the handlers validate with', async () => {
    const reply = doc.paths['/v1/conversations/{id}/replies']!.post!;
    expect((reply.requestBody as Json).content).toMatchObject({ 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' }, internal: { type: 'boolean' } } } } });
    const list = doc.paths['/v1/conversations']!.get!;
    expect((list.parameters as { name: string }[]).map((p) => p.name)).toEqual(expect.arrayContaining(['channel', 'status', 'owner', 'search', 'before', 'limit']));
    // What the document says is refused is refused: limit is at most 200 in both.
    const limit = (list.parameters as { name: string; schema: { maximum?: number } }[]).find((p) => p.name === 'limit')!;
    expect(limit.schema.maximum).toBe(200);
    const refused = await fd.app.request('/v1/conversations?limit=201', { headers: { authorization: `Bearer ${staffToken}` } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
    // Security: staff routes take staff credentials, starting a conversation takes none.
    expect(list.security).toEqual(expect.arrayContaining([{ staffToken: [] }, { staffSession: [] }]));
    expect(doc.paths['/v1/conversations']!.post!.security).toEqual([]);
    expect(doc.paths['/webhooks/sms']!.post!.security).toEqual([{ twilioSignature: [] }]);
  });

  it('matches what the routes answer', async () => {
    const specs = describedRoutes(fd);
    /** Checks a real answer against the schema documented for its route and status. */
    async function conforms(route: string, res: Response) {
      const response = specs.get(route)?.responses?.[res.status] as { content?: Record<string, { schema?: unknown }>; $ref?: string } | undefined;
      expect(response, `${route} documents status ${res.status}`).toBeDefined();
      const body = await res.json();
      const schema = response!.$ref
        ? (documentOptions().documentation!.components!.responses![response!.$ref.split('/').pop()!] as { content: Record<string, { schema: unknown }> }).content['application/json']!.schema
        : response!.content?.['application/json']?.schema;
      expect(isResolver(schema), `${route} ${res.status} has a zod schema`).toBe(true);
      const result = await (schema as Resolver).validate(body);
      expect(result.issues, `${route} ${res.status}: ${JSON.stringify(body).slice(0, 300)}`).toBeUndefined();
      return body as Json;
    }
    const staff = { authorization: `Bearer ${staffToken}` };
    const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const started = (await conforms('POST /v1/conversations', await fd.app.request('/v1/conversations', json({ name: 'Maria', text: 'What is your refund policy?' })))) as {
      conversation: { id: string };
      visitorToken: string;
    };
    const id = started.conversation.id;
    const visitor = { authorization: `Bearer ${started.visitorToken}` };
    await conforms('POST /v1/conversations/:id/messages', await fd.app.request(`/v1/conversations/${id}/messages?wait=1`, json({ text: 'How long do refunds take?' }, visitor)));
    await conforms('GET /v1/conversations/:id/messages', await fd.app.request(`/v1/conversations/${id}/messages`, { headers: visitor }));
    await conforms('POST /v1/conversations/:id/csat', await fd.app.request(`/v1/conversations/${id}/csat`, json({ rating: 4 }, visitor)));
    await conforms('GET /v1/conversations', await fd.app.request('/v1/conversations', { headers: staff }));
    await conforms('GET /v1/conversations/:id', await fd.app.request(`/v1/conversations/${id}`, { headers: staff }));
    await conforms('POST /v1/conversations/:id/replies', await fd.app.request(`/v1/conversations/${id}/replies`, json({ text: 'Refunds take 5 days.' }, staff)));
    await conforms('POST /v1/conversations/:id/takeover', await fd.app.request(`/v1/conversations/${id}/takeover`, { method: 'POST', headers: staff }));
    await conforms('GET /v1/tickets', await fd.app.request('/v1/tickets', { headers: staff }));
    await conforms('GET /v1/analytics', await fd.app.request('/v1/analytics', { headers: staff }));
    await conforms('GET /v1/deliveries/failed', await fd.app.request('/v1/deliveries/failed', { headers: staff }));
    const articles = (await conforms('GET /v1/kb/articles', await fd.app.request('/v1/kb/articles?limit=2', { headers: staff }))) as { articles: { slug: string }[] };
    await conforms('GET /v1/kb/articles/:slug', await fd.app.request(`/v1/kb/articles/${articles.articles[0]!.slug}`, { headers: staff }));
    const profile = (await conforms('GET /v1/conversations/:id', await fd.app.request(`/v1/conversations/${id}`, { headers: staff }))) as { contact: { id: string } };
    await conforms('GET /v1/contacts/:id', await fd.app.request(`/v1/contacts/${profile.contact.id}`, { headers: staff }));
    await conforms('GET /v1/inbox', await fd.app.request('/v1/inbox?view=all', { headers: staff }));
    await conforms('POST /v1/labels', await fd.app.request('/v1/labels', json({ name: 'vip' }, staff)));
    await conforms('GET /v1/labels', await fd.app.request('/v1/labels', { headers: staff }));
    await conforms('GET /v1/users', await fd.app.request('/v1/users', { headers: staff }));
    await conforms('GET /healthz', await fd.app.request('/healthz'));
    // Built, not started: the documented 503.
    await conforms('GET /readyz', await fd.app.request('/readyz'));
    await conforms('GET /livez', await fd.app.request('/livez'));
    // Errors: the shared error responses.
    await conforms('GET /v1/conversations/:id', await fd.app.request('/v1/conversations/nope', { headers: staff }));
    await conforms('GET /v1/conversations', await fd.app.request('/v1/conversations'));
    await conforms('POST /v1/conversations/:id/messages', await fd.app.request(`/v1/conversations/${id}/messages`, json({ text: '' }, visitor)));
  });
});

describe('the reference page', () => {
  it('serves Swagger UI from the installed package under a self-only page policy', async () => {
    const page = await fd.app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(DOCS_CSP).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/docs\//);
      const res = await fd.app.request(asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toMatch(/^(text\/(css|javascript)|image\/png)/);
    }
    const init = await (await fd.app.request('/docs/frontdesk-docs.js')).text();
    expect(init).toContain("url: '/openapi.json'");
    // Only the named files of the package: no listing, no other file, no way out of its folder.
    for (const path of ['/docs/package.json', '/docs/swagger-ui-bundle.js.map', '/docs/..%2F..%2Fpackage.json', '/docs/oauth2-redirect.html']) {
      expect((await fd.app.request(path)).status, path).toBe(404);
    }
  });
});
