/**
 * The deployment's business hours as a calendar: whether people are in at a moment, when they are
 * next in, and what moment lies a given amount of business time after another (SLA targets count
 * only working time). Everything is computed in the deployment's IANA time zone with Intl, so
 * daylight-saving changes move the opening instants, not the wall-clock hours.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Business hours as deployment.yaml declares them. */
export interface BusinessHours {
  /** An IANA time zone name such as Europe/Berlin. */
  timeZone: string;
  /**
   * Opening span per weekday, "HH:MM-HH:MM" in local time; a closing time at or before the opening
   * runs past midnight (22:00-06:00). A day left out is closed.
   */
  weekly: Partial<Record<Weekday, string>>;
  /** Local dates (YYYY-MM-DD) on which the day's span does not open. */
  holidays?: string[];
}

export interface BusinessCalendar {
  timeZone: string;
  isOpen(at: number): boolean;
  /** The next moment people are in: `at` itself when open; null when the hours never open. */
  nextOpening(at: number): number | null;
  /** The moment `ms` of business time after `from`; null when the hours never open. */
  addBusinessTime(from: number, ms: number): number | null;
  /** How much business time (ms) lies between `from` and `to`; 0 when `to` is not after `from`. */
  businessTimeBetween(from: number, to: number): number;
}

interface Interval {
  start: number;
  end: number;
}
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE_MS = 60_000;
/** How far ahead to look for an opening: a year of holidays is the most any deployment closes. */
const SEARCH_DAYS = 400;

export function createBusinessCalendar(hours: BusinessHours): BusinessCalendar {
  const zone = createZone(hours.timeZone);
  const holidays = new Set(hours.holidays ?? []);
  const spans = new Map<Weekday, { open: number; close: number }>();
  for (const [day, span] of Object.entries(hours.weekly) as [Weekday, string][]) spans.set(day, parseSpan(span));

  /** The opening intervals that end after `from`, in order, clipped to start no earlier than `from`. */
  function* intervalsFrom(from: number): Generator<Interval> {
    if (spans.size === 0) return;
    const today = zone.localDate(from);
    let lastEnd = from;
    // From yesterday: its span may run past midnight into today.
    for (let offset = -1; offset <= SEARCH_DAYS; offset++) {
      const date = addDays(today, offset);
      const span = spans.get(WEEKDAYS[weekdayOf(date)]!);
      if (!span || holidays.has(isoDate(date))) continue;
      const start = zone.toInstant(date, span.open);
      const end = span.close > span.open ? zone.toInstant(date, span.close) : zone.toInstant(addDays(date, 1), span.close);
      if (end <= lastEnd) continue;
      yield { start: Math.max(start, lastEnd), end };
      lastEnd = end;
    }
  }

  return {
    timeZone: hours.timeZone,
    isOpen(at) {
      const next = intervalsFrom(at).next();
      return !next.done && next.value.start <= at;
    },
    nextOpening(at) {
      const next = intervalsFrom(at).next();
      return next.done ? null : next.value.start;
    },
    addBusinessTime(from, ms) {
      let left = ms;
      for (const { start, end } of intervalsFrom(from)) {
        if (end - start >= left) return start + left;
        left -= end - start;
      }
      return null;
    },
    businessTimeBetween(from, to) {
      let total = 0;
      for (const { start, end } of intervalsFrom(from)) {
        if (start >= to) break;
        total += Math.min(end, to) - start;
      }
      return total;
    },
  };
}

/** "Monday 9:00" in the calendar's time zone; the date is added when the moment is a week or more away. */
export function describeOpening(at: number, now: number, timeZone: string, locale = 'en-GB'): string {
  const far = at - now >= 6 * 86_400_000;
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    ...(far ? { day: 'numeric', month: 'long' } : {}),
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  // en-GB writes "Monday 09:00" and "Monday 4 January at 09:00": people say "Monday 9:00".
  return text.replace(' at ', ' ').replace(/\b0(\d):/, '$1:');
}

/** "HH:MM-HH:MM" as minutes after local midnight; 24:00 closes at the next midnight. */
function parseSpan(span: string): { open: number; close: number } {
  const [open, close] = span.split('-').map((time) => {
    const [h, m] = time.split(':').map(Number);
    return h! * 60 + m!;
  });
  return { open: open!, close: close! % (24 * 60) };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Local dates and wall-clock times of one time zone, from its UTC offset at each instant. */
function createZone(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = (at: number) => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
  };
  /** Local time minus UTC at `at`, in ms. */
  const offsetAt = (at: number) => {
    const f = fields(at);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - (at - (((at % 1000) + 1000) % 1000));
  };
  return {
    localDate(at: number): LocalDate {
      const f = fields(at);
      return { year: f.year, month: f.month, day: f.day };
    },
    /**
     * The instant the local wall clock shows `minutes` after midnight on `date`. A time skipped by
     * a daylight-saving jump maps to the instant after the jump; a repeated time to one of its passes.
     */
    toInstant(date: LocalDate, minutes: number): number {
      const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE_MS;
      const guessOffset = offsetAt(wall);
      const first = wall - guessOffset;
      const offset = offsetAt(first);
      if (offset === guessOffset) return first;
      const second = wall - offset;
      return offsetAt(second) === offset ? second : Math.max(first, second);
    },
  };
}
