/**
 * Pieces for describing routes in the API document (/openapi.json, built by hono-openapi from the
 * `describeRoute(...)` on each route): request bodies and queries from the very zod schemas the
 * handlers validate with (readJson / query, body.ts), success responses from api-schemas.ts, the
 * one error shape and the auth schemes as shared components.
 */
import { describeRoute, resolver, type DescribeRouteOptions, type GenerateSpecOptions } from 'hono-openapi';
import { z } from 'zod';
import { ErrorBody } from './api-schemas.ts';

type Parameters = NonNullable<DescribeRouteOptions['parameters']>;
type Responses = NonNullable<DescribeRouteOptions['responses']>;
type Security = NonNullable<DescribeRouteOptions['security']>;

/** A media type (JSON unless named) of `schema`, with an example typed as the schema's input (the test validates it too). */
export function json<S extends z.ZodType>(schema: S, example?: z.input<S>, media = 'application/json') {
  return { [media]: { schema: resolver(schema), ...(example === undefined ? {} : { example }) } };
}

/** A required JSON request body: what `readJson(c, schema)` accepts. */
export function jsonBody<S extends z.ZodType>(schema: S, example: z.input<S>): NonNullable<DescribeRouteOptions['requestBody']> {
  return { required: true, content: json(schema, example) };
}

/** A JSON success response. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S, example?: z.input<S>) {
  return { description, content: json(schema, example) };
}

/** The query parameters `query(c, schema)` reads, one per property of the object schema. */
export function queryParameters(schema: z.ZodObject): Parameters {
  const doc = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, property]) => ({
    in: 'query' as const,
    name,
    required: doc.required?.includes(name) ?? false,
    ...(property.description ? { description: property.description } : {}),
    schema: property,
  }));
}

/** The shared error responses, each `{ error: { code, message } }`, by status, with an example. */
const ERRORS = {
  400: { name: 'BadRequest', code: 'invalid_input', message: 'text must not be empty', description: 'The request is not valid: malformed JSON (invalid_json), bad fields (invalid_input), a bad query (invalid_query), not JSON (unsupported_media_type), not UTF-8 (invalid_encoding); a NUL or a lone surrogate in a field, id or query is unstorable_text.' },
  401: { name: 'Unauthorized', code: 'invalid_token', message: 'The API token is not valid.', description: 'No valid credentials: a missing token, invalid_token, token_expired, no_session.' },
  403: { name: 'Forbidden', code: 'forbidden_role', message: 'Only an admin may POST /v1/kb/articles; you are signed in as agent.', description: 'Credentials that do not open this: wrong_visitor_token, forbidden_role, csrf, a bad signature.' },
  404: { name: 'NotFound', code: 'conversation_not_found', message: 'No conversation 01JD…', description: 'No such resource (conversation_not_found, article_not_found, …).' },
  409: { name: 'Conflict', code: 'article_exists', message: 'An article with slug "returns" exists already.', description: 'The resource is not in a state that allows this (article_exists, edit_conflict, not_failed, …).' },
  413: { name: 'PayloadTooLarge', code: 'payload_too_large', message: 'The body is larger than 65536 bytes.', description: 'The body is larger than the limit (payload_too_large), or an attached file is (attachment_too_large).' },
  415: { name: 'UnsupportedMediaType', code: 'unsupported_attachment_type', message: 'setup.exe is application/x-msdownload; attach image/png, …', description: 'An attached file of a type that is not accepted.' },
  422: { name: 'Unprocessable', code: 'attachment_type_not_carried', message: 'notes.txt is text/plain, which MMS cannot carry; it takes image/jpeg, image/png, image/gif, application/pdf.', description: "The request is well formed but cannot be carried out here: files the conversation's channel cannot carry (attachment_type_not_carried, attachments_too_large_for_channel, attachments_unsupported)." },
  429: { name: 'TooManyRequests', code: 'rate_limited', message: 'Too many requests; try again in 6 s.', description: 'Rate limited (rate_limited, too_many_streams, too_many_attempts); the Retry-After header says when to try again.' },
} as const;
export type ErrorStatus = keyof typeof ERRORS;

