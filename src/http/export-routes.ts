/**
 * The staff export under /v1/exports: GET /v1/exports/:kind?from=&to=&format=csv|jsonl streams
 * conversations, messages, tickets or metric events created in [from, to) as a download. Admin
 * only (src/http/roles.ts): an export holds every customer's messages at once.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, EXPORT_KINDS, ExportRange, exportChunks, exportFileName, rangeOf } from '../core/export.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Store } from '../core/ports.ts';
import { query } from './body.ts';

export interface ExportRouteDeps {
  store: Store;
  /** Authenticates the staff member (the /v1 staff auth), throwing 401 without a valid token. */
  authenticate(c: Context): Promise<unknown>;
  /** Rows per store read (tests make it small to cross pages). */
  pageSize?: number;
}

const ExportQuery = ExportRange.extend({ format: z.enum(EXPORT_FORMATS).default('csv') });
const Kind = z.enum(EXPORT_KINDS);

export function createExportRoutes(deps: ExportRouteDeps) {
  const app = new Hono();

  app.get('/:kind', async (c) => {
    await deps.authenticate(c);
    const kind = Kind.safeParse(c.req.param('kind'));
    if (!kind.success) throw new InvalidInputError(`Export one of ${EXPORT_KINDS.join(', ')}.`, undefined, 'invalid_export_kind');
    const q = query(c, ExportQuery);
    const range = rangeOf(q);
    const chunks = exportChunks(deps.store.repo, { kind: kind.data, format: q.format, range, pageSize: deps.pageSize });
    const encoder = new TextEncoder();
    // Pull-driven: the next page is read only when the client has taken the previous one.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // The status line has gone out; all that is left is to cut the download short, so it cannot pass for complete.
          c.get('log')?.error({ err: error, kind: kind.data }, 'export failed mid-stream');
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    return new Response(body, {
      headers: {
        'content-type': EXPORT_CONTENT_TYPES[q.format],
        'content-disposition': `attachment; filename="${exportFileName(kind.data, range, q.format)}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });

  return app;
}
