/**
 * Custom actions: tools a deployment declares in agents.yaml as HTTP calls to the company's own
 * API ("check warranty", "book a repair"), so a shop adds one without code. This file is the data
 * side: the schema of one action, its templates, and the port that calls it (adapters/actions
 * implements it; the model engine wraps it into a tool). Specialists use an action by listing its
 * name in their `tools`, like a built-in tool.
 *
 * Templates: `{param}` in the URL (URL-encoded) and in the body is a validated argument; the
 * customer's proven identity is `{customer.email}` / `{customer.phone}`. `${NAME}` in the auth value
 * is an environment variable, so the secret never sits in agents.yaml.
 */
import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Methods that may be sent again after a network error or a 5xx: repeating them changes nothing. */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** Values of the customer's proven identity (src/core/order-access.ts Asker), never what they typed. */
export const CUSTOMER_VALUES = ['customer.email', 'customer.phone'] as const;
export type CustomerValues = Partial<Record<(typeof CUSTOMER_VALUES)[number], string>>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)\}/g;
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/** The `{name}` placeholders of a template, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** The environment variables `${NAME}` an auth value refers to. */
export function envReferencesOf(value: string): string[] {
  return [...value.matchAll(ENV_REFERENCE)].map((m) => m[1]!);
}

/** Fills `${NAME}` references from the environment (every one is known to exist: checked at start-up). */
export function fillEnvReferences(value: string, secret: (name: string) => string | undefined): string {
  return value.replace(ENV_REFERENCE, (_, name: string) => secret(name) ?? '');
}

/** Fills `{name}` placeholders; `encode` URL-encodes each value (the URL), else it is inserted as is. */
export function fillPlaceholders(template: string, values: Record<string, unknown>, encode: boolean): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const text = String(values[name]);
    return encode ? encodeURIComponent(text) : text;
  });
}

/** Strings of a body template, with the key path of each (for placeholder checks). */
export function bodyStrings(body: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof body === 'string') return [{ path, text: body }];
  if (Array.isArray(body)) return body.flatMap((item, i) => bodyStrings(item, [...path, i]));
  if (body !== null && typeof body === 'object') return Object.entries(body).flatMap(([key, value]) => bodyStrings(value, [...path, key]));
  return [];
}

/**
 * Renders a body template: a string that is exactly one placeholder takes the value with its type
 * (a number stays a number), other strings are filled as text; everything else is kept.
 */
export function renderBody(body: unknown, values: Record<string, unknown>): unknown {
  if (typeof body === 'string') {
    const whole = /^\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)\}$/.exec(body);
    return whole ? (values[whole[1]!] ?? null) : fillPlaceholders(body, values, false);
  }
  if (Array.isArray(body)) return body.map((item) => renderBody(item, values));
  if (body !== null && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, renderBody(v, values)]));
  return body;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
const JsonType = z.enum(JSON_TYPES);
/** One parameter's JSON Schema: its type is checked here (zod's conversion lets a misspelt one pass beside an enum), the rest by z.fromJSONSchema. */
const Property = z.looseObject({ type: z.union([JsonType, z.array(JsonType)], { error: `must be a JSON Schema type (${JSON_TYPES.join(', ')}) or a list of them` }).optional() });

/** A JSON Schema of the arguments, checked to be one zod can validate with (z.fromJSONSchema). */
const Parameters = z
  .object({
    type: z.literal('object', { error: 'must be object (the arguments are a JSON object)' }),
    description: z.string().optional(),
    properties: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a parameter name is letters, digits and _'), Property).default({}),
    required: z.array(z.string()).default([]),
    additionalProperties: z.boolean().optional(),
  })
  .strict()
  .superRefine((schema, ctx) => {
    schema.required.forEach((name, i) => {
      if (!(name in schema.properties)) ctx.addIssue({ code: 'custom', path: ['required', i], message: `${name} is required but not in properties` });
    });
    for (const [name, property] of Object.entries(schema.properties)) {
      try {
        z.fromJSONSchema(property as z.core.JSONSchema.JSONSchema);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['properties', name], message: `not a usable JSON Schema: ${(error as Error).message}` });
      }
    }
  });

