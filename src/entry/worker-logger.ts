/**
 * The logger on Workers: one JSON line per entry through `console`, which the runtime collects
 * (wrangler tail, Workers Logs). pino's browser build, the one that bundles for workerd, ignores
 * `redact`, so secrets are removed here: any field named like a credential, at any depth, and the
 * query values drizzle writes into error messages.
 */
import type { Logger } from '../core/ports.ts';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
/** Field names that may carry secrets (the keys Node's pino logger redacts). */
const SECRET_KEYS = new Set(['authorization', 'cookie', 'token', 'password', 'apikey', 'authtoken', 'bottoken', 'signingsecret']);
/** Error fields that carry a failed query's values (see safeError in logger.ts). */
const VALUE_FIELDS = new Set(['params', 'parameters', 'values', 'query', 'detail', 'raw']);
const PARAMS_LINE = /\nparams: [^\n]*/g;

function clean(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: value.message.replace(PARAMS_LINE, '\nparams: [redacted]') };
    if (value.stack) out.stack = value.stack.replace(PARAMS_LINE, '\nparams: [redacted]');
    for (const [key, v] of Object.entries(value)) if (!VALUE_FIELDS.has(key)) out[key] = clean(v, depth + 1);
    if (value.cause !== undefined) out.cause = clean(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : clean(v, depth + 1)]));
  }
  return value;
}

export function createWorkerLogger(level: keyof typeof LEVELS, bindings: Record<string, unknown> = { app: 'frontdesk' }): Logger {
  const threshold = LEVELS[level];
  const write = (name: 'debug' | 'info' | 'warn' | 'error', obj: object | string, msg?: string) => {
    if (LEVELS[name] < threshold) return;
    const fields = typeof obj === 'string' ? { msg: obj } : { ...(clean(obj) as object), ...(msg ? { msg } : {}) };
    const line = JSON.stringify({ level: LEVELS[name], time: Date.now(), ...bindings, ...fields });
    (name === 'error' ? console.error : name === 'warn' ? console.warn : console.log)(line);
  };
  return {
    debug: (obj, msg) => write('debug', obj, msg),
    info: (obj, msg) => write('info', obj, msg),
    warn: (obj, msg) => write('warn', obj, msg),
    error: (obj, msg) => write('error', obj, msg),
    child: (more) => createWorkerLogger(level, { ...bindings, ...(clean(more) as object) }),
  };
}
