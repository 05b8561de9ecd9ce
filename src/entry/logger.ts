import pino from 'pino';
import type { Logger } from '../core/ports.ts';

/** Paths that may carry secrets; pino replaces them before a line is written. */
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  'token',
  '*.password',
  'password',
  '*.apiKey',
  '*.authToken',
  '*.botToken',
  '*.signingSecret',
  'config.*.apiKey',
];

/**
 * Error fields that carry a query's values (drizzle's `params`, pg's `parameters` and `detail`,
 * e.g. "Key (address)=(+15551234567) already exists"). Dropped from logged errors at any depth.
 */
const VALUE_FIELDS = new Set(['params', 'parameters', 'values', 'query', 'detail', 'raw']);
/** drizzle writes the values into the message and stack too: "Failed query: …\nparams: +1555…". */
const PARAMS_LINE = /\nparams: [^\n]*/g;

/** A serialized error without the values of the query that failed. */
export function safeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 5) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (VALUE_FIELDS.has(key)) continue;
    if (typeof value === 'string' && (key === 'message' || key === 'stack')) out[key] = value.replace(PARAMS_LINE, '\nparams: [redacted]');
    else if (key === 'cause') out[key] = safeError((error as { cause?: unknown }).cause, depth + 1);
    else out[key] = value;
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'frontdesk' }, serializers: { err: safeError, error: safeError } },
    destination,
  ) as unknown as Logger;
}
