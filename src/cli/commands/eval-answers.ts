/**
 * `frontdesk eval answers`: what customers actually receive. Each fixture item (a single question
 * or a dialogue) runs through the real pipeline (store, engine, outbox) of a throwaway SQLite
 * database seeded with the demo store, as a fresh conversation on its channel; its replies are
 * checked against the item's expectations (regexes for facts, forbidden text, handing off).
 *
 * The CLI (`eval.ts`) and the quality gate (test/quality/answers.test.ts) share these functions:
 * `readAnswerFixture` / `parseAnswerFixture` → `runAnswerEval` → `formatAnswerReport`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DatasetError } from '../../../agents/engines/local/training/datasets.ts';
import { loadConfig } from '../../../config/env.ts';
import type { ChannelAdapter } from '../../core/ports.ts';
import type { ChannelKind, InboundMessage } from '../../core/types.ts';
import { createFrontdesk, type Frontdesk } from '../../entry/node.ts';
import { createLogger } from '../../entry/logger.ts';

// ── fixture ─────────────────────────────────────────────────────────────────

/** The channels a fixture item can arrive on (Slack is the staff desk, not a customer channel). */
const ANSWER_CHANNELS = ['web', 'sms', 'email'] as const;
/** The widget refuses longer texts (MAX_MESSAGE_CHARS' default), so a web item cannot carry one. */
const WEB_MAX_CHARS = 8000;

const regexList = z.array(z.string()).optional();
const Expectations = {
  text: z.string(),
  /** Every regex must match the reply (case-insensitive). */
  expect: regexList,
  /** No regex may match the reply (case-insensitive). */
  forbid: regexList,
  /** true: the conversation must be handed to a person with a ticket; false: it must stay with the bot. */
  handoff: z.boolean().optional(),
  /** true: the conversation has a ticket after this turn (a case opened, with or without a handoff); false: none. */
  ticket: z.boolean().optional(),
  note: z.string().optional(),
};
const Sender = z.strictObject({ email: z.string().min(3).optional(), phone: z.string().min(3).optional(), name: z.string().optional() });
const Shared = { channel: z.enum(ANSWER_CHANNELS).optional(), from: Sender.optional(), subject: z.string().optional() };
const QuestionRow = z.strictObject({ ...Expectations, ...Shared, name: z.string().optional() });
const TurnRow = z.strictObject(Expectations);
const DialogueRow = z.strictObject({ ...Shared, name: z.string().optional(), note: z.string().optional(), turns: z.array(TurnRow).min(1) });

/** One customer message and what its reply must (not) say. */
export interface AnswerTurn {
  text: string;
  expect: RegExp[];
  forbid: RegExp[];
  /** Declared or implied (false when `expect` is given); undefined: not measured. */
  handoff: boolean | undefined;
  /** The conversation must (true) or must not (false) have a ticket after this turn; undefined: not measured. */
  ticket: boolean | undefined;
  note?: string;
}

/** A fixture item: a single question is a dialogue of one turn. */
export interface AnswerItem {
  kind: 'question' | 'dialogue';
  /** `file:line`, how failures name the item. */
  source: string;
  name?: string;
  channel: (typeof ANSWER_CHANNELS)[number];
  from: { email?: string; phone?: string; name?: string };
  subject?: string;
  turns: AnswerTurn[];
}

