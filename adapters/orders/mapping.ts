/**
 * The declarative field mapping of the generic HTTP order source: where each field of a Frontdesk
 * order sits in the shop API's JSON, written as dotted paths (`order.customer.email`,
 * `lines[0].sku`). Parsed and validated once at start-up (`parseOrderMapping`), applied to every
 * answer (`mapOrder`). The input is plain data, so it can come from JSON today and from the
 * deployment's YAML later.
 */
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.ts';
import type { Order } from '../../src/core/types.ts';

const STATUSES = ['processing', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
type Status = Order['status'];

const PATH_PATTERN = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+|\[\d+\])*$/;
const Path = z.string().regex(PATH_PATTERN, 'must be a dotted path such as "order.customer.email" or "lines[0].sku"');
const Scalar = z.union([z.string(), z.number(), z.null()]);

/**
 * One field: a path (`"customer.email"`) or an object `{ path, default? }` / `{ value }` (a
 * constant) with the field's own options. Strings are turned into `{ path }` first, so errors
 * point at the field's own keys rather than at "one of several shapes".
 */
function fieldSpec<T extends z.ZodRawShape>(options: T, constant: z.ZodType = Scalar) {
  return z.preprocess(
    (input) => (typeof input === 'string' ? { path: input } : input),
    z
      .object(
        { path: Path.optional(), value: constant.optional(), default: Scalar.optional(), ...options },
        { error: (issue) => (issue.input === undefined ? 'required' : 'must be a path or an object with "path" or "value"') },
      )
      .strict()
      .refine((spec: { path?: unknown; value?: unknown }) => (spec.path === undefined) !== (spec.value === undefined), 'set either "path" or "value"'),
  );
}

/** A text or number field. */
const Field = fieldSpec({});
/** Money: whole cents by default; `unit: "major"` reads "49.95" as 4995. */
const Money = fieldSpec({ unit: z.enum(['cents', 'major']).optional() });
/** A time: ISO 8601 text or epoch milliseconds; `unit: "seconds"` for epoch seconds. */
const Time = fieldSpec({ unit: z.enum(['iso-or-ms', 'seconds']).optional() });
const StatusName = z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` });
/** The status: the API's values mapped onto Frontdesk's (`map`), unmapped ones to `default`. */
const Status = fieldSpec({ map: z.record(z.string(), StatusName).optional(), default: StatusName.optional() }, StatusName);
const Items = z
  .object(
    {
      path: Path,
      name: Field,
      quantity: Field.default({ value: 1 }),
      sku: Field.default({ value: '' }),
      priceCents: Money.default({ value: 0 }),
    },
    { error: (issue) => (issue.input === undefined ? 'required' : 'must be an object with "path" and "name"') },
  )
  .strict();

const MappingSchema = z
  .object({
    /** Where the order sits in the one-order answer (default: the whole body; an array: its first element). */
    order: Path.optional(),
    /** Where the array of orders sits in the by-email answer (default: the whole body). */
    orders: Path.optional(),
    fields: z
      .object({
        id: Field,
        contactEmail: Field,
        /** The customer's phone (E.164), which lets an SMS sender see the order without an email check. */
        contactPhone: Field.optional(),
        status: Status,
        placedAt: Time,
        currency: Field,
        items: Items.optional(),
        /** Default: the items' prices times quantities. */
        totalCents: Money.optional(),
        shippedAt: Time.optional(),
        deliveredAt: Time.optional(),
        estimatedDelivery: Time.optional(),
        carrier: Field.optional(),
        trackingNumber: Field.optional(),
      })
      .strict(),
  })
  .strict();

/** The mapping's schema, for files that embed a mapping (a deployment's deployment.yaml). */
export const OrderMappingSchema = MappingSchema;

/** A validated mapping. */
export type OrderMapping = z.output<typeof MappingSchema>;

/**
 * Validates a mapping given as plain data (parsed JSON or YAML). `source` names where it came
 * from (`ORDERS_API_MAPPING`, a file path) in the ConfigError that lists every problem with its path.
 */
export function parseOrderMapping(input: unknown, source: string): OrderMapping {
  const parsed = MappingSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ConfigError(`Invalid order mapping in ${source}:\n  ${lines.join('\n  ')}\n  (see README, "Connecting orders")`);
  }
  return parsed.data;
}

/** A required value is missing or has the wrong type: the API answered, but not what the mapping expects. */
export class MappingMiss extends Error {
  constructor(
    readonly field: string,
    readonly path: string,
    problem: string,
  ) {
    // Names the field and path only: the value may be personal data.
    super(`the mapping's ${field} ("${path}") ${problem}`);
  }
}

/** Reads a dotted path (`a.b[0].c`) from JSON; undefined when any step is missing. */
export function readPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

