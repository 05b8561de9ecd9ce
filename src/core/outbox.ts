/**
 * Delivery through the outbox: a reply is stored together with its outbox row, then sent by
 * whichever process claims the row first. Failures are retried with exponential backoff; a
 * process that dies mid-send leaves a lease that expires, and the row is picked up again.
 */
import { DeliveryError } from './errors.ts';
import { newId } from './ids.ts';
import type { ChannelRegistry } from './channels.ts';
import type { Clock, EventBus, Logger, OutboundMessage, Repository, Store } from './ports.ts';
import type { ChannelKind, Message, OutboxJob } from './types.ts';

export interface OutboxOptions {
  maxAttempts: number;
  /** How long a claimed job stays invisible to other workers. */
  leaseMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface Outbox {
  /** The status a new outbound message on this channel is stored with. */
  initialStatus(channel: ChannelKind): Message['deliveryStatus'];
  /**
   * Adds the delivery job for a stored outbound message inside the caller's transaction; null
   * when the channel needs none (delivered on store).
   */
  enqueue(repo: Repository, message: Message, now: number): Promise<string | null>;
  /** Delivers one job now if it is due and nobody holds it. */
  deliver(jobId: string): Promise<void>;
  /** Claims and delivers due jobs (retries, and work left by crashed processes). */
  drain(limit?: number): Promise<number>;
}

const DEFAULTS: OutboxOptions = { maxAttempts: 8, leaseMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 10 * 60_000 };
/** Messages of a conversation whose provider ids thread a reply (email References). */
const THREAD_REFERENCES = 20;

export function createOutbox(deps: {
  store: Store;
  channels: ChannelRegistry;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  options?: Partial<OutboxOptions>;
}): Outbox {
  const { store, channels, bus, clock, logger } = deps;
  const options = { ...DEFAULTS, ...deps.options };

  const backoff = (attempts: number, hintMs?: number) => {
    const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempts - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    return Math.max(jittered, hintMs ?? 0);
  };

  async function buildOutbound(message: Message): Promise<OutboundMessage | string> {
    const conversation = await store.repo.getConversation(message.conversationId);
    if (!conversation) return 'conversation_missing';
    const identities = await store.repo.listIdentities(conversation.contactId);
    const identity = identities.find((i) => i.channel === conversation.channel);
    if (!identity) return 'no_address';
    const recent = await store.repo.recentMessages(conversation.id, THREAD_REFERENCES);
    const lastInbound = [...recent].reverse().find((m) => m.direction === 'inbound' && m.createdAt <= message.createdAt);
    const attachments = (await store.repo.listAttachments([message.id])).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      url: a.url ?? undefined,
    }));
    return {
      messageId: message.id,
      conversationId: conversation.id,
      channel: conversation.channel,
      to: { address: identity.address, name: identity.displayName },
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

  async function settle(job: OutboxJob, message: Message, outcome: { ok: true; status: Message['deliveryStatus']; providerMessageId?: string } | { ok: false; error: string; retryable: boolean; retryAfterMs?: number }) {
    const now = clock.now();
    const attempts = job.attempts + 1;
    let patch: Parameters<Repository['updateMessage']>[1];
    if (outcome.ok) {
      await store.repo.finishJob(job.id, { status: 'sent', attempts, lastError: null, runAt: job.runAt, now });
      patch = { deliveryStatus: outcome.status, attempts, error: null, providerMessageId: outcome.providerMessageId ?? message.providerMessageId };
    } else if (outcome.retryable && attempts < options.maxAttempts) {
      const runAt = now + backoff(attempts, outcome.retryAfterMs);
      await store.repo.finishJob(job.id, { status: 'pending', attempts, lastError: outcome.error, runAt, now });
      patch = { deliveryStatus: 'pending', attempts, error: outcome.error };
    } else {
      await store.repo.finishJob(job.id, { status: 'failed', attempts, lastError: outcome.error, runAt: job.runAt, now });
      patch = { deliveryStatus: outcome.error.startsWith('refused:') ? 'refused' : 'failed', attempts, error: outcome.error };
    }
    await store.repo.updateMessage(message.id, patch);
    bus.publish({ type: 'message', conversationId: message.conversationId, message: { ...message, ...patch } as Message });
  }

  async function run(job: OutboxJob): Promise<void> {
    const message = await store.repo.getMessage(job.messageId);
    if (!message) {
      await store.repo.finishJob(job.id, { status: 'failed', attempts: job.attempts, lastError: 'message_missing', runAt: job.runAt, now: clock.now() });
      return;
    }
    const adapter = channels.get(job.channel);
    if (!adapter) {
      await settle(job, message, { ok: false, retryable: false, error: `channel_off: the ${job.channel} channel is not configured` });
      return;
    }
    const outbound = await buildOutbound(message);
    if (typeof outbound === 'string') {
      await settle(job, message, { ok: false, retryable: false, error: outbound });
      return;
    }
    if (await store.repo.isOptedOut(job.channel, outbound.to.address)) {
      await settle(job, message, { ok: false, retryable: false, error: 'refused: the recipient opted out of this channel' });
      return;
    }
    try {
      const result = await adapter.send(outbound);
      await settle(job, message, { ok: true, status: result.status, providerMessageId: result.providerMessageId });
    } catch (error) {
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const text = error instanceof Error ? `${(error as { code?: string }).code ?? 'error'}: ${error.message}` : String(error);
      logger.warn({ channel: job.channel, messageId: message.id, attempt: job.attempts + 1, retryable, error: text }, 'delivery failed');
      await settle(job, message, {
        ok: false,
        retryable,
        error: text.slice(0, 1000),
        retryAfterMs: error instanceof DeliveryError ? error.retryAfterMs : undefined,
      });
    }
  }

  const deliveredOnStore = (channel: ChannelKind) => channels.get(channel)?.deliveredOnStore === true;

  return {
    initialStatus: (channel) => (deliveredOnStore(channel) ? 'delivered' : 'pending'),
    async enqueue(repo, message, now) {
      if (deliveredOnStore(message.channel)) return null;
      const id = newId();
      await repo.enqueue({
        id,
        messageId: message.id,
        conversationId: message.conversationId,
        channel: message.channel,
        status: 'pending',
        attempts: 0,
        runAt: now,
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
      return id;
    },
    async deliver(jobId) {
      const job = await store.repo.claimJob(jobId, clock.now(), options.leaseMs);
      if (job) await run(job);
    },
    async drain(limit = 50) {
      const jobs = await store.repo.claimDueJobs(clock.now(), options.leaseMs, limit);
      await Promise.all(jobs.map((job) => run(job)));
      return jobs.length;
    },
  };
}
