import { describe, expect, it } from 'vitest';
import { createServiceLevels, type SlaClock } from './service-levels.ts';
import type { Ticket } from './types.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

// Berlin office hours, weekdays 09:00-17:00; high priority: first reply in 1 h, resolution in 8 h.
const levels = createServiceLevels({
  hours: { timeZone: 'Europe/Berlin', weekly: { mon: '09:00-17:00', tue: '09:00-17:00', wed: '09:00-17:00', thu: '09:00-17:00', fri: '09:00-17:00' } },
  sla: { firstResponse: { high: HOUR }, resolution: { high: 8 * HOUR }, dueSoon: HOUR },
});

/** A high-priority ticket opened Thursday 3 December 2026, 09:00 Berlin: resolution due Thursday 17:00. */
function ticket(over: Partial<Ticket> = {}) {
  return {
    status: 'open' as const,
    firstResponseDueAt: at('2026-12-03T09:00:00Z'),
    resolutionDueAt: at('2026-12-03T16:00:00Z'),
    firstResponseAt: at('2026-12-03T08:30:00Z'),
    resolvedAt: null,
    pausedAt: null,
    pausedMs: 0,
    ...over,
  };
}

/** Pauses at `from`, resumes at `to`: the clock fields after both moves. */
function waitBetween(start: SlaClock, from: string, to: string): SlaClock {
  const paused = { ...start, ...levels.clockOnStatus(start, 'waiting', at(from)) };
  const { pausedAt, pausedMs, resolutionDueAt } = { ...paused, ...levels.clockOnStatus(paused, 'open', at(to)) };
  return { pausedAt, pausedMs, resolutionDueAt };
}

describe('the resolution clock while a ticket waits on the customer', () => {
  it('stops on waiting and moves the due time on by the business time waited', () => {
    const start = ticket();
    expect(levels.clockOnStatus(start, 'waiting', at('2026-12-03T10:00:00Z'))).toEqual({ pausedAt: at('2026-12-03T10:00:00Z') });
    // Waited Thursday 11:00 → 14:00 Berlin: three business hours; due 17:00 + 3 h is Friday 12:00.
    expect(waitBetween(start, '2026-12-03T10:00:00Z', '2026-12-03T13:00:00Z')).toEqual({
      pausedAt: null,
      pausedMs: 3 * HOUR,
      resolutionDueAt: at('2026-12-04T11:00:00Z'),
    });
  });

  it('counts no business time for a pause over the weekend or out of hours', () => {
    // Friday 17:30 to Monday 08:00 Berlin: nothing waited, the due time stays put.
    const overWeekend = waitBetween(ticket(), '2026-12-04T16:30:00Z', '2026-12-07T07:00:00Z');
    expect(overWeekend).toEqual({ pausedAt: null, pausedMs: 0, resolutionDueAt: at('2026-12-03T16:00:00Z') });
    // Friday 16:00 to Monday 10:00: one hour each side of the weekend.
    const acrossWeekend = waitBetween(ticket({ resolutionDueAt: at('2026-12-04T15:30:00Z') }), '2026-12-04T15:00:00Z', '2026-12-07T09:00:00Z');
    // Due Friday 16:30 + 2 h of business time: Monday 10:30.
    expect(acrossWeekend).toEqual({ pausedAt: null, pausedMs: 2 * HOUR, resolutionDueAt: at('2026-12-07T09:30:00Z') });
  });

  it('adds up pauses, and a new priority keeps the credit', () => {
    const first = waitBetween(ticket(), '2026-12-03T10:00:00Z', '2026-12-03T11:00:00Z');
    const second = waitBetween({ ...ticket(), ...first }, '2026-12-03T12:00:00Z', '2026-12-03T14:00:00Z');
    expect(second.pausedMs).toBe(3 * HOUR);
    expect(levels.dueTimes('high', at('2026-12-03T08:00:00Z'), second.pausedMs).resolutionDueAt).toBe(second.resolutionDueAt);
  });

  it('changes nothing on moves that neither start nor end a wait', () => {
    expect(levels.clockOnStatus(ticket(), 'in_progress', at('2026-12-03T10:00:00Z'))).toEqual({});
    const waiting = ticket({ status: 'waiting', pausedAt: at('2026-12-03T10:00:00Z') });
    expect(levels.clockOnStatus(waiting, 'waiting', at('2026-12-03T12:00:00Z'))).toEqual({});
  });

  it('shows the resolution target as paused while waiting, unless it was already late', () => {
    const waiting = ticket({ status: 'waiting', pausedAt: at('2026-12-03T10:00:00Z') });
    // Days after the due time: still paused, the clock stood at 11:00 with six hours left.
    expect(levels.stateOf(waiting, at('2026-12-10T10:00:00Z'))).toEqual({ target: 'resolution', state: 'paused', dueAt: at('2026-12-03T16:00:00Z') });
    const lateBeforeWaiting = ticket({ status: 'waiting', pausedAt: at('2026-12-03T17:00:00Z') });
    expect(levels.stateOf(lateBeforeWaiting, at('2026-12-04T10:00:00Z'))?.state).toBe('breached');
  });

  it('keeps the first-response clock running while waiting', () => {
    const unanswered = ticket({ status: 'waiting', firstResponseAt: null, pausedAt: at('2026-12-03T08:10:00Z') });
    expect(levels.stateOf(unanswered, at('2026-12-03T09:30:00Z'))).toEqual({ target: 'first_response', state: 'breached', dueAt: at('2026-12-03T09:00:00Z') });
  });
});
