/**
 * The deployment's promises to customers: SLA targets per ticket priority, counted in business
 * time, and the notice telling a customer who is handed to people while nobody is in when they
 * are back. Built once from deployment.yaml (hours, sla); a deployment without them promises
 * nothing and every answer here is "no target".
 */
import { createBusinessCalendar, describeOpening, type BusinessHours } from './business-hours.ts';
import type { Ticket, TicketPriority, TicketStatus } from './types.ts';

export interface SlaTargets {
  /** Business time until a person first replies, by priority (ms). */
  firstResponse: Partial<Record<TicketPriority, number>>;
  /** Business time until the ticket is resolved, by priority (ms). */
  resolution: Partial<Record<TicketPriority, number>>;
  /** A target this close (ms) shows as due soon. */
  dueSoon: number;
}

export interface ServiceLevelSettings {
  hours?: BusinessHours & { closedNotice?: string };
  sla?: SlaTargets;
}

export type SlaDueTimes = Pick<Ticket, 'firstResponseDueAt' | 'resolutionDueAt'>;

/** How a ticket's next pending target stands; `paused`: the resolution clock stopped while the ticket waits on the customer. */
export interface TicketSla {
  target: 'first_response' | 'resolution';
  state: 'ok' | 'due_soon' | 'breached' | 'paused';
  dueAt: number;
}

/** The ticket fields the resolution clock keeps. */
export type SlaClock = Pick<Ticket, 'pausedAt' | 'pausedMs' | 'resolutionDueAt'>;

export interface ServiceLevels {
  /**
   * Due times for a ticket of `priority` opened at `openedAt`; null where there is no target.
   * Resolution is due `pausedMs` of business time later: the time it spent waiting on the customer.
   */
  dueTimes(priority: TicketPriority, openedAt: number, pausedMs?: number): SlaDueTimes;
  /**
   * The clock fields a move of `ticket` to `status` at `now` changes (none when it changes nothing):
   * entering `waiting` stops the resolution clock; leaving it moves the resolution due time on by
   * the business time waited. The first-response target never stops.
   */
  clockOnStatus(ticket: SlaClock, status: TicketStatus, now: number): Partial<SlaClock>;
  /** The ticket's next pending target (a first reply, then resolution) at `now`; null when nothing is due. */
  stateOf(ticket: SlaTicket, now: number): TicketSla | null;
  /** What to tell a customer handed to people at `now` while nobody is in; null while people are in or without a notice. */
  closedNotice(now: number): string | null;
}

export type SlaTicket = Pick<Ticket, 'status' | 'firstResponseDueAt' | 'resolutionDueAt' | 'firstResponseAt' | 'resolvedAt' | 'pausedAt'>;

/** A deployment without hours or targets: no due times and no notice. */
export const NO_SERVICE_LEVELS: ServiceLevels = createServiceLevels({});

export function createServiceLevels(settings: ServiceLevelSettings): ServiceLevels {
  const calendar = settings.hours ? createBusinessCalendar(settings.hours) : null;
  const sla = settings.sla;
  const dueAfter = (openedAt: number, target: number | undefined) =>
    calendar && target !== undefined ? calendar.addBusinessTime(openedAt, target) : null;

  return {
    dueTimes(priority, openedAt, pausedMs = 0) {
      const resolution = sla?.resolution[priority];
      return {
        firstResponseDueAt: dueAfter(openedAt, sla?.firstResponse[priority]),
        resolutionDueAt: dueAfter(openedAt, resolution === undefined ? undefined : resolution + pausedMs),
      };
    },
    clockOnStatus(ticket, status, now) {
      if (status === 'waiting') return ticket.pausedAt === null ? { pausedAt: now } : {};
      if (ticket.pausedAt === null) return {};
      const waited = calendar ? calendar.businessTimeBetween(ticket.pausedAt, now) : 0;
      // Nothing waited (a pause outside hours): the due time stays put rather than jump to the next opening.
      const resolutionDueAt = ticket.resolutionDueAt !== null && waited > 0 ? calendar!.addBusinessTime(ticket.resolutionDueAt, waited) : ticket.resolutionDueAt;
      return { pausedAt: null, pausedMs: ticket.pausedMs + waited, resolutionDueAt };
    },
    stateOf(ticket, now) {
      if (ticket.status === 'resolved' || ticket.resolvedAt !== null) return null;
      const pending =
        ticket.firstResponseAt === null && ticket.firstResponseDueAt !== null
          ? { target: 'first_response' as const, dueAt: ticket.firstResponseDueAt }
          : ticket.resolutionDueAt !== null
            ? { target: 'resolution' as const, dueAt: ticket.resolutionDueAt }
            : null;
      if (!pending) return null;
      // Waiting on the customer stops the resolution clock where it stood.
      const pausedAt = pending.target === 'resolution' ? ticket.pausedAt : null;
      const left = pending.dueAt - (pausedAt ?? now);
      if (pausedAt !== null && left > 0) return { ...pending, state: 'paused' };
      return { ...pending, state: left <= 0 ? 'breached' : left <= (sla?.dueSoon ?? 0) ? 'due_soon' : 'ok' };
    },
    closedNotice(now) {
      const template = settings.hours?.closedNotice;
      if (!calendar || !template || calendar.isOpen(now)) return null;
      const opens = calendar.nextOpening(now);
      if (opens === null) return null;
      return fill(template, { opens: describeOpening(opens, now, calendar.timeZone), timeZone: calendar.timeZone });
    },
  };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
