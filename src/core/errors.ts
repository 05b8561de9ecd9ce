import { z } from 'zod';

/**
 * One error base for everything Frontdesk raises on purpose. `status` is the HTTP status the
 * API maps it to; user and config errors (4xx) stay apart from provider and system errors (5xx).
 */
export class FrontdeskError extends Error {
  /** Machine-readable code, stable across releases (`conversation_not_found`). */
  readonly code: string;
  /** HTTP status the API answers with. */
  readonly status: number;
  /** Extra, non-secret detail for the client (field paths of a validation failure). */
  readonly details?: unknown;

  constructor(code: string, message: string, status = 400, details?: unknown, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The caller sent something we cannot accept. */
export class InvalidInputError extends FrontdeskError {
  constructor(message: string, details?: unknown, code = 'invalid_input') {
    super(code, message, 400, details);
  }
}

/** Input through its schema: the parsed value, or a 400 `invalid_input` naming each problem and its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(z.prettifyError(parsed.error), parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

export class NotFoundError extends FrontdeskError {
  constructor(what: string, id: string) {
    super(`${what}_not_found`, `No ${what.replace(/_/g, ' ')} with id ${JSON.stringify(id)}.`, 404);
  }
}

export class UnauthorizedError extends FrontdeskError {
  constructor(message = 'Missing or invalid credentials.', code = 'unauthorized') {
    super(code, message, 401);
  }
}

export class ForbiddenError extends FrontdeskError {
  constructor(message = 'Not allowed.', code = 'forbidden') {
    super(code, message, 403);
  }
}

export class ConflictError extends FrontdeskError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

/** A setting is missing or wrong; raised at start-up, names the variable. */
export class ConfigError extends FrontdeskError {
  constructor(message: string) {
    super('config_error', message, 500);
  }
}

/**
 * A provider refused or failed to deliver. `retryable` tells the outbox whether another attempt
 * can succeed (429, 5xx, timeouts) or not (unsubscribed number, invalid address).
 */
export class DeliveryError extends FrontdeskError {
  readonly retryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { retryable: boolean; code?: string; retryAfterMs?: number; cause?: unknown }) {
    super(opts.code ?? 'delivery_failed', message, 502, undefined, { cause: opts.cause });
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * The company's order system is down, slow, refused our credentials or answered something we
 * cannot read. A provider/system error: the customer is told the order system is unavailable and
 * a ticket is opened; "not found" is never this error (sources answer null or []).
 */
export class OrderSourceError extends FrontdeskError {
  /** Which source failed (`http`, `shopify`, `demo`). */
  readonly source: string;
  /** Why, for logs and tests: what the operator should look at. */
  readonly reason: 'timeout' | 'network' | 'http_status' | 'unauthorized' | 'bad_body' | 'too_large' | 'mapping' | 'throttled' | 'graphql';

  constructor(source: string, reason: OrderSourceError['reason'], message: string, options?: ErrorOptions) {
    super('order_source_unavailable', message, 503, { source, reason }, options);
    this.source = source;
    this.reason = reason;
  }
}
