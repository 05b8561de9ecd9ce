/**
 * Delivery through the outbox: a reply is stored together with its outbox row, then sent by
 * whichever process claims the row first. An attempt's outcome and the message's delivery status
 * are written in one transaction. Failures are retried by time: capped exponential backoff (or
 * the provider's Retry-After) until the reply is `maxAgeMs` old, then it is marked failed and
 * staff can resend it. Permanent refusals (an invalid number) fail at once. A process that dies
 * mid-send leaves a lease that expires; before that reply is sent again, the channel is asked
 * whether the cut-off attempt reached the provider (see ChannelAdapter.findSent).
 *
 * The same queue delivers outgoing webhooks (jobs of kind `webhook`, one per event and
 * subscription, written with the change that caused the event): same claims, leases, backoff and
 * delivery window; a 410 from the receiver disables its subscription in the settling transaction.
 */
import { ConflictError, DeliveryError, NotFoundError } from './errors.ts';
import { newId } from './ids.ts';
import type { ChannelRegistry } from './channels.ts';
import type { ChannelAdapter, Clock, DeliveryResult, EventBus, Logger, OutboundMessage, ReplyAttachmentSupport, Repository, Store, WebhookSender } from './ports.ts';
import type { ChannelKind, Message, OutboxJob, WebhookEvent } from './types.ts';

export interface OutboxOptions {
  /** How long after it was queued (or resent) a reply is retried before it is marked failed. */
  maxAgeMs: number;
  /** How long a claimed job stays invisible to other workers. */
  leaseMs: number;
  baseDelayMs: number;
  /** The longest backoff between attempts; a provider's Retry-After may ask for longer. */
  maxDelayMs: number;
}

export interface Outbox {
  /** The status a new outbound message on this channel is stored with. */
  initialStatus(channel: ChannelKind): Message['deliveryStatus'];
  /** Whether a reply on this channel gets a delivery job (else it is delivered on store and enqueue writes nothing). */
  queuesDelivery(channel: ChannelKind): boolean;
  /** The staff files a reply on this channel can carry, or null when it takes none (or is off). */
  attachmentSupport(channel: ChannelKind): ReplyAttachmentSupport | null;
  /**
   * Adds the delivery job for a stored outbound message inside the caller's transaction; null
   * when the channel needs none (delivered on store).
   */
  enqueue(repo: Repository, message: Message, now: number): Promise<string | null>;
  /** Delivers one job now if it is due and nobody holds it. */
  deliver(jobId: string): Promise<void>;
  /** Claims and delivers due jobs (retries, and work left by crashed processes). */
  drain(limit?: number): Promise<number>;
  /**
   * Sends a failed reply again (staff): its job is queued with a new delivery window and tried at
   * once. 404 for an unknown message, 409 when the message has no failed delivery.
   */
  resend(messageId: string): Promise<Message>;
}

const DEFAULTS: OutboxOptions = { maxAgeMs: 24 * 3_600_000, leaseMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 10 * 60_000 };
/** Messages of a conversation whose provider ids thread a reply (email References). */
const THREAD_REFERENCES = 20;

/** What one attempt came to. */
type Outcome =
  | { kind: 'sent'; result: DeliveryResult }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'failed'; error: string };

/** The row patches an outcome turns into. */
interface Settlement {
  job: Parameters<Repository['finishJob']>[1];
  message: Parameters<Repository['updateMessage']>[1];
}

/**
 * Puts a failed reply back in the queue and its message back to pending, in one transaction;
 * null when the message has no failed job. The API resends through the outbox; the CLI calls this
 * and leaves the sending to the running server's sweep.
 */
export async function requeueFailed(store: Store, messageId: string, now: number): Promise<OutboxJob | null> {
  return store.transaction(async (repo) => {
    const job = await repo.requeueFailedJob(messageId, now);
    if (job) await repo.updateMessage(messageId, { deliveryStatus: 'pending', error: null });
    return job;
  });
}

/** A reply the outbox gave up on, as staff see it (API, CLI). */
export interface FailedDelivery {
  messageId: string;
  conversationId: string;
  channel: ChannelKind;
  attempts: number;
  error: string | null;
  failedAt: number;
  /** The reply's text, for recognising it. */
  text: string;
}

