import { loadConfig } from '../../../config/env.ts';
import { createWebhookSender } from '../../../adapters/webhooks/send.ts';
import { InvalidInputError, parseInput } from '../../core/errors.ts';
import { WEBHOOK_EVENT_TYPES } from '../../core/types.ts';
import { createWebhooks, NewSubscription, viewOf, type Webhooks } from '../../core/webhooks.ts';
import { openStore } from '../../entry/node.ts';
import { parseOptions } from '../args.ts';
import { closest } from '../closest.ts';
import type { Io } from '../main.ts';

const USAGE =
  'usage: frontdesk webhooks list [--json] | add URL --events TYPE[,TYPE…] [--secret S] | remove ID… | test ID';

/**
 * `frontdesk webhooks`: the same subscriptions the /v1/webhooks API manages, from the command line.
 * `test` sends a signed `webhook.test` event from this process and prints what the receiver said;
 * real events are delivered by the running server's outbox.
 */
export async function webhooks(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'add' && sub !== 'remove' && sub !== 'test') throw new InvalidInputError(USAGE);
  const config = loadConfig(io.env);
  const store = openStore(config);
  try {
    await store.migrate();
    const service = createWebhooks({ store, sender: createWebhookSender(config.webhooks), clock: { now: () => Date.now() } });
    if (sub === 'list') return await list(service, rest, io);
    if (sub === 'add') return await add(service, rest, io);
    if (sub === 'remove') return await remove(service, rest, io);
    return await test(service, rest, io);
  } finally {
    await store.close();
  }
}

async function list(service: Webhooks, args: string[], io: Io) {
  const { values } = parseOptions(args, { json: { type: 'boolean' } }, false, USAGE);
  const all = await service.list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    return 0;
  }
  for (const w of all) {
    const state = w.active ? 'active' : `off${w.disabledReason ? ` (${w.disabledReason})` : ''}`;
    io.stdout.write(`${w.id}  ${w.url}  ${w.events.join(',')}  ${state}\n`);
  }
  io.stderr.write(`${all.length} webhook${all.length === 1 ? '' : 's'}\n`);
  return 0;
}

async function add(service: Webhooks, args: string[], io: Io) {
  const { values, positionals } = parseOptions(args, { events: { type: 'string' }, secret: { type: 'string' } }, true, USAGE);
  if (positionals.length !== 1) throw new InvalidInputError(`name one URL (${USAGE})`);
  if (!values.events) throw new InvalidInputError(`--events is required (${USAGE})`);
  const events = values.events.split(',').map((e) => e.trim()).filter(Boolean);
  const unknown = events.find((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown !== undefined) {
    const meant = closest(unknown, [...WEBHOOK_EVENT_TYPES]);
    throw new InvalidInputError(`--events: unknown event ${unknown}${meant ? ` (did you mean ${meant}?)` : ''}; events are ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  }
  const created = await service.add(parseInput(NewSubscription, { url: positionals[0], events, ...(values.secret ? { secret: values.secret } : {}) }));
  io.stdout.write(`${created.id}  ${created.url}  ${viewOf(created).events.join(',')}\n`);
  // The one time the secret is shown; the receiver needs it to check signatures.
  io.stdout.write(`secret: ${created.secret}\n`);
  return 0;
}

async function remove(service: Webhooks, args: string[], io: Io) {
  const { positionals } = parseOptions(args, {}, true, USAGE);
  if (positionals.length === 0) throw new InvalidInputError(`name the webhook ids to remove (${USAGE})`);
  for (const id of positionals) await service.remove(id);
  io.stdout.write(`removed ${positionals.length} webhook${positionals.length === 1 ? '' : 's'}\n`);
  return 0;
}

async function test(service: Webhooks, args: string[], io: Io) {
  const { positionals } = parseOptions(args, {}, true, USAGE);
  if (positionals.length !== 1) throw new InvalidInputError(`name one webhook id (${USAGE})`);
  const result = await service.test(positionals[0]!);
  if (result.kind === 'delivered') {
    io.stdout.write(`delivered: the receiver answered HTTP ${result.status}\n`);
    return 0;
  }
  io.stderr.write(`not delivered (${result.kind}): ${result.error}\n`);
  return 1;
}
