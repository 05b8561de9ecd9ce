import { Hono } from 'hono';
import { errors, routeFamily, TAGS } from './api-doc.ts';
import type { AdapterContext, ChannelAdapter, WebhookRequest } from '../core/ports.ts';

/**
 * The generic inbound webhook: verify the provider's signature on the raw body, parse into
 * messages, ingest each (idempotent), acknowledge. Agents answer after the acknowledgement.
 */
const webhookRoute = routeFamily(TAGS.webhooks, undefined, 400);

export function createWebhookRoute(adapter: ChannelAdapter, context: AdapterContext) {
  const app = new Hono();
  app.post('/', webhookRoute(`Inbound ${adapter.kind} webhook`, {
    description: `The provider's request, checked against its signature on the raw body; acknowledged before the agents answer.`,
    requestBody: { required: true, content: { '*/*': { schema: { description: `the ${adapter.kind} provider's payload` } } } },
    responses: { 200: { description: 'Acknowledged, in the provider\'s own format' }, 204: { description: 'Acknowledged' }, ...errors(401, 403) },
  }), async (c) => {
    const request: WebhookRequest = {
      method: c.req.method,
      url: c.req.url,
      headers: c.req.raw.headers,
      rawBody: await c.req.text(),
    };
    await adapter.verify!(request);
    const messages = await adapter.parse!(request);
    for (const message of messages) await context.pipeline.receive(message);
    const ack = adapter.acknowledge?.();
    return ack ? c.body(ack.body, ack.status as 200, { 'content-type': ack.contentType }) : c.body(null, 204);
  });
  return app;
}