/** Failed replies, newest first; `before` is a job id to continue after. */
export async function failedDeliveries(repo: Repository, filter: { before?: string; limit?: number } = {}): Promise<(FailedDelivery & { jobId: string })[]> {
  const jobs = await repo.listJobs({ status: 'failed', kind: 'reply', ...filter });
  return Promise.all(
    jobs.map(async (job) => ({
      jobId: job.id,
      messageId: job.messageId!,
      conversationId: job.conversationId,
      channel: job.channel,
      attempts: job.attempts,
      error: job.lastError,
      failedAt: job.updatedAt,
      text: (await repo.getMessage(job.messageId!))?.text ?? '',
    })),
  );
}

/** A job waiting for its first attempt; `what` says what it delivers and where. */
function pendingJob(what: Pick<OutboxJob, 'kind' | 'messageId' | 'eventId' | 'subscriptionId' | 'conversationId' | 'channel'>, now: number): OutboxJob {
  return { id: newId(), ...what, status: 'pending', attempts: 0, runAt: now, lockedUntil: null, sendingSince: null, lastError: null, createdAt: now, updatedAt: now };
}

/** The outbox job that takes an event to one subscriber, written in the transaction that records the event. */
export function webhookJob(event: WebhookEvent, subscriptionId: string, channel: ChannelKind, now: number): OutboxJob {
  return pendingJob({ kind: 'webhook', messageId: null, eventId: event.id, subscriptionId, conversationId: event.conversationId, channel }, now);
}

