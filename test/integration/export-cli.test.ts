/** `frontdesk export` end to end through the CLI entry, on a SQLite file. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { newId } from '../../src/core/ids.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { parseCsv } from '../support/csv.ts';
import { captureOutput } from '../support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-export-cli-'));
const env = { SQLITE_PATH: join(dir, 'frontdesk.sqlite'), LOG_LEVEL: 'silent' };
const AT = Date.UTC(2026, 9, 1, 9);
const inside: string[] = [];

async function frontdesk(...args: string[]) {
  return captureOutput((io) => run(['export', ...args], { ...io, env }));
}

beforeAll(async () => {
  const store = createSqliteStore({ path: env.SQLITE_PATH });
  await store.migrate();
  const contact = await store.repo.createContact({ id: newId(), name: 'Ada', email: null, createdAt: AT });
  await store.repo.createConversation({
    id: 'c1', contactId: contact.id, channel: 'sms', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null,
    subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null,
    lastMessageAt: AT, createdAt: AT, updatedAt: AT,
  });
  for (const [i, at] of [AT, AT + 1, AT + 2, AT + 86_400_000].entries()) {
    const id = newId();
    await store.repo.insertEvents([{ id, conversationId: 'c1', type: 'csat', actor: 'contact', channel: 'sms', value: i + 1, data: { comment: i === 0 ? '@bad, "really"' : 'ok' }, createdAt: at }]);
    if (at < AT + 86_400_000) inside.push(id);
  }
  await store.close();
});

describe('frontdesk export', () => {
  it('writes CSV to a file, and leaves no partial file beside it', async () => {
    const out = join(dir, 'metrics.csv');
    const result = await frontdesk('metrics', '--from', '2026-10-01', '--to', '2026-10-02', '--out', out);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/Exported metrics from 2026-10-01T00:00:00.000Z to 2026-10-02T00:00:00.000Z as csv to .*metrics\.csv/);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['id', 'conversationId', 'type', 'actor', 'channel', 'value', 'data', 'createdAt']);
    expect(rows.map((r) => r[0])).toEqual(inside);
    expect(rows[0]!.slice(5)).toEqual(['1', '{"comment":"@bad, \\"really\\""}', '2026-10-01T09:00:00.000Z']);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('writes JSON Lines to stdout by default', async () => {
    const result = await frontdesk('metrics', '--from', '2026-10-01T09:00:00.001Z', '--to', '2026-10-03', '--format', 'jsonl');
    expect(result.code, result.err).toBe(0);
    const rows = result.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; value: number });
    expect(rows.map((r) => r.value)).toEqual([2, 3, 4]);
  });

  it('exits 2 with one clear line for bad usage, writing no file', async () => {
    const out = join(dir, 'never.csv');
    const cases: [string[], RegExp][] = [
      [['metrics', '--from', '2026-10-02', '--to', '2026-10-01', '--out', out], /from \(2026-10-02\) must be before to \(2026-10-01\)/],
      [['metrics', '--to', '2026-10-01', '--out', out], /--from is required/],
      [['metrics', '--from', 'last week', '--to', '2026-10-01'], /--from must be an ISO 8601 date-time/],
      [['metrics', '--from', '2026-10-01', '--to', '2026-10-02', '--format', 'xlsx'], /--format must be one of csv, jsonl/],
      [['contacts', '--from', '2026-10-01', '--to', '2026-10-02'], /usage: frontdesk export conversations\|messages\|tickets\|metrics/],
    ];
    for (const [args, message] of cases) {
      const result = await frontdesk(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });
});
