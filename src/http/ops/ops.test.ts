import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createLogger } from '../../entry/logger.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createMetricsRegistry } from './metrics.ts';
import { createConcurrencyCap, createTokenBuckets } from './rate-limit.ts';
import { loggablePath } from './request-log.ts';

function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('metrics registry', () => {
  it('renders counters, cumulative histogram buckets and gauges in Prometheus text format', async () => {
    const registry = createMetricsRegistry();
    const requests = registry.counter('x_requests_total', 'Requests.', ['route', 'status']);
    requests.inc({ route: '/a', status: '2xx' });
    requests.inc({ route: '/a', status: '2xx' });
    requests.inc({ route: 'say "hi"\n', status: '4xx' });
    const duration = registry.histogram('x_seconds', 'Duration.', [0.1, 1], ['route']);
    duration.observe({ route: '/a' }, 0.05);
    duration.observe({ route: '/a' }, 0.5);
    duration.observe({ route: '/a' }, 5);
    registry.gauge('x_pending', 'Pending.', async () => 7);
    const text = await registry.render();
    expect(text).toContain('# TYPE x_requests_total counter');
    expect(text).toContain('x_requests_total{route="/a",status="2xx"} 2');
    expect(text).toContain('x_requests_total{route="say \\"hi\\"\\n",status="4xx"} 1');
    expect(text).toContain('x_seconds_bucket{le="0.1",route="/a"} 1');
    expect(text).toContain('x_seconds_bucket{le="1",route="/a"} 2');
    expect(text).toContain('x_seconds_bucket{le="+Inf",route="/a"} 3');
    expect(text).toContain('x_seconds_count{route="/a"} 3');
    expect(text).toContain('x_seconds_sum{route="/a"} 5.55');
    expect(text).toContain('# TYPE x_pending gauge\nx_pending 7');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('token buckets', () => {
  it('allows a burst, refuses with the wait until the next token, and refills over time', () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ burst: 3, perMinute: 6 }, clock);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([null, null, null]);
    expect(buckets.take('a')).toEqual({ retryAfterSeconds: 10 });
    expect(buckets.take('b')).toBeNull(); // another address has its own budget
    clock.advance(10_000);
    expect(buckets.take('a')).toBeNull();
    expect(buckets.take('a')).not.toBeNull();
  });

  it('keeps at most maxKeys addresses, forgetting refilled and then the least recent ones', () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ burst: 1, perMinute: 60 }, clock, 100);
    for (let i = 0; i < 1_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
    expect(buckets.size()).toBeLessThanOrEqual(100);
    clock.advance(1_000); // every bucket is full again
    buckets.take('fresh');
    expect(buckets.size()).toBeLessThanOrEqual(100);
  });
});

describe('concurrency cap', () => {
  it('refuses past the cap and frees a slot once, however often release is called', () => {
    const cap = createConcurrencyCap(2);
    const first = cap.open('c')!;
    cap.open('c');
    expect(cap.open('c')).toBeNull();
    first();
    first();
    expect(cap.count('c')).toBe(1);
    expect(cap.open('c')).not.toBeNull();
    expect(cap.open('c')).toBeNull();
  });
});

describe('login throttle', () => {
  it('delays (address, email) after a few failures, doubling, without refusing the same email elsewhere', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle(clock, { freePerAccount: 3, freePerAddress: 100, baseDelayMs: 1_000, maxDelayMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('1.1.1.1', 'sam@x')).toBeNull();
      throttle.failed('1.1.1.1', 'sam@x');
    }
    expect(throttle.check('1.1.1.1', 'sam@x')).toEqual({ retryAfterSeconds: 1 });
    expect(throttle.check('2.2.2.2', 'sam@x')).toBeNull(); // the real user elsewhere is not locked out
    clock.advance(1_000);
    expect(throttle.check('1.1.1.1', 'sam@x')).toBeNull();
    throttle.failed('1.1.1.1', 'sam@x');
    expect(throttle.check('1.1.1.1', 'sam@x')).toEqual({ retryAfterSeconds: 2 });
    for (let i = 0; i < 20; i++) throttle.failed('1.1.1.1', 'sam@x');
    expect(throttle.check('1.1.1.1', 'sam@x')).toEqual({ retryAfterSeconds: 60 }); // capped
    throttle.succeeded('1.1.1.1', 'sam@x');
    expect(throttle.check('1.1.1.1', 'sam@x')).toBeNull();
  });

  it('slows one address guessing across many emails', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle(clock, { freePerAccount: 3, freePerAddress: 10, baseDelayMs: 1_000, maxDelayMs: 60_000 });
    for (let i = 0; i < 10; i++) {
      expect(throttle.check('6.6.6.6', `user${i}@x`)).toBeNull();
      throttle.failed('6.6.6.6', `user${i}@x`);
    }
    expect(throttle.check('6.6.6.6', 'someone-new@x')).toEqual({ retryAfterSeconds: 1 });
    expect(throttle.check('7.7.7.7', 'someone-new@x')).toBeNull();
  });

  it('forgets old failures and stays bounded', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle(clock, { freePerAccount: 1, freePerAddress: 1, baseDelayMs: 1_000, maxDelayMs: 10_000 }, 50);
    for (let i = 0; i < 500; i++) throttle.failed(`10.0.0.${i}`, `u${i}@x`);
    expect(throttle.size()).toBeLessThanOrEqual(50);
    clock.advance(20_000);
    throttle.failed('9.9.9.9', 'a@x');
    expect(throttle.size()).toBeLessThanOrEqual(50);
    expect(throttle.check('10.0.0.499', 'u499@x')).toBeNull();
  });
});

