/**
 * Outgoing webhook subscriptions under /v1/webhooks (admins only, see roles.ts): list, add (the
 * answer shows the signing secret this once), show with recent deliveries, turn on or off, remove,
 * and send a test event.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { viewOf, type Webhooks } from '../core/webhooks.ts';
import { readJson } from './body.ts';

const ActiveBody = z.strictObject({ active: z.boolean({ error: 'active must be true or false' }) });

export function createWebhookRoutes(deps: { webhooks: Webhooks }) {
  const { webhooks } = deps;
  const app = new Hono();

  app.get('/', async (c) => c.json({ webhooks: await webhooks.list() }));

  app.post('/', async (c) => {
    // The schema runs in webhooks.add, shared with the CLI; here only "is it JSON".
    const subscription = await webhooks.add(await readJson(c, z.unknown()));
    return c.json({ webhook: viewOf(subscription), secret: subscription.secret }, 201);
  });

  app.get('/:id', async (c) => c.json(await webhooks.show(c.req.param('id'))));

  app.patch('/:id', async (c) => {
    const body = await readJson(c, ActiveBody);
    return c.json({ webhook: await webhooks.setActive(c.req.param('id'), body.active) });
  });

  app.delete('/:id', async (c) => {
    await webhooks.remove(c.req.param('id'));
    return c.body(null, 204);
  });

  /** Sends a `webhook.test` event now and answers what the receiver said (200 whatever it said). */
  app.post('/:id/test', async (c) => c.json({ result: await webhooks.test(c.req.param('id')) }));

  return app;
}
