import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { FrontdeskError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';

/** The one mapping from errors to HTTP: `{ error: { code, message } }` with the right status. */
export function errorResponse(error: unknown, c: Context, appLogger: Logger) {
  // The request's own logger (bound to its request id) when the operations middleware ran.
  const logger = c.get('log') ?? appLogger;
  if (error instanceof FrontdeskError) {
    if (error.status >= 500) logger.error({ err: error, path: c.req.path }, error.message);
    const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return c.json(body, error.status as 400);
  }
  if (error instanceof ZodError) {
    return c.json({ error: { code: 'invalid_input', message: 'The request is not valid.', details: error.issues } }, 400);
  }
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'payload_too_large' : `http_${error.status}`;
    return c.json({ error: { code, message: error.message || 'Request rejected.' } }, error.status);
  }
  logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
  return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}
