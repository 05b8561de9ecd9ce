/**
 * GET /v1/exports/:kind through the real app: admin only, a validated range, CSV and JSON Lines
 * downloads, and a body that is streamed page by page as the client reads it.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import type { ExportKind, ExportPage, Repository, Store } from '../../src/core/ports.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { User } from '../../src/core/types.ts';
import { errorResponse } from '../../src/http/errors.ts';
import { createExportRoutes } from '../../src/http/export-routes.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
let fd: Frontdesk;
const tokens = { agent: '', admin: '' };
const DAY = 86_400_000;
const FROM = Date.UTC(2026, 9, 1);
const RANGE = 'from=2026-10-01T00:00:00Z&to=2026-10-02';
const ids: string[] = [];

async function userToken(role: User['role']) {
  const user = await fd.store.repo.createUser({ id: newId(), email: `${role}-export@northwind.example`, name: role, role, passwordHash: null, slackUserId: null, createdAt: Date.now() });
  return (await createApiToken(fd.store, fd.clock, { name: role, userId: user.id })).token;
}

const get = (path: string, token = tokens.admin) => fd.app.request(path, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  fd = await createTestFrontdesk();
  tokens.agent = await userToken('agent');
  tokens.admin = await userToken('admin');
  const contact = await fd.store.repo.createContact({ id: newId(), name: 'Ada', email: 'ada@example.com', createdAt: FROM });
  // Five conversations inside 1 October (UTC), one on the 2nd, outside the range.
  for (const at of [FROM, FROM + 1, FROM + 1_000, FROM + DAY / 2, FROM + DAY - 1, FROM + DAY]) {
    const id = newId();
    await fd.store.repo.createConversation({
      id, contactId: contact.id, channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
      assigneeId: null, subject: at === FROM ? '=1+1, "hi"' : 'Parcel', agentState: null, visitorTokenHash: null, firstResponseAt: null,
      firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: at, createdAt: at, updatedAt: at,
    });
    if (at < FROM + DAY) ids.push(id);
  }
});
afterAll(async () => fd.stop());

describe('GET /v1/exports/:kind', () => {
  it('downloads CSV of the range, with a header row, a file name and the CSV type', async () => {
    const res = await get(`/v1/exports/conversations?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="frontdesk-conversations-20261001T000000Z-20261002T000000Z.csv"');
    const [header, ...rows] = parseCsv(await res.text());
    expect(header![0]).toBe('id');
    expect(rows.map((r) => r[0])).toEqual(ids);
    expect(rows[0]![header!.indexOf('subject')]).toBe(`'=1+1, "hi"`);
  });

  it('downloads JSON Lines, and takes a zone offset in the range', async () => {
    // 02:00 at +02:00 is midnight UTC: the same range as above.
    const res = await get(`/v1/exports/conversations?from=${encodeURIComponent('2026-10-01T02:00:00+02:00')}&to=2026-10-02&format=jsonl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/filename="frontdesk-conversations-.*\.jsonl"$/);
    const rows = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; subject: string; createdAt: string });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[0]).toMatchObject({ subject: '=1+1, "hi"', createdAt: '2026-10-01T00:00:00.000Z' });
  });

  it('refuses an agent with 403 forbidden_role, and a caller without a token with 401', async () => {
    const res = await get(`/v1/exports/messages?${RANGE}`, tokens.agent);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden_role', message: expect.stringMatching(/only an admin/i) } });
    expect((await fd.app.request(`/v1/exports/messages?${RANGE}`)).status).toBe(401);
  });

  it('answers 400 for a backwards or empty range, a missing or malformed time, an unknown format or kind', async () => {
    const cases: [string, string][] = [
      ['/v1/exports/tickets?from=2026-10-02&to=2026-10-01', 'invalid_range'],
      ['/v1/exports/tickets?from=2026-10-01&to=2026-10-01', 'invalid_range'],
      ['/v1/exports/tickets?from=2026-10-01', 'invalid_query'],
      ['/v1/exports/tickets?from=yesterday&to=2026-10-01', 'invalid_query'],
      ['/v1/exports/tickets?from=2026-10-01T00:00:00&to=2026-10-02', 'invalid_query'], // no zone: ambiguous
      [`/v1/exports/tickets?${RANGE}&format=xlsx`, 'invalid_query'],
      [`/v1/exports/contacts?${RANGE}`, 'invalid_export_kind'],
    ];
    for (const [path, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error, path).toMatchObject({ code, message: expect.any(String) });
    }
  });
});

describe('export streaming', () => {
  /** The export routes alone, over a store whose page reads are counted, three rows to a page. */
  function countingApp(failOnRead?: number) {
    const reads: ExportPage[] = [];
    const exportPage = async (kind: ExportKind, page: ExportPage) => {
      reads.push(page);
      if (reads.length === failOnRead) throw new Error('database went away');
      return fd.store.repo.exportPage(kind, page);
    };
    const repo = new Proxy(fd.store.repo, { get: (target, key: keyof Repository) => (key === 'exportPage' ? exportPage : target[key]) });
    const app = new Hono();
    app.onError((error, c) => errorResponse(error, c, fd.logger));
    app.route('/exports', createExportRoutes({ store: { ...fd.store, repo } as Store, authenticate: async () => undefined, pageSize: 3 }));
    return { app, reads };
  }

  it('reads the next page only when the client has taken the previous one, each after the last id', async () => {
    const { app, reads } = countingApp();
    const res = await app.request(`/exports/conversations?${RANGE}&format=jsonl`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.trimEnd().split('\n')).toHaveLength(3);
    expect(reads.length).toBeLessThanOrEqual(2); // the page sent, and at most one read ahead
    await reader.cancel();

    const whole = countingApp();
    const text = await (await whole.app.request(`/exports/conversations?${RANGE}&format=jsonl`)).text();
    expect(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(ids);
    expect(whole.reads.map((r) => r.after)).toEqual([null, ids[2]]);
  });

  it('cuts the download short when a later page fails, so it cannot pass for a complete file', async () => {
    const { app } = countingApp(2);
    const res = await app.request(`/exports/conversations?${RANGE}&format=jsonl`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow('database went away');
  });
});
