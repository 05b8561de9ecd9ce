/**
 * The schema of deployment.yaml: who the deployment is (brand, languages, hours), how sure triage
 * must be, which channels answer, how its training files are weighed and how its order API's
 * JSON maps onto orders. agents.yaml is checked with the agent graph's own schema (agents/graph.ts).
 */
import { z } from 'zod';
import { OrderMappingSchema } from '../../adapters/orders/mapping.ts';

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
  .refine((span) => span.split('-')[0]! < span.split('-')[1]!, 'must close after it opens');

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
      })
      .strict()
      .optional(),
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
  .strict();
export type DeploymentSettings = z.output<typeof DeploymentSettings>;
