/**
 * Staff data export: conversations, messages, tickets or metric events created in a time range,
 * as CSV or JSON Lines. The rows are read page by page with a keyset cursor and yielded as text
 * chunks, so an export of a million rows never holds more than one page in memory. The HTTP route
 * (src/http/export-routes.ts) and `frontdesk export` (src/cli/commands/export.ts) both stream these.
 */
import { z } from 'zod';
import { InvalidInputError } from './errors.ts';
import type { ExportKind, ExportRows, Repository } from './ports.ts';
import { csvRow } from './csv.ts';

export const EXPORT_KINDS = ['conversations', 'messages', 'tickets', 'metrics'] as const satisfies readonly ExportKind[];
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of each export, in order. Secrets and engine internals (visitor token hash, agent state) stay out. */
const COLUMNS = {
  conversations: [
    'id', 'contactId', 'channel', 'threadKey', 'status', 'owner', 'currentAgent', 'route', 'assigneeId', 'subject',
    'firstResponseAt', 'firstHumanResponseAt', 'resolvedAt', 'lastMessageAt', 'createdAt', 'updatedAt',
  ],
  messages: [
    'id', 'conversationId', 'channel', 'direction', 'authorKind', 'authorId', 'internal', 'text', 'original', 'html', 'subject',
    'agentName', 'route', 'confidence', 'providerMessageId', 'deliveryStatus', 'agentStatus', 'attempts', 'error', 'meta', 'createdAt',
  ],
  tickets: ['id', 'number', 'conversationId', 'status', 'category', 'priority', 'summary', 'assigneeId', 'createdAt', 'updatedAt', 'resolvedAt'],
  metrics: ['id', 'conversationId', 'type', 'actor', 'channel', 'value', 'data', 'createdAt'],
} as const satisfies { [K in ExportKind]: readonly (keyof ExportRows[K])[] };

/** Columns holding epoch milliseconds; exports write them as ISO 8601 UTC, readable in a spreadsheet. */
const TIME_COLUMNS = new Set(['createdAt', 'updatedAt', 'resolvedAt', 'firstResponseAt', 'firstHumanResponseAt', 'lastMessageAt']);

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/** A point in time: an ISO 8601 date-time with a zone (Z or ±hh:mm), or a date (midnight UTC). */
const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date-time with a zone (2026-11-01T00:00:00Z) or a date (2026-11-01)' });

/** The range an export covers: from (inclusive) and to (exclusive), both required. */
export const ExportRange = z.object({ from: Instant, to: Instant });

/** Turns a validated range into epoch ms; a range that is empty or backwards is a 400 `invalid_range`. */
export function rangeOf(range: z.output<typeof ExportRange>): { from: number; to: number } {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  if (!(from < to)) throw new InvalidInputError(`from (${range.from}) must be before to (${range.to}).`, undefined, 'invalid_range');
  return { from, to };
}

/** A download name naming the kind and the range, e.g. frontdesk-messages-20261101T000000Z-20261201T000000Z.csv. */
export function exportFileName(kind: ExportKind, range: { from: number; to: number }, format: ExportFormat): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `frontdesk-${kind}-${stamp(range.from)}-${stamp(range.to)}.${format}`;
}


/** A row as exported: the kind's columns in order, times as ISO strings. */
function exportedRow(kind: ExportKind, row: object): Record<string, unknown> {
  const source = row as Record<string, unknown>;
  return Object.fromEntries(
    COLUMNS[kind].map((column) => {
      const value = source[column];
      return [column, TIME_COLUMNS.has(column) && typeof value === 'number' ? new Date(value).toISOString() : (value ?? null)];
    }),
  );
}

export interface ExportOptions {
  kind: ExportKind;
  format: ExportFormat;
  range: { from: number; to: number };
  /** Rows per store read; small in tests to cross page boundaries. */
  pageSize?: number;
}

/**
 * The export as text chunks: the CSV header first, then one chunk per page of rows. Pages are
 * read only as the consumer asks for them, so a slow client slows the reads rather than filling memory.
 * Each page is its own read, not one snapshot: rows written during a long export may or may not appear.
 */
export async function* exportChunks(repo: Repository, options: ExportOptions): AsyncGenerator<string> {
  const { kind, format, range } = options;
  const pageSize = options.pageSize ?? 1_000;
  if (format === 'csv') yield csvRow(COLUMNS[kind]);
  let after: string | null = null;
  for (;;) {
    const rows: { id: string }[] = await repo.exportPage(kind, { ...range, after, limit: pageSize });
    if (rows.length === 0) return;
    let chunk = '';
    for (const row of rows) {
      const out = exportedRow(kind, row);
      chunk += format === 'csv' ? csvRow(Object.values(out)) : `${JSON.stringify(out)}\n`;
    }
    yield chunk;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}
