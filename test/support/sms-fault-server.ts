/**
 * A whole Frontdesk in a child process for the fault tests (test/integration/delivery-faults.test.ts):
 * configured from its environment like `frontdesk serve`, with a scripted engine that answers
 * "Answer to <text>" (no model to train, and every reply names its question). Prints
 * `ready <port>` once it listens and its background sweep runs; it is meant to be killed (-9).
 */
import { loadConfig } from '../../config/env.ts';
import { createFrontdesk, listen } from '../../src/entry/node.ts';
import { listeningOn } from '../../src/cli/commands/serve.ts';

const config = loadConfig(process.env);
const frontdesk = await createFrontdesk({
  config,
  engine: { name: 'scripted', run: async (input) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `Answer to ${input.message.text}` }) },
});
const server = await listen(frontdesk.app, 0, '127.0.0.1');
await frontdesk.start(Number(process.env.SWEEP_INTERVAL_MS ?? 200));
process.stdout.write(`ready ${listeningOn(server, '127.0.0.1', 0).split(':').at(-1)}\n`);
