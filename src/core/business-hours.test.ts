import { describe, expect, it } from 'vitest';
import { createBusinessCalendar, describeOpening } from './business-hours.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const officeBerlin = createBusinessCalendar({
  timeZone: 'Europe/Berlin',
  weekly: { mon: '09:00-17:00', tue: '09:00-17:00', wed: '09:00-17:00', thu: '09:00-17:00', fri: '09:00-17:00' },
  holidays: ['2026-12-25'],
});

describe('business calendar', () => {
  it('is open inside the local span and closed outside it, in the zone not in UTC', () => {
    const newYork = createBusinessCalendar({ timeZone: 'America/New_York', weekly: { mon: '08:00-20:00' } });
    expect(newYork.isOpen(at('2026-12-07T13:00:00Z'))).toBe(true); // Monday 08:00 EST: opening instant
    expect(newYork.isOpen(at('2026-12-07T12:59:59Z'))).toBe(false);
    expect(newYork.isOpen(at('2026-12-08T00:59:00Z'))).toBe(true); // Monday 19:59 EST, already Tuesday in UTC
    expect(newYork.isOpen(at('2026-12-08T01:00:00Z'))).toBe(false); // closing instant is closed
  });

  it('skips the weekend: two business hours from Friday 16:00 end Monday 10:00', () => {
    expect(iso(officeBerlin.addBusinessTime(at('2026-12-04T15:00:00Z'), 2 * HOUR))).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(officeBerlin.nextOpening(at('2026-12-05T12:00:00Z')))).toBe('2026-12-07T08:00:00.000Z');
  });

  it('counts from the next opening when started while closed', () => {
    // Tuesday 20:00 local: one hour of work ends Wednesday 10:00.
    expect(iso(officeBerlin.addBusinessTime(at('2026-12-08T19:00:00Z'), HOUR))).toBe('2026-12-09T09:00:00.000Z');
    expect(officeBerlin.nextOpening(at('2026-12-09T10:00:00Z'))).toBe(at('2026-12-09T10:00:00Z'));
  });

  it('keeps wall-clock hours across daylight-saving changes', () => {
    // Berlin moves to CEST on Sunday 29 March 2026: Friday 16:00 CET + 2 h is Monday 10:00 CEST (08:00Z).
    expect(iso(officeBerlin.addBusinessTime(at('2026-03-27T15:00:00Z'), 2 * HOUR))).toBe('2026-03-30T08:00:00.000Z');
    // And back to CET on Sunday 25 October 2026: Monday opens 09:00 CET (08:00Z).
    expect(iso(officeBerlin.nextOpening(at('2026-10-24T12:00:00Z')))).toBe('2026-10-26T08:00:00.000Z');
    // New York's spring-forward Sunday: 09:00-17:00 EDT is 8 hours, from 13:00Z.
    const sundays = createBusinessCalendar({ timeZone: 'America/New_York', weekly: { sun: '09:00-17:00' } });
    expect(iso(sundays.nextOpening(at('2026-03-08T05:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(sundays.addBusinessTime(at('2026-03-08T13:00:00Z'), 8 * HOUR))).toBe('2026-03-08T21:00:00.000Z');
  });

  it('runs an overnight span past midnight, including the night the clocks jump', () => {
    const nights = createBusinessCalendar({ timeZone: 'Europe/Berlin', weekly: { sat: '22:00-06:00' } });
    // Saturday 28 March 22:00 CET (21:00Z) to Sunday 06:00 CEST (04:00Z): seven hours that night.
    expect(nights.isOpen(at('2026-03-29T02:00:00Z'))).toBe(true);
    expect(nights.isOpen(at('2026-03-29T04:00:00Z'))).toBe(false);
    expect(iso(nights.addBusinessTime(at('2026-03-28T21:00:00Z'), 7 * HOUR))).toBe('2026-03-29T04:00:00.000Z');
    expect(iso(nights.addBusinessTime(at('2026-03-28T21:00:00Z'), 8 * HOUR))).toBe('2026-04-04T21:00:00.000Z'); // 22:00 CEST + 1 h
  });

  it('stays closed on holidays', () => {
    // Friday 25 December is a holiday: Thursday 16:30 + 1 h ends Monday 28th 09:30.
    expect(iso(officeBerlin.addBusinessTime(at('2026-12-24T15:30:00Z'), HOUR))).toBe('2026-12-28T08:30:00.000Z');
    expect(officeBerlin.isOpen(at('2026-12-25T10:00:00Z'))).toBe(false);
  });

  it('counts the business time between two moments: none over a weekend or a night, only the open hours across them', () => {
    // Friday 16:00 to Monday 10:00 in Berlin: Friday's last hour and Monday's first.
    expect(officeBerlin.businessTimeBetween(at('2026-12-04T15:00:00Z'), at('2026-12-07T09:00:00Z'))).toBe(2 * HOUR);
    expect(officeBerlin.businessTimeBetween(at('2026-12-05T08:00:00Z'), at('2026-12-06T20:00:00Z'))).toBe(0); // Saturday to Sunday night
    expect(officeBerlin.businessTimeBetween(at('2026-12-08T17:00:00Z'), at('2026-12-09T07:30:00Z'))).toBe(0); // Tuesday 18:00 to Wednesday 08:30
    expect(officeBerlin.businessTimeBetween(at('2026-12-09T10:00:00Z'), at('2026-12-09T09:00:00Z'))).toBe(0); // backwards
    // The inverse of addBusinessTime, holidays included: Thursday 16:30 + 1 h is Monday 28th 09:30.
    expect(officeBerlin.businessTimeBetween(at('2026-12-24T15:30:00Z'), at('2026-12-28T08:30:00Z'))).toBe(HOUR);
  });

  it('never opens without open days', () => {
    const closed = createBusinessCalendar({ timeZone: 'UTC', weekly: {} });
    expect(closed.nextOpening(0)).toBeNull();
    expect(closed.addBusinessTime(0, HOUR)).toBeNull();
  });

  it('says when people are back the way people say it', () => {
    const saturday = at('2026-12-05T12:00:00Z');
    expect(describeOpening(officeBerlin.nextOpening(saturday)!, saturday, 'Europe/Berlin')).toBe('Monday 9:00');
    expect(describeOpening(at('2026-12-28T08:00:00Z'), at('2026-12-21T08:00:00Z'), 'Europe/Berlin')).toBe('Monday 28 December 9:00');
  });
});
