/**
 * A whole Frontdesk for tests: a fresh in-memory SQLite store (or the store you pass), the
 * default graph and trained triage, the real pipeline, outbox and HTTP app.
 */
import type { Hono } from 'hono';
import type { Deployment } from '../../config/deployment/index.ts';
import { loadConfig } from '../../config/env.ts';
import type { AgentEngine, AgentRunInput, AgentRunResult, ChannelAdapter, Clock, Logger, Store } from '../../src/core/ports.ts';
import { createFrontdesk, loadConfiguredDeployment } from '../../src/entry/node.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { MODEL_CACHE_DIR } from './paths.ts';

export interface TestFrontdeskOptions {
  env?: Record<string, string>;
  store?: Store;
  engine?: AgentEngine;
  adapters?: ChannelAdapter<Hono>[];
  clock?: Clock;
  /** Another deployment than the one the env names (default: the demo). */
  deployment?: Deployment;
  /** Where log lines go (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger;
}

export async function createTestFrontdesk(options: TestFrontdeskOptions = {}) {
  // Rate limits are off unless a test turns them on: suites start many conversations from one address.
  const config = loadConfig({ SQLITE_PATH: ':memory:', LOG_LEVEL: 'silent', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0', ...options.env });
  return createFrontdesk({
    config,
    store: options.store,
    engine: options.engine,
    adapters: options.adapters,
    clock: options.clock,
    deployment: options.deployment ?? (options.clock ? undefined : withoutClosedNotice(loadConfiguredDeployment(config))),
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    modelCacheDir: MODEL_CACHE_DIR,
  });
}

/**
 * The deployment without its closed notice: a test on the wall clock cannot know whether the team
 * is in, and the notice would come and go with the time of day. Tests of business hours set a clock.
 */
function withoutClosedNotice(deployment: Deployment): Deployment {
  const hours = deployment.settings.hours;
  if (!hours?.closedNotice) return deployment;
  return { ...deployment, settings: { ...deployment.settings, hours: { ...hours, closedNotice: undefined } } };
}

/** An engine whose replies the test scripts. */
export function scriptedEngine(reply: (input: AgentRunInput) => AgentRunResult | Promise<AgentRunResult>): AgentEngine & { calls: AgentRunInput[] } {
  const calls: AgentRunInput[] = [];
  return {
    name: 'scripted',
    calls,
    async run(input) {
      calls.push(input);
      return reply(input);
    },
  };
}

/** A settable clock. */
export function manualClock(start = Date.UTC(2026, 10, 24, 12)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms), set: (ms) => (now = ms) };
}