/** References to the shared error responses for these statuses. */
export function errors(...statuses: ErrorStatus[]): Responses {
  return Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERRORS[status].name}` }]));
}

/** A staff API token as a bearer token, the console's session cookie, or `?token=` for EventSource. */
export const STAFF_AUTH: Security = [{ staffToken: [] }, { staffSession: [] }, { tokenQuery: [] }];
/** The visitor token of one web conversation (bearer or `?token=`), or any staff credential. */
export const VISITOR_AUTH: Security = [{ visitorToken: [] }, { tokenQuery: [] }, ...STAFF_AUTH];
/** Tags that group the operations in the reference page. */
export const TAGS = { visitor: 'Web visitor', staff: 'Staff', kb: 'Knowledge base', console: 'Console session', webhooks: 'Webhooks', outgoing: 'Outgoing webhooks', ops: 'Operations' } as const;

/**
 * A describer for a family of routes: each description gets the family's tag, credentials and
 * common error answers (the route adds its own).
 */
export function routeFamily(tag: string, security: Security | undefined, ...statuses: ErrorStatus[]) {
  return (summary: string, spec: Omit<DescribeRouteOptions, 'summary'> = {}) =>
    describeRoute({ tags: [tag], ...(security ? { security } : {}), summary, ...spec, responses: { ...errors(...statuses), ...spec.responses } });
}
/** A staff API route: any staff credential; 400 for bad input, 401 without valid credentials. */
export const staffRoute = routeFamily(TAGS.staff, STAFF_AUTH, 400, 401);

/** The parts of the document no route carries: info, tags, auth schemes, the shared error responses. */
export function apiDocumentation(version: string): GenerateSpecOptions['documentation'] {
  return {
    info: {
      title: 'Frontdesk API',
      version,
      description:
        'The web visitor API the chat widget uses, the staff API, the knowledge base, provider webhooks and operations endpoints. ' +
        'Timestamps are epoch milliseconds (UTC). Every error is `{"error":{"code","message"}}` with a 4xx or 5xx status.',
    },
    tags: [
      { name: TAGS.visitor, description: 'Called by the chat widget from the host site (CORS with WIDGET_ALLOWED_ORIGINS).' },
      { name: TAGS.staff, description: 'Conversations, contacts, tickets, deliveries and analytics; any staff role.' },
      { name: TAGS.kb, description: 'Knowledge-base articles; changes need the admin role.' },
      { name: TAGS.console, description: 'Password sign-in to a session cookie for the staff console.' },
      { name: TAGS.webhooks, description: 'Inbound provider webhooks, each checked against its signature.' },
      { name: TAGS.outgoing, description: 'Subscriptions to signed event POSTs (conversations, messages, tickets, ratings); admins only.' },
      { name: TAGS.ops, description: 'Health, readiness and metrics.' },
    ],
    components: {
      securitySchemes: {
        staffToken: { type: 'http', scheme: 'bearer', description: 'A staff API token (`frontdesk token create`) or a console session token: `Authorization: Bearer fd_…`.' },
        staffSession: { type: 'apiKey', in: 'cookie', name: 'fd_session', description: 'The console session cookie (`__Host-fd_session` over https); changes also need `X-Frontdesk-Csrf: 1`.' },
        tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'A visitor or staff token in the query string, for EventSource, which cannot send headers.' },
        visitorToken: { type: 'http', scheme: 'bearer', description: 'The visitor token returned when the conversation started; opens that conversation only.' },
        twilioSignature: { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: 'HMAC-SHA1 of the URL and form parameters with TWILIO_AUTH_TOKEN.' },
        slackSignature: { type: 'apiKey', in: 'header', name: 'X-Slack-Signature', description: 'v0 HMAC-SHA256 of the timestamp and body with SLACK_SIGNING_SECRET (with X-Slack-Request-Timestamp).' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN.' },
      },
      responses: Object.fromEntries(
        Object.values(ERRORS).map(({ name, description, code, message }) => [name, { description, content: json(ErrorBody, { error: { code, message } }) }]),
      ),
    },
  };
}