export const CustomAction = z
  .object({
    /** The tool's name, as the model calls it. */
    name: z
      .string()
      .max(64, 'must be at most 64 characters (a model tool name)')
      .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: lower-case letters, digits and _, starting with a letter'),
    /** What it does and when to use it: the model reads this to decide. */
    description: z.string().trim().min(1),
    /** What the failure message calls the system ("the warranty system is not answering"). */
    system: z.string().trim().min(1).default('our system'),
    parameters: Parameters,
    method: z.enum(HTTP_METHODS),
    /** `https://api.example.com/warranty/{serial}`: placeholders in the path or query only. */
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
    /** `arguments` (the validated arguments as JSON) or a JSON template; default: arguments for POST, PUT and PATCH. */
    body: z.union([z.literal('arguments'), z.record(z.string(), z.unknown())]).optional(),
    /** A header carrying the credentials; the value names environment variables: `Bearer ${WARRANTY_API_TOKEN}`. */
    auth: z
      .object({
        header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name such as Authorization'),
        value: z.string().min(1),
      })
      .strict()
      .optional(),
    /** Fields of the JSON answer passed to the model, as dotted paths (`coverage.until`, `slots[0].start`). */
    returns: z.array(z.string().regex(/^[A-Za-z0-9_-]+(\[\d+\])*(\.[A-Za-z0-9_-]+(\[\d+\])*)*$/, 'must be a dotted path such as coverage.until')).min(1),
    timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** A person approves each call before it runs (the run pauses, as for refunds). */
    approval: z.boolean().default(false),
  })
  .strict()
  .superRefine((action, ctx) => {
    const declared = action.parameters.properties;
    const required = new Set(action.parameters.required);
    const check = (placeholder: string, path: (string | number)[], inUrl: boolean) => {
      if ((CUSTOMER_VALUES as readonly string[]).includes(placeholder)) return;
      const known = Object.keys(declared);
      if (!(placeholder in declared)) {
        const hint = placeholder.includes('.') ? `customer values: ${CUSTOMER_VALUES.join(', ')}` : `parameters: ${known.join(', ') || 'none'}`;
        ctx.addIssue({ code: 'custom', path, message: `placeholder {${placeholder}} is not a parameter (${hint})` });
      } else if (!required.has(placeholder)) {
        ctx.addIssue({ code: 'custom', path, message: `placeholder {${placeholder}} needs a required parameter (add it to parameters.required)` });
      } else if (inUrl && !SCALAR_TYPES.has(String(declared[placeholder]!.type))) {
        ctx.addIssue({ code: 'custom', path, message: `placeholder {${placeholder}} in the URL needs a parameter of type string, number, integer or boolean` });
      }
    };
    for (const name of placeholdersOf(action.url)) check(name, ['url'], true);
    // The model's values never choose the host: the credentials go only where agents.yaml says.
    const origin = /^https?:\/\/[^/?#]*/.exec(action.url)![0];
    if (origin.includes('{')) ctx.addIssue({ code: 'custom', path: ['url'], message: 'placeholders may stand in the path or the query, not in the host' });
    if (action.body !== undefined && (action.method === 'GET' || action.method === 'DELETE')) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `${action.method} sends no body; use placeholders in the URL` });
    }
    if (action.body !== undefined && action.body !== 'arguments') {
      for (const { path, text } of bodyStrings(action.body)) for (const name of placeholdersOf(text)) check(name, ['body', ...path], false);
    }
    if (action.auth) {
      const names = envReferencesOf(action.auth.value);
      if (names.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['auth', 'value'], message: 'must name an environment variable such as ${WARRANTY_API_TOKEN} (never write the secret in agents.yaml)' });
      }
    }
  });
export type CustomAction = z.output<typeof CustomAction>;

/** What calling an action gave: the picked fields, "no record" (404), or why it failed, in words the model can relay. */
export type ActionOutcome =
  | { ok: true; found: true; result: Record<string, unknown> }
  | { ok: true; found: false }
  | { ok: false; reason: 'invalid_arguments' | 'needs_verified_customer' | 'unavailable'; message: string };

/** Calls an action of the deployment with the model's arguments (validated here) and the customer's proven identity. */
export type ActionCaller = (action: CustomAction, args: unknown, customer: CustomerValues) => Promise<ActionOutcome>;