function compile(patterns: string[] | undefined, where: string): RegExp[] {
  return (patterns ?? []).map((pattern) => {
    try {
      return new RegExp(pattern, 'i');
    } catch (error) {
      throw new DatasetError(`${where}: bad regex ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  });
}

function turnOf(row: z.infer<typeof TurnRow>, channel: AnswerItem['channel'], where: string): AnswerTurn {
  const text = channel === 'web' ? row.text.trim() : row.text;
  // The widget trims and refuses empty or over-long text (400): such a message never reaches the bot.
  if (channel === 'web' && (text.length === 0 || text.length > WEB_MAX_CHARS)) {
    throw new DatasetError(`${where}: the web widget refuses empty or over ${WEB_MAX_CHARS}-character text; use channel sms or email for it`);
  }
  const expect = compile(row.expect, where);
  return {
    text,
    expect,
    forbid: compile(row.forbid, where),
    // A question with facts to state is one the bot must answer itself.
    handoff: row.handoff ?? (expect.length > 0 ? false : undefined),
    ticket: row.ticket,
    ...(row.note ? { note: row.note } : {}),
  };
}

/**
 * Parses fixture JSONL: each non-blank line is a question `{text, channel?, from?, subject?,
 * expect?, forbid?, handoff?, ticket?, note?}` or a dialogue `{name?, channel?, from?, subject?,
 * note?, turns: [{text, expect?, forbid?, handoff?, ticket?, note?}]}`. A bad line throws a DatasetError naming
 * `source:line`.
 */
export function parseAnswerFixture(content: string, source = 'fixture'): AnswerItem[] {
  const items: AnswerItem[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${source}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new DatasetError(`${where}: not valid JSON`);
    }
    const isDialogue = typeof row === 'object' && row !== null && 'turns' in row;
    const parsed = (isDialogue ? DialogueRow : QuestionRow).safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.length ? `${issue.path.join('.')}: ` : '';
      throw new DatasetError(
        `${where}: ${path}${issue.message} (expected a question {"text", "expect"?, "forbid"?, "handoff"?, "ticket"?} or a dialogue {"turns": [...]})`,
      );
    }
    const data = parsed.data;
    const channel = data.channel ?? 'web';
    const turns = 'turns' in data ? data.turns.map((t, k) => turnOf(t, channel, `${where} turn ${k + 1}`)) : [turnOf(data, channel, where)];
    items.push({
      kind: isDialogue ? 'dialogue' : 'question',
      source: where,
      ...(data.name ? { name: data.name } : {}),
      channel,
      from: data.from ?? {},
      ...(data.subject ? { subject: data.subject } : {}),
      turns,
    });
  });
  return items;
}

/** Reads and parses a fixture file (see parseAnswerFixture). */
export function readAnswerFixture(path: string): AnswerItem[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new DatasetError(`file not found: ${path}`);
  }
  return parseAnswerFixture(content, path);
}

// ── running ─────────────────────────────────────────────────────────────────

/** What one turn got back. */
export interface TurnOutcome {
  reply: string | null;
  route: string | null;
  /** The conversation is owned by humans after this turn, with a ticket. */
  handedOff: boolean;
  /** The conversation has a ticket after this turn. */
  ticketed: boolean;
  /** A ticket of category engine_error was opened on this turn. */
  engineError: boolean;
  /** Why the turn failed; empty when it passed. */
  reasons: string[];
}

/** One failed turn, as printed and in `--json`. */
export interface AnswerFailure {
  source: string;
  kind: AnswerItem['kind'];
  name?: string;
  channel: AnswerItem['channel'];
  /** 1-based turn of a dialogue. */
  turn?: number;
  text: string;
  reasons: string[];
  reply: string | null;
  route: string | null;
}

/** passed / total; rate is null when nothing was measured. */
export interface Ratio {
  passed: number;
  total: number;
  rate: number | null;
}

/** The figures of one run. */
export interface AnswerReport {
  questions: number;
  dialogues: number;
  turns: number;
  /** Single questions with `expect`: the reply states the fact (and the bot kept it). */
  facts: Ratio;
  /** Single questions declaring `handoff: true` without `expect`: sent to a person. */
  unanswerable: Ratio;
  /** facts + unanswerable: the issue's first target. */
  answers: Ratio;
  /** Every single question, whatever it declares. */
  allQuestions: Ratio;
  /** Over single questions and dialogue turns that declare handoff (explicitly or through `expect`). */
  handoff: { truePositives: number; falsePositives: number; falseNegatives: number; trueNegatives: number; precision: number | null; recall: number | null };
  /** A dialogue passes when every turn passes. */
  dialoguesPassed: Ratio;
  /** Turns on which the engine failed and the pipeline handed off with an engine_error ticket. */
  engineErrors: number;
  ms: number;
  failures: AnswerFailure[];
}

export interface AnswerEvalOptions {
  /** Where the trained triage model is cached (the deployment's, or the tests'). */
  cacheDir: string;
  /** Environment for the deployment settings (CONFIDENCE_THRESHOLD…); databases and model providers are overridden. */
  env?: Record<string, string | undefined>;
  onProgress?: (done: number, total: number) => void;
  /** Sees every item's outcomes as they come (passes too: for looking at what customers got). */
  onItem?: (item: AnswerItem, outcomes: TurnOutcome[]) => void;
}

/** Stands in for a provider channel: the reply counts as delivered, nothing leaves the process. */
const offline = (kind: ChannelKind): ChannelAdapter => ({ kind, send: async () => ({ status: 'delivered' }) });
/** Our side of an SMS thread: the demo store's text number (config/demo/kb/contact-customer-service.md). */
const OUR_SMS_NUMBER = '+15550100199';

/**
 * Throwaway databases, each one Frontdesk with the demo store. Items share a database unless an
 * address of theirs was used there before: conversations never share a contact.
 */
function databasePool(opts: AnswerEvalOptions) {
  const env = { ...opts.env, DATABASE_URL: undefined, SQLITE_PATH: ':memory:', LOG_LEVEL: 'silent', OPENAI_API_KEY: undefined };
  const config = loadConfig(env);
  const pool: { frontdesk: Frontdesk; used: Set<string> }[] = [];
  return {
    async for(keys: string[]) {
      let slot = pool.find((s) => keys.every((k) => !s.used.has(k)));
      if (!slot) {
        const frontdesk = await createFrontdesk({
          config,
          logger: createLogger('silent'),
          modelCacheDir: opts.cacheDir,
          adapters: (['sms', 'email', 'slack'] as const).map(offline),
        });
        slot = { frontdesk, used: new Set() };
        pool.push(slot);
      }
      for (const k of keys) slot.used.add(k);
      return slot.frontdesk;
    },
    size: () => pool.length,
    async close() {
      for (const s of pool) await s.frontdesk.stop();
    },
  };
}

/** The sender of item `n`: the fixture's addresses, else made-up ones unique to the item. */
function senderOf(item: AnswerItem, n: number) {
  const serial = String(n).padStart(6, '0');
  const email = item.from.email?.toLowerCase() ?? (item.channel === 'email' ? `customer${serial}@eval.example` : undefined);
  const phone = item.from.phone ?? `+1555${serial.slice(-7).padStart(7, '2')}`;
  const address = item.channel === 'email' ? email! : item.channel === 'sms' ? phone : `visitor:eval-${serial}`;
  const keys = [`${item.channel}:${address}`, ...(email ? [`email:${email}`] : []), ...(item.channel === 'sms' ? [`sms:${phone}`] : [])];
  return { address, email, name: item.from.name, keys };
}

const shorten = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Checks one turn's reply against its expectations. */
export function judgeTurn(turn: AnswerTurn, got: Omit<TurnOutcome, 'route' | 'reasons'>): string[] {
  const reasons: string[] = [];
  if (got.engineError) reasons.push('engine error');
  if (turn.expect.length > 0 && got.reply === null) reasons.push('no reply (the conversation is with humans)');
  for (const re of turn.expect) if (got.reply !== null && !re.test(got.reply)) reasons.push(`missing /${re.source}/`);
  for (const re of turn.forbid) if (got.reply !== null && re.test(got.reply)) reasons.push(`forbidden /${re.source}/`);
  if (turn.handoff === true && !got.handedOff) reasons.push('expected a handoff to a person with a ticket');
  if (turn.handoff === false && got.handedOff) reasons.push('handed to a person, expected the bot to answer');
  if (turn.ticket === true && !got.ticketed) reasons.push('expected a ticket');
  if (turn.ticket === false && got.ticketed) reasons.push('a ticket was opened, expected none');
  return reasons;
}

/** Runs one item as a fresh conversation; one outcome per turn. */
async function runItem(frontdesk: Frontdesk, item: AnswerItem, n: number): Promise<TurnOutcome[]> {
  const { pipeline, store } = frontdesk;
  const sender = senderOf(item, n);
  const from = { address: sender.address, ...(sender.name ? { name: sender.name } : {}), ...(sender.email ? { email: sender.email } : {}) };
  // The widget opens its conversation first; SMS threads by number pair, email by Message-ID chain.
  const conversationId =
    item.channel === 'web' ? (await pipeline.start({ channel: 'web', from: { ...from, verified: false } })).conversation.id : null;
  const messageIds: string[] = [];
  let current = conversationId;
  const seenTickets = new Set<string>();
  const outcomes: TurnOutcome[] = [];
  for (const [k, turn] of item.turns.entries()) {
    const providerMessageId = `<eval-${n}-${k + 1}@customer.eval.example>`;
    const inbound: InboundMessage = {
      channel: item.channel,
      from: item.channel === 'web' ? { address: sender.address } : from,
      text: turn.text,
      receivedAt: Date.now(),
      attachments: [],
      ...(item.channel === 'email'
        ? {
            providerMessageId,
            subject: item.subject ? (k === 0 ? item.subject : `Re: ${item.subject}`) : undefined,
            thread: { references: [...messageIds] },
          }
        : item.channel === 'sms'
          ? { thread: { key: `${sender.address}|${OUR_SMS_NUMBER}` } }
          : { thread: { conversationId: conversationId! } }),
    };
    messageIds.push(providerMessageId);
    const received = await pipeline.receive(inbound);
    const reply = await received.reply;
    const reasons: string[] = [];
    if (current !== null && received.conversation.id !== current) reasons.push('the message started another conversation (threading broke)');
    current = received.conversation.id;
    const conversation = (await store.repo.getConversation(current))!;
    const tickets = await store.repo.listTickets({ conversationId: current });
    const fresh = tickets.filter((t) => !seenTickets.has(t.id));
    for (const t of tickets) seenTickets.add(t.id);
    const got = {
      reply: reply?.text ?? null,
      handedOff: conversation.owner === 'human' && tickets.length > 0,
      ticketed: tickets.length > 0,
      engineError: fresh.some((t) => t.category === 'engine_error'),
    };
    outcomes.push({ ...got, route: reply?.route ?? null, reasons: [...reasons, ...judgeTurn(turn, got)] });
  }
  return outcomes;
}

const ratio = (passed: number, total: number): Ratio => ({ passed, total, rate: total ? passed / total : null });

/** Scores the outcomes of every item (same order as `items`). */
export function scoreAnswers(items: AnswerItem[], outcomes: TurnOutcome[][], ms = 0): AnswerReport {
  const count = { facts: [0, 0], unanswerable: [0, 0], all: [0, 0], dialogues: [0, 0] };
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let engineErrors = 0;
  const failures: AnswerFailure[] = [];
  items.forEach((item, i) => {
    const results = outcomes[i]!;
    const passed = results.every((r) => r.reasons.length === 0);
    results.forEach((r, k) => {
      const turn = item.turns[k]!;
      if (r.engineError) engineErrors += 1;
      if (turn.handoff !== undefined) {
        if (turn.handoff) r.handedOff ? confusion.tp++ : confusion.fn++;
        else r.handedOff ? confusion.fp++ : confusion.tn++;
      }
      if (r.reasons.length > 0) {
        failures.push({
          source: item.source,
          kind: item.kind,
          ...(item.name ? { name: item.name } : {}),
          channel: item.channel,
          ...(item.kind === 'dialogue' ? { turn: k + 1 } : {}),
          text: shorten(turn.text, 160),
          reasons: r.reasons,
          reply: r.reply === null ? null : shorten(r.reply),
          route: r.route,
        });
      }
    });
    const tally = (key: keyof typeof count) => {
      count[key][1]! += 1;
      if (passed) count[key][0]! += 1;
    };
    if (item.kind === 'dialogue') return tally('dialogues');
    tally('all');
    const turn = item.turns[0]!;
    if (turn.expect.length > 0) tally('facts');
    else if (turn.handoff === true) tally('unanswerable');
  });
  const { tp, fp, fn, tn } = confusion;
  return {
    questions: count.all[1]!,
    dialogues: count.dialogues[1]!,
    turns: items.reduce((s, item) => s + item.turns.length, 0),
    facts: ratio(count.facts[0]!, count.facts[1]!),
    unanswerable: ratio(count.unanswerable[0]!, count.unanswerable[1]!),
    answers: ratio(count.facts[0]! + count.unanswerable[0]!, count.facts[1]! + count.unanswerable[1]!),
    allQuestions: ratio(count.all[0]!, count.all[1]!),
    handoff: {
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      trueNegatives: tn,
      precision: tp + fp ? tp / (tp + fp) : null,
      recall: tp + fn ? tp / (tp + fn) : null,
    },
    dialoguesPassed: ratio(count.dialogues[0]!, count.dialogues[1]!),
    engineErrors,
    ms: Math.round(ms),
    failures,
  };
}

/**
 * Runs every item through the real pipeline (the deployment's embedded engine, never a model
 * provider) on throwaway in-memory SQLite databases seeded with the demo store, and scores them.
 */
export async function runAnswerEval(items: AnswerItem[], opts: AnswerEvalOptions): Promise<AnswerReport> {
  const started = performance.now();
  const pool = databasePool(opts);
  const outcomes: TurnOutcome[][] = [];
  try {
    for (const [n, item] of items.entries()) {
      const frontdesk = await pool.for(senderOf(item, n).keys);
      const result = await runItem(frontdesk, item, n);
      outcomes.push(result);
      opts.onItem?.(item, result);
      opts.onProgress?.(n + 1, items.length);
    }
  } finally {
    await pool.close();
  }
  return scoreAnswers(items, outcomes, performance.now() - started);
}

// ── printing ────────────────────────────────────────────────────────────────

const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
const figure = (r: Ratio) => `${pct(r.rate)} (${r.passed}/${r.total})`;

/** The human-readable report: figures first, then every failure with its reply. */
export function formatAnswerReport(r: AnswerReport, source: string): string {
  const lines = [
    `${source}: ${r.questions} questions, ${r.dialogues} dialogues (${r.turns} turns) in ${r.ms} ms`,
    `answers (facts + unanswerable): ${figure(r.answers)}`,
    `  fact accuracy:                ${figure(r.facts)}`,
    `  unanswerable sent to a person: ${figure(r.unanswerable)}`,
    `all questions passed:           ${figure(r.allQuestions)}`,
    `handoff: precision ${pct(r.handoff.precision)}  recall ${pct(r.handoff.recall)}  (tp ${r.handoff.truePositives}, fp ${r.handoff.falsePositives}, fn ${r.handoff.falseNegatives}, tn ${r.handoff.trueNegatives})`,
    `dialogues passed:               ${figure(r.dialoguesPassed)}`,
    `engine errors:                  ${r.engineErrors}`,
    '',
    r.failures.length ? `failures (${r.failures.length}):` : 'no failures',
  ];
  return `${lines.join('\n')}\n${formatFailures(r.failures)}`;
}

/** Failures, three lines each: the item and its text, why it failed, and the reply it got. */
export function formatFailures(failures: AnswerFailure[]): string {
  return failures
    .map((f) =>
      [
        `- ${f.source}${f.turn ? ` turn ${f.turn}` : ''} [${f.channel}${f.name ? `, ${f.name}` : ''}] ${JSON.stringify(f.text)}`,
        `    ${f.reasons.join('; ')}`,
        `    → ${f.route ?? '—'}: ${f.reply === null ? '(no reply)' : JSON.stringify(f.reply)}`,
      ].join('\n') + '\n',
    )
    .join('');
}
