/**
 * Outgoing webhook subscriptions under /v1/webhooks (admins only, see roles.ts): list, add (the
 * answer shows the signing secret this once), show with recent deliveries, turn on or off, remove,
 * and send a test event.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../core/types.ts';
import { NewSubscription, viewOf, type DeliveryView, type SubscriptionView, type Webhooks } from '../core/webhooks.ts';
import { jsonBody, jsonResponse, routeFamily, STAFF_AUTH, TAGS } from './api-doc.ts';
import { readJson } from './body.ts';

const ActiveBody = z.strictObject({ active: z.boolean({ error: 'active must be true or false' }) });

const time = z.number().int().describe('epoch milliseconds (UTC)');
const WebhookRecord = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    active: z.boolean(),
    disabledReason: z.string().nullable().describe('why delivery stopped (the receiver answered 410), or null'),
    secretHint: z.string().describe('the first characters of the signing secret'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Webhook' }) satisfies z.ZodType<SubscriptionView>;
const DeliveryRecord = z
  .object({
    jobId: z.string(),
    eventId: z.string().describe('the Frontdesk-Event-Id the receiver saw'),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: time.nullable(),
    createdAt: time,
  })
  .meta({ id: 'WebhookDelivery' }) satisfies z.ZodType<DeliveryView>;
const TestResult = z.object({
  result: z.object({
    kind: z.enum(['delivered', 'retry', 'gone', 'failed']),
    status: z.number().int().optional().describe('the receiver’s HTTP status when delivered'),
    error: z.string().optional(),
    retryAfterMs: z.number().optional(),
  }),
});

const example: z.input<typeof WebhookRecord> = {
  id: '01JD5Q3W8F2Z7K3M9N4P6R8T0V',
  url: 'https://hooks.example.com/frontdesk',
  events: ['message.created', 'ticket.created'],
  active: true,
  disabledReason: null,
  secretHint: 'whsec_…',
  createdAt: 1795_000_000_000,
  updatedAt: 1795_000_000_000,
};

const adminRoute = routeFamily(TAGS.outgoing, STAFF_AUTH, 400, 401, 403);
const adminRouteById = routeFamily(TAGS.outgoing, STAFF_AUTH, 400, 401, 403, 404);

export function createWebhookRoutes(deps: { webhooks: Webhooks }) {
  const { webhooks } = deps;
  const app = new Hono();

  app.get('/', adminRoute('List webhook subscriptions (admin)', { responses: { 200: jsonResponse('The subscriptions, oldest first', z.object({ webhooks: z.array(WebhookRecord) })) } }), async (c) =>
    c.json({ webhooks: await webhooks.list() }),
  );

  app.post(
    '/',
    adminRoute('Subscribe a URL to events (admin)', {
      description: 'The answer holds the signing secret, shown this once. The URL must be http(s) without credentials; internal addresses are refused unless WEBHOOKS_ALLOW_PRIVATE_URLS allows them.',
      requestBody: jsonBody(NewSubscription, { url: 'https://hooks.example.com/frontdesk', events: ['message.created', 'ticket.created'] }),
      responses: { 201: jsonResponse('Subscribed', z.object({ webhook: WebhookRecord, secret: z.string() }), { webhook: example, secret: 'whsec_3q2+7w…' }) },
    }),
    async (c) => {
      const subscription = await webhooks.add(await readJson(c, NewSubscription));
      return c.json({ webhook: viewOf(subscription), secret: subscription.secret }, 201);
    },
  );

  app.get(
    '/:id',
    adminRouteById('A subscription and its latest deliveries (admin)', {
      responses: { 200: jsonResponse('The subscription and its 20 latest deliveries, newest first', z.object({ webhook: WebhookRecord, deliveries: z.array(DeliveryRecord) })) },
    }),
    async (c) => c.json(await webhooks.show(c.req.param('id'))),
  );

  app.patch(
    '/:id',
    adminRouteById('Turn a subscription on or off (admin)', {
      requestBody: jsonBody(ActiveBody, { active: true }),
      responses: { 200: jsonResponse('The subscription', z.object({ webhook: WebhookRecord })) },
    }),
    async (c) => {
      const body = await readJson(c, ActiveBody);
      return c.json({ webhook: await webhooks.setActive(c.req.param('id'), body.active) });
    },
  );

  app.delete('/:id', adminRouteById('Remove a subscription and its queued deliveries (admin)', { responses: { 204: { description: 'Removed' } } }), async (c) => {
    await webhooks.remove(c.req.param('id'));
    return c.body(null, 204);
  });

  app.post(
    '/:id/test',
    adminRouteById('Send a signed webhook.test event now (admin)', { responses: { 200: jsonResponse('What the receiver answered', TestResult) } }),
    async (c) => c.json({ result: await webhooks.test(c.req.param('id')) }),
  );

  return app;
}
