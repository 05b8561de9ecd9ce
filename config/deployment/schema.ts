/**
 * The schema of deployment.yaml: who the deployment is (brand, languages, hours), how sure triage
 * must be, which channels answer, how its training files are weighed and how its order API's
 * JSON maps onto orders. agents.yaml is checked with the agent graph's own schema (agents/graph.ts).
 */
import { z } from 'zod';
import { OrderMappingSchema } from '../../adapters/orders/mapping.ts';
import { TICKET_PRIORITIES } from '../../src/core/types.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const CHANNELS = ['web', 'sms', 'email', 'slack'] as const;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const Span = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$|^([01]\d|2[0-3]):[0-5]\d-24:00$/, 'must be opening-closing time such as 09:00-17:30')
  // A closing time before the opening runs past midnight (22:00-06:00).
  .refine((span) => span.split('-')[0]! !== span.split('-')[1]!, 'must close at another time than it opens');

const LocalDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date such as 2026-12-25');

/** "30m", "4h", "1h30m": business time, counted only while open. */
const Duration = z
  .string()
  .regex(/^(?=\d)(\d+h)?(\d+m)?$/, 'must be a duration such as 30m, 4h or 1h30m')
  .transform((text) => {
    const [, h = '0', m = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text)!;
    return (Number(h) * 60 + Number(m)) * 60_000;
  })
  .refine((ms) => ms > 0, 'must be longer than zero');

/** A target per ticket priority; a priority left out has none. */
const Targets = z.partialRecord(z.enum(TICKET_PRIORITIES), Duration);

const FileName = z.string().regex(/^[^/\\]+\.(jsonl|csv)$/i, 'must be a .jsonl or .csv file name inside training/');

export const DeploymentSettings = z
  .object({
    brand: z
      .object({
        /** The company's name as customers know it. */
        name: z.string().trim().min(1),
        /** How replies sound (the model engine's instructions). */
        tone: z.string().optional(),
        /** How the model engine signs off emails. */
        signOff: z.string().optional(),
      })
      .strict(),
    /** Languages (ISO 639-1) answered; messages in others go to a person. */
    languages: z.array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as en')).min(1).default(['en']),
    /** When people answer (the assistant answers any time). */
    hours: z
      .object({
        timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
        weekly: z.partialRecord(z.enum(DAYS), Span),
        /** Local dates on which the team is out all day. */
        holidays: z.array(LocalDate).default([]),
        /**
         * Added to the reply that hands a conversation to people while nobody is in; {{opens}} is
         * when they are back ("Monday 9:00") and {{timeZone}} the zone above.
         */
        closedNotice: z.string().trim().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Service-level targets in business time (needs hours), by ticket priority. */
    sla: z
      .object({
        /** Until a person first replies after the ticket opens. */
        firstResponse: Targets.default({}),
        /** Until the ticket is resolved. */
        resolution: Targets.default({}),
        /** A target this close shows as due soon. */
        dueSoon: Duration.default(60 * 60_000),
      })
      .strict()
      .optional(),
    /** Who gets a conversation handed to people: nobody until someone takes it (manual), or available agents in turn. */
    assignment: z.enum(['manual', 'round-robin']).default('manual'),
    /** Below it, triage hands a message to people (CONFIDENCE_THRESHOLD overrides it). */
    confidenceThreshold: z.number().min(0).max(1).default(0.6),
    /** Channels answered (web is always on: the widget and the console). */
    channels: z
      .array(z.enum(CHANNELS))
      .default([...CHANNELS])
      .refine((list) => list.includes('web'), 'must include web (the chat widget and the console cannot be turned off)'),
    training: z
      .object({
        /** General phrasing files in training/, weight 1 each row. */
        base: z.array(FileName).default([]),
        /** The company's own examples in training/ (default: every file not in base). */
        examples: z.array(FileName).optional(),
        /** How many base rows one own example counts as. */
        weight: z.number().positive().default(4),
        /**
         * Learn also from what the deployment already knows: route descriptions, the knowledge
         * base's titles, headings and tags, and the bundled general customer-service examples for
         * routes that share their meaning (agents/engines/local/training/priors.ts).
         */
        priors: z.boolean().default(true),
      })
      .strict()
      .default({ base: [], weight: 4, priors: true }),
    orders: z
      .object({
        /** How the HTTP order API's JSON maps onto orders (used with ORDERS_API_URL). */
        mapping: OrderMappingSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.sla && !settings.hours) ctx.addIssue({ code: 'custom', path: ['sla'], message: 'needs hours (SLA targets count business time)' });
    if (settings.sla && settings.hours && Object.keys(settings.hours.weekly).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['hours', 'weekly'], message: 'needs at least one open day for SLA targets' });
    }
    if (settings.hours?.closedNotice && !settings.hours.closedNotice.includes('{{opens}}')) {
      ctx.addIssue({ code: 'custom', path: ['hours', 'closedNotice'], message: 'must say when people are back with {{opens}}' });
    }
  });
export type DeploymentSettings = z.output<typeof DeploymentSettings>;
