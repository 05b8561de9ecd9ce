import { loadConfig } from '../../../config/env.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { failedDeliveries, requeueFailed } from '../../core/outbox.ts';
import type { Store } from '../../core/ports.ts';
import { openStore } from '../../entry/node.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';

const USAGE = 'usage: frontdesk outbox list --failed [--json] | frontdesk outbox resend MESSAGE_ID… | frontdesk outbox resend --all-failed';
/** Failed replies a resend --all-failed takes per round (it repeats until none are left). */
const PAGE = 200;

/**
 * `frontdesk outbox list --failed` prints the replies delivery gave up on; `frontdesk outbox
 * resend` queues them again with a new retry window. The running server's sweep sends them (this
 * command holds no channel credentials' connections), within its sweep interval.
 */
export async function outbox(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'resend') throw new InvalidInputError(USAGE);
  const store = openStore(loadConfig(io.env));
  try {
    await store.migrate();
    return sub === 'list' ? await list(store, rest, io) : await resend(store, rest, io);
  } finally {
    await store.close();
  }
}

async function list(store: Store, args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { failed: { type: 'boolean' }, json: { type: 'boolean' } }, false, USAGE);
  if (!values.failed) throw new InvalidInputError(`only failed replies are listed: add --failed (${USAGE})`);
  const failed = await failedDeliveries(store.repo, { limit: PAGE });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(failed, null, 2)}\n`);
    return 0;
  }
  for (const f of failed) {
    const preview = f.text.replace(/\s+/g, ' ').slice(0, 60);
    io.stdout.write(`${f.messageId}  ${f.channel}  ${new Date(f.failedAt).toISOString()}  ${f.attempts} attempts  ${f.error ?? ''}  "${preview}"\n`);
  }
  io.stderr.write(`${failed.length} failed ${failed.length === 1 ? 'reply' : 'replies'}${failed.length === PAGE ? ' (the newest; there may be more)' : ''}\n`);
  return 0;
}

async function resend(store: Store, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, { 'all-failed': { type: 'boolean' } }, true, USAGE);
  if (Boolean(values['all-failed']) === positionals.length > 0) throw new InvalidInputError(`name message ids or --all-failed, not both (${USAGE})`);
  const now = Date.now();
  let queued = 0;
  const missing: string[] = [];
  if (values['all-failed']) {
    // Each round requeues what it listed, so the next round's page holds only the ones left.
    for (let page = await failedDeliveries(store.repo, { limit: PAGE }); page.length > 0; page = await failedDeliveries(store.repo, { limit: PAGE })) {
      for (const f of page) if (await requeueFailed(store, f.messageId, now)) queued += 1;
    }
  } else {
    for (const id of positionals) {
      if (await requeueFailed(store, id, now)) queued += 1;
      else missing.push(id);
    }
  }
  io.stdout.write(`queued ${queued} ${queued === 1 ? 'reply' : 'replies'} for delivery; the running server sends them\n`);
  if (missing.length > 0) {
    io.stderr.write(`no failed delivery for: ${missing.join(', ')}\n`);
    return 1;
  }
  return 0;
}