describe('log safety', () => {
  it('redacts credentials in logged query strings', () => {
    expect(loggablePath('http://x/v1/conversations/c1/events?token=vis_secret&after=5')).toBe('/v1/conversations/c1/events?token=[redacted]&after=5');
    expect(loggablePath('http://x/healthz')).toBe('/healthz');
  });

  it('never logs the values of a failed query (phone numbers), from the error, its message or its cause', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "identities_address"'), {
      detail: 'Key (address)=(+15551234567) already exists.',
      parameters: ['+15551234567'],
    });
    const error = new DrizzleQueryError('insert into identities (address) values ($1)', ['+15551234567'], cause);
    createLogger('info', sink).error({ err: error }, 'insert failed');
    expect(lines.join('')).not.toContain('5551234567');
    const logged = JSON.parse(lines[0]!) as { err: { message: string; type: string } };
    expect(logged.err.type).toBe('DrizzleQueryError');
    expect(logged.err.message).toContain('insert into identities');
  });
});

describe('delivery, engine and handoff series', () => {
  it('counts what a provider accepted or refused per channel and code, engine runs by route, stage times, each escalation, and the outbox and pool gauges', async () => {
    const { countDeliveries, countHandoffs, createFrontdeskMetrics, timeEngine } = await import('./frontdesk-metrics.ts');
    const { createChannelRegistry } = await import('../../core/channels.ts');
    const { createEscalations } = await import('../../core/escalations.ts');
    const metrics = createFrontdeskMetrics({
      outboxPending: async () => 4,
      outboxOldestPendingAt: async () => 1_000,
      databasePool: () => ({ total: 5, idle: 3, waiting: 1 }),
      now: () => 91_000,
    });
    let fail = false;
    const sms = {
      kind: 'sms' as const,
      async send() {
        if (fail) throw Object.assign(new Error('provider down'), { code: 21211 });
        return { status: 'sent' as const };
      },
    };
    const engine = timeEngine({ name: 'local', run: async () => ({ route: 'faq' }) } as never, metrics);
    await engine.run({} as never);
    const channels = countDeliveries(createChannelRegistry([sms as never]), metrics);
    const adapter = channels.get('sms')!;
    await adapter.send({} as never);
    fail = true;
    await expect(adapter.send({} as never)).rejects.toThrow('provider down');
    expect(adapter.kind).toBe('sms');
    const escalations = createEscalations(() => undefined);
    countHandoffs(escalations, metrics);
    escalations.emit({ conversation: {} as never, ticket: null, reason: 'asked_for_human' });
    const text = await metrics.registry.render();
    metrics.close();
    expect(text).toContain('frontdesk_replies_sent_total{channel="sms"} 1');
    expect(text).toContain('frontdesk_replies_failed_total{channel="sms",code="21211"} 1');
    expect(text).toContain('frontdesk_handoffs_total 1');
    expect(text).toContain('frontdesk_outbox_pending 4');
    expect(text).toContain('frontdesk_outbox_oldest_pending_seconds 90');
    expect(text).toContain('frontdesk_engine_runs_total{engine="local",route="faq"} 1');
    expect(text).toContain('frontdesk_pipeline_stage_duration_seconds_count{stage="delivery"} 2');
    expect(text).toContain('frontdesk_pipeline_stage_duration_seconds_count{stage="engine"} 1');
    expect(text).toContain('frontdesk_db_pool_connections{state="waiting"} 1');
    expect(text).toMatch(/\nfrontdesk_sse_clients 0\n/);
  });
});

describe('start-up line', () => {
  it('names the address and port actually bound, IPv6 in brackets', async () => {
    const { listeningOn } = await import('../../cli/commands/serve.ts');
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(listeningOn(server, '0.0.0.0', 3000)).toBe(`127.0.0.1:${port}`);
    await new Promise((resolve) => server.close(resolve));
    expect(listeningOn({ address: () => ({ address: '::', port: 8080 }) }, '::', 8080)).toBe('[::]:8080');
  });
});
