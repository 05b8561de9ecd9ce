/**
 * Outgoing webhook subscriptions as staff manage them (the /v1/webhooks API and `frontdesk
 * webhooks`): add, list, show with recent deliveries, turn on or off, remove, and send a test
 * event. Events themselves are recorded by src/core/webhook-events.ts and delivered by the outbox.
 */
import { z } from 'zod';
import { NotFoundError } from './errors.ts';
import { newId, newSecret } from './ids.ts';
import type { Clock, Store, WebhookAttempt, WebhookSender } from './ports.ts';
import { WEBHOOK_EVENT_TYPES, type OutboxJob, type WebhookSubscription } from './types.ts';

/** What a new subscription needs; the secret is generated when not given. The API and the CLI check their input with it. */
export const NewSubscription = z.strictObject({
  url: z.string({ error: 'url is required' }).trim().min(1, 'url is required').max(2000, 'url must be at most 2000 characters'),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), { error: 'events must be a list' })
    .min(1, 'name at least one event')
    .transform((events) => [...new Set(events)]),
  secret: z.string().min(16, 'secret must be at least 16 characters').max(200).regex(/^[\x21-\x7e]+$/, 'secret must be printable ASCII without spaces').optional(),
  active: z.boolean().optional(),
});
export type NewSubscription = z.output<typeof NewSubscription>;

/** A subscription as listed: the secret only as its first characters (it is shown in full once, at creation). */
export type SubscriptionView = Omit<WebhookSubscription, 'secret'> & { secretHint: string };
/** One delivery of an event to a subscription, as staff see it. */
export interface DeliveryView {
  jobId: string;
  eventId: string;
  status: OutboxJob['status'];
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
}

const RECENT_DELIVERIES = 20;

export const viewOf = ({ secret, ...rest }: WebhookSubscription): SubscriptionView => ({ ...rest, secretHint: `${secret.slice(0, 6)}…` });

export function createWebhooks(deps: { store: Store; sender: WebhookSender; clock: Clock }) {
  const { store, sender, clock } = deps;
  async function get(id: string) {
    const subscription = await store.repo.getWebhookSubscription(id);
    if (!subscription) throw new NotFoundError('webhook', id);
    return subscription;
  }
  return {
    async list(): Promise<SubscriptionView[]> {
      return (await store.repo.listWebhookSubscriptions()).map(viewOf);
    },
    /**
     * Stores a subscription the caller's input checked (NewSubscription) once the sender accepts
     * its URL (a deployment rule: internal addresses); the answer holds the secret (shown this once).
     */
    async add(input: NewSubscription): Promise<WebhookSubscription> {
      await sender.checkUrl(input.url);
      const now = clock.now();
      return store.repo.createWebhookSubscription({
        id: newId(),
        url: input.url,
        secret: input.secret ?? newSecret('whsec'),
        events: input.events,
        active: input.active ?? true,
        disabledReason: null,
        createdAt: now,
        updatedAt: now,
      });
    },
    /** The subscription and its most recent deliveries, newest first. */
    async show(id: string): Promise<{ webhook: SubscriptionView; deliveries: DeliveryView[] }> {
      const subscription = await get(id);
      const jobs = await store.repo.listJobs({ kind: 'webhook', subscriptionId: id, limit: RECENT_DELIVERIES });
      const deliveries = jobs.map((job) => ({
        jobId: job.id,
        eventId: job.eventId!,
        status: job.status,
        attempts: job.attempts,
        lastError: job.lastError,
        nextAttemptAt: job.status === 'pending' ? job.runAt : null,
        createdAt: job.createdAt,
      }));
      return { webhook: viewOf(subscription), deliveries };
    },
    /** Turns delivery on (clearing a 410's reason) or off. */
    async setActive(id: string, active: boolean): Promise<SubscriptionView> {
      const updated = await store.repo.updateWebhookSubscription(id, { active, disabledReason: null, now: clock.now() });
      if (!updated) throw new NotFoundError('webhook', id);
      return viewOf(updated);
    },
    async remove(id: string): Promise<void> {
      if (!(await store.repo.deleteWebhookSubscription(id))) throw new NotFoundError('webhook', id);
    },
    /** Sends a `webhook.test` event now, outside the outbox, and says what the receiver answered. */
    async test(id: string): Promise<WebhookAttempt> {
      const subscription = await get(id);
      const now = clock.now();
      return sender.send(subscription, { id: newId(), type: 'webhook.test', data: { webhookId: id }, createdAt: now });
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