export function createOutbox(deps: {
  store: Store;
  channels: ChannelRegistry;
  /** Sends outgoing webhooks; without it webhook jobs fail with `webhooks_off`. */
  webhooks?: WebhookSender;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  options?: Partial<OutboxOptions>;
}): Outbox {
  const { store, channels, bus, clock, logger } = deps;
  const options = { ...DEFAULTS, ...deps.options };

  /** Capped exponential backoff with jitter; a longer Retry-After wins. */
  const backoff = (attempts: number, retryAfterMs?: number) => {
    const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempts - 1));
    // Whole milliseconds: run_at is a bigint column on PostgreSQL.
    const jittered = Math.round(exponential / 2 + Math.random() * (exponential / 2));
    return Math.max(jittered, retryAfterMs ?? 0);
  };

  async function buildOutbound(message: Message): Promise<OutboundMessage | string> {
    const found = await store.repo.conversationWithCustomer(message.conversationId);
    if (!found) return 'conversation_missing';
    const { conversation, customer } = found;
    if (!customer) return 'no_address';
    const recent = await store.repo.recentMessages(conversation.id, THREAD_REFERENCES);
    const lastInbound = [...recent].reverse().find((m) => m.direction === 'inbound' && m.createdAt <= message.createdAt);
    // With their ids and bytes: every attempt sends the same files (email as MIME parts, MMS by signed link, Slack as uploads).
    const attachments = await Promise.all(
      (await store.repo.listAttachments([message.id])).map(async (a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        url: a.url ?? undefined,
        data: ((await store.repo.getAttachmentData(a.id))?.data as Uint8Array<ArrayBuffer> | null) ?? undefined,
      })),
    );
    return {
      messageId: message.id,
      conversationId: conversation.id,
      channel: conversation.channel,
      to: { address: customer.address, name: customer.displayName },
      text: message.text,
      html: message.html,
      subject: message.subject ?? conversation.subject,
      thread: {
        key: conversation.threadKey,
        references: recent.filter((m) => m.id !== message.id && m.providerMessageId).map((m) => m.providerMessageId!),
        lastInbound: lastInbound ? { text: lastInbound.text, createdAt: lastInbound.createdAt, meta: lastInbound.meta } : null,
      },
      attachments,
      authorKind: message.authorKind,
      agentName: message.agentName,
    };
  }

  /** The job's patch for an outcome of any kind: sent, due again later (inside the delivery window), or failed. */
  function jobSettlement(job: OutboxJob, outcome: Outcome | { kind: 'sent' }, now: number): Settlement['job'] {
    const attempts = job.attempts + 1;
    if (outcome.kind === 'sent') return { status: 'sent', attempts, lastError: null, runAt: job.runAt, now };
    const deadline = job.createdAt + options.maxAgeMs;
    if (outcome.kind === 'retry' && now < deadline) {
      const runAt = Math.min(now + backoff(attempts, outcome.retryAfterMs), deadline);
      return { status: 'pending', attempts, lastError: outcome.error, runAt, now };
    }
    const error = outcome.kind === 'retry' ? `gave up after ${attempts} attempts: ${outcome.error}`.slice(0, 1000) : outcome.error;
    return { status: 'failed', attempts, lastError: error, runAt: job.runAt, now };
  }

  /** The patches for a reply's outcome: the job's, and the message's delivery status beside it. */
  function settlementOf(job: OutboxJob, message: Message, outcome: Outcome, now: number): Settlement {
    const settled = jobSettlement(job, outcome, now);
    const { attempts, lastError: error } = settled;
    if (outcome.kind === 'sent') {
      const providerMessageId = outcome.result.providerMessageId ?? message.providerMessageId;
      return { job: settled, message: { deliveryStatus: outcome.result.status, attempts, error: null, providerMessageId } };
    }
    if (settled.status === 'pending') return { job: settled, message: { deliveryStatus: 'pending', attempts, error } };
    return { job: settled, message: { deliveryStatus: error!.startsWith('refused:') ? 'refused' : 'failed', attempts, error } };
  }

  /** Writes the job and the message together: a crash never leaves one settled and the other pending. */
  async function settle(job: OutboxJob, message: Message, outcome: Outcome) {
    const settlement = settlementOf(job, message, outcome, clock.now());
    await store.transaction(async (repo) => {
      await repo.finishJob(job.id, settlement.job);
      await repo.updateMessage(message.id, settlement.message);
    });
    bus.publish({ type: 'message', conversationId: message.conversationId, message: { ...message, ...settlement.message } as Message });
  }

  /** An adapter's error as an outcome: retryable ones are tried again, the rest fail now. */
  function outcomeOfError(job: OutboxJob, message: Message, error: unknown): Outcome {
    const retryable = error instanceof DeliveryError ? error.retryable : true;
    const code = (error instanceof Error && (error as { code?: string }).code) || 'error';
    const text = (error instanceof Error ? `${code}: ${error.message}` : String(error)).slice(0, 1000);
    // A provider's answer by its code only: providers name the recipient in their messages ("Invalid
    // 'To' Phone Number: +1…", "550 <maria@…>: no such user"); the whole text stays on the message
    // for staff. Anything else is a fault of ours, logged with its stack (query values redacted).
    const detail = error instanceof DeliveryError ? {} : { err: error };
    logger.warn({ channel: job.channel, messageId: message.id, attempt: job.attempts + 1, retryable, error: code, ...detail }, 'delivery failed');
    if (!retryable) return { kind: 'failed', error: text };
    return { kind: 'retry', error: text, retryAfterMs: error instanceof DeliveryError ? error.retryAfterMs : undefined };
  }

  /**
   * When an earlier attempt was claimed and never settled (its process died, or stalled past its
   * lease), the provider may have the reply already: the first provider record of it that no
   * other message claims (a stalled attempt may have recorded it on this message meanwhile).
   */
  async function sentByCutOffAttempt(job: OutboxJob, claimedAt: number, adapter: ChannelAdapter<unknown>, outbound: OutboundMessage): Promise<DeliveryResult | null> {
    if (job.sendingSince === null || job.sendingSince >= claimedAt || !adapter.findSent) return null;
    for (const candidate of await adapter.findSent(outbound, job.sendingSince)) {
      const id = candidate.providerMessageId;
      const owner = id ? await store.repo.findMessageByProviderId(job.channel, id) : null;
      if (id && (!owner || owner.id === job.messageId)) return candidate;
    }
    return null;
  }

  /**
   * Sends unless the provider already has it; every failure becomes an outcome. Null when the
   * lease ran out before the send began (a stalled process): another worker may hold the job now,
   * so this one sends nothing and leaves the row to it.
   */
  async function attempt(job: OutboxJob, claimedAt: number, message: Message, adapter: ChannelAdapter<unknown>, outbound: OutboundMessage): Promise<Outcome | null> {
    try {
      const found = await sentByCutOffAttempt(job, claimedAt, adapter, outbound);
      if (found) {
        logger.info({ channel: job.channel, messageId: message.id }, 'a cut-off attempt had reached the provider; recorded instead of sending again');
        return { kind: 'sent', result: found };
      }
      if (job.lockedUntil !== null && clock.now() >= job.lockedUntil) {
        logger.warn({ channel: job.channel, messageId: message.id }, 'delivery lease ran out before sending; left to the next claim');
        return null;
      }
      return { kind: 'sent', result: await adapter.send(outbound) };
    } catch (error) {
      return outcomeOfError(job, message, error);
    }
  }

  /** Why this reply cannot be sent at all (a permanent failure), or what to send. */
  async function prepare(job: OutboxJob, message: Message): Promise<{ adapter: ChannelAdapter<unknown>; outbound: OutboundMessage } | Outcome> {
    const adapter = channels.get(job.channel);
    if (!adapter) return { kind: 'failed', error: `channel_off: the ${job.channel} channel is not configured` };
    const outbound = await buildOutbound(message);
    if (typeof outbound === 'string') return { kind: 'failed', error: outbound };
    if (await store.repo.isOptedOut(job.channel, outbound.to.address)) {
      return { kind: 'failed', error: 'refused: the recipient opted out of this channel' };
    }
    return { adapter, outbound };
  }

  /**
   * One webhook attempt. The receiver dedupes by event id, so a cut-off attempt is simply sent
   * again (at least once). 410 Gone disables the subscription in the settling transaction.
   */
  async function runWebhook(job: OutboxJob): Promise<void> {
    const [event, subscription] = await Promise.all([store.repo.getWebhookEvent(job.eventId!), store.repo.getWebhookSubscription(job.subscriptionId!)]);
    let outcome: Outcome | { kind: 'sent' };
    let gone = false;
    if (!event || !subscription) outcome = { kind: 'failed', error: 'event_missing' };
    else if (!subscription.active) outcome = { kind: 'failed', error: 'subscription_disabled: the subscription was turned off before delivery' };
    else if (!deps.webhooks) outcome = { kind: 'failed', error: 'webhooks_off: this process cannot send webhooks' };
    else if (job.lockedUntil !== null && clock.now() >= job.lockedUntil) {
      logger.warn({ jobId: job.id }, 'webhook lease ran out before sending; left to the next claim');
      return;
    } else {
      const result = await deps.webhooks.send(subscription, event);
      gone = result.kind === 'gone';
      outcome = result.kind === 'delivered' ? { kind: 'sent' } : result.kind === 'gone' ? { kind: 'failed', error: result.error } : result;
      if (result.kind !== 'delivered') {
        // Only the code: the receiver's answer text is kept on the job for staff, not logged.
        logger.warn({ subscriptionId: subscription.id, eventId: event.id, attempt: job.attempts + 1, error: result.error.split(':')[0] }, 'webhook delivery failed');
      }
    }
    const now = clock.now();
    const settled = jobSettlement(job, outcome, now);
    await store.transaction(async (repo) => {
      await repo.finishJob(job.id, settled);
      if (gone) await repo.updateWebhookSubscription(job.subscriptionId!, { active: false, disabledReason: settled.lastError, now });
    });
  }

  async function run(job: OutboxJob, claimedAt: number): Promise<void> {
    if (job.kind === 'webhook') return runWebhook(job);
    const message = await store.repo.getMessage(job.messageId!);
    if (!message) {
      await store.repo.finishJob(job.id, { status: 'failed', attempts: job.attempts, lastError: 'message_missing', runAt: job.runAt, now: clock.now() });
      return;
    }
    const prepared = await prepare(job, message);
    const outcome = 'kind' in prepared ? prepared : await attempt(job, claimedAt, message, prepared.adapter, prepared.outbound);
    if (outcome) await settle(job, message, outcome);
  }

  const deliveredOnStore = (channel: ChannelKind) => channels.get(channel)?.deliveredOnStore === true;

  async function deliver(jobId: string) {
    const now = clock.now();
    const job = await store.repo.claimJob(jobId, now, options.leaseMs);
    if (job) await run(job, now);
  }

  return {
    initialStatus: (channel) => (deliveredOnStore(channel) ? 'delivered' : 'pending'),
    queuesDelivery: (channel) => !deliveredOnStore(channel),
    attachmentSupport: (channel) => channels.get(channel)?.replyAttachments ?? null,
    async enqueue(repo, message, now) {
      if (deliveredOnStore(message.channel)) return null;
      const job = pendingJob({ kind: 'reply', messageId: message.id, eventId: null, subscriptionId: null, conversationId: message.conversationId, channel: message.channel }, now);
      await repo.enqueue(job);
      return job.id;
    },
    deliver,
    async drain(limit = 50) {
      const now = clock.now();
      const jobs = await store.repo.claimDueJobs(now, options.leaseMs, limit);
      await Promise.all(jobs.map((job) => run(job, now)));
      return jobs.length;
    },
    async resend(messageId) {
      const message = await store.repo.getMessage(messageId);
      if (!message) throw new NotFoundError('message', messageId);
      const job = await requeueFailed(store, messageId, clock.now());
      if (!job) throw new ConflictError('not_failed', `Message ${messageId} has no failed delivery to resend (its status is ${message.deliveryStatus}).`);
      bus.publish({ type: 'message', conversationId: message.conversationId, message: { ...message, deliveryStatus: 'pending', error: null } });
      await deliver(job.id);
      return (await store.repo.getMessage(messageId))!;
    },
  };
}