type Spec = { path?: string; value?: unknown; default?: unknown; unit?: string; map?: Record<string, Status> };

const pathOf = (spec: Spec) => spec.path ?? '(constant)';

/** The raw value of a field: constant, value at its path, or its default; undefined/null when absent. */
function raw(spec: Spec, from: unknown): unknown {
  if (spec.path === undefined) return spec.value;
  const value = readPath(from, spec.path);
  return value === undefined || value === null ? (spec.default ?? value) : value;
}

function text(field: string, spec: Spec, from: unknown, required: true): string;
function text(field: string, spec: Spec | undefined, from: unknown, required: false): string | null;
function text(field: string, spec: Spec | undefined, from: unknown, required: boolean): string | null {
  if (!spec) return null;
  const value = raw(spec, from);
  if (value === undefined || value === null || value === '') {
    if (required) throw new MappingMiss(field, pathOf(spec), 'is missing in the answer');
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw new MappingMiss(field, pathOf(spec), 'is not text');
  return String(value);
}

function money(field: string, spec: Spec, from: unknown): number {
  const value = raw(spec, from);
  if (value === undefined || value === null) throw new MappingMiss(field, pathOf(spec), 'is missing in the answer');
  const amount = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(amount)) throw new MappingMiss(field, pathOf(spec), 'is not a number');
  if (spec.unit === 'major') return Math.round(amount * 100);
  if (!Number.isInteger(amount)) throw new MappingMiss(field, pathOf(spec), 'is not whole cents (set "unit": "major" for amounts like 49.95)');
  return amount;
}

function time(field: string, spec: Spec | undefined, from: unknown, required: boolean): number | null {
  if (!spec) return null;
  const value = raw(spec, from);
  if (value === undefined || value === null || value === '') {
    if (required) throw new MappingMiss(field, pathOf(spec), 'is missing in the answer');
    return null;
  }
  const ms = typeof value === 'number' ? (spec.unit === 'seconds' ? value * 1000 : value) : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new MappingMiss(field, pathOf(spec), 'is not a date (ISO 8601 text or epoch milliseconds)');
  return ms;
}

function status(spec: Spec, from: unknown): Status {
  if (spec.path === undefined) return spec.value as Status;
  const value = readPath(from, spec.path);
  const map = spec.map ?? {};
  const fallback = spec.default as Status | undefined;
  if (typeof value === 'string' || typeof value === 'number') {
    const key = String(value);
    const mapped = map[key] ?? map[key.toLowerCase()] ?? (STATUSES as readonly string[]).find((s) => s === key.toLowerCase());
    if (mapped) return mapped as Status;
    if (fallback) return fallback;
    throw new MappingMiss('status', spec.path, 'has a value the mapping does not list (add it to "map" or set a "default")');
  }
  if (fallback) return fallback;
  throw new MappingMiss('status', spec.path, 'is missing in the answer');
}

/** Maps one order object of the API's answer onto a Frontdesk order; throws MappingMiss. */
export function mapOrder(mapping: OrderMapping, source: unknown): Order {
  const f = mapping.fields;
  let items: Order['items'] = [];
  if (f.items) {
    const list = readPath(source, f.items.path);
    if (list !== undefined && list !== null && !Array.isArray(list)) throw new MappingMiss('items', f.items.path, 'is not a list');
    items = (list ?? []).map((item: unknown) => ({
      name: text('items.name', f.items!.name, item, true),
      sku: text('items.sku', f.items!.sku, item, false) ?? '',
      quantity: Number(text('items.quantity', f.items!.quantity, item, true)),
      priceCents: money('items.priceCents', f.items!.priceCents, item),
    }));
    for (const item of items) if (!Number.isFinite(item.quantity)) throw new MappingMiss('items.quantity', pathOf(f.items.quantity as Spec), 'is not a number');
  }
  return {
    id: text('id', f.id, source, true),
    contactEmail: text('contactEmail', f.contactEmail, source, true),
    contactPhone: f.contactPhone ? text('contactPhone', f.contactPhone, source, false) : null,
    status: status(f.status, source),
    items,
    totalCents: f.totalCents ? money('totalCents', f.totalCents, source) : items.reduce((sum, i) => sum + i.priceCents * i.quantity, 0),
    currency: text('currency', f.currency, source, true).toUpperCase(),
    placedAt: time('placedAt', f.placedAt, source, true)!,
    shippedAt: time('shippedAt', f.shippedAt, source, false),
    deliveredAt: time('deliveredAt', f.deliveredAt, source, false),
    estimatedDelivery: time('estimatedDelivery', f.estimatedDelivery, source, false),
    carrier: text('carrier', f.carrier, source, false),
    trackingNumber: text('trackingNumber', f.trackingNumber, source, false),
  };
}
