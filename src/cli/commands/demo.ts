import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config/env.ts';
import { sampleMessages } from '../../../config/demo/sample-messages.ts';
import { loadDeployment } from '../../../config/deployment/index.ts';
import type { ChannelAdapter } from '../../core/ports.ts';
import type { ChannelKind } from '../../core/types.ts';
import { createFrontdesk } from '../../entry/node.ts';
import type { Io } from '../main.ts';

/** Stands in for a provider the demo cannot reach: the reply is printed instead of sent. */
const printed = (kind: ChannelKind): ChannelAdapter => ({ kind, send: async () => ({ status: 'delivered' }) });

/**
 * `frontdesk demo`: the sample messages of config/demo go through the real pipeline (a throwaway
 * SQLite database with the demo store's data) and the replies are printed. It always runs the
 * demo deployment, whatever FRONTDESK_DEPLOYMENT says: the samples are the demo store's.
 */
export async function demo(_args: string[], io: Io): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-demo-'));
  const config = loadConfig({ ...io.env, DATABASE_URL: undefined, SQLITE_PATH: join(dir, 'demo.db'), LOG_LEVEL: 'warn' });
  const frontdesk = await createFrontdesk({
    config,
    deployment: loadDeployment(),
    modelCacheDir: join(process.cwd(), 'data'),
    adapters: (['sms', 'email', 'slack'] as const).map(printed),
  });
  try {
    let correct = 0;
    for (const sample of sampleMessages) {
      const received = await frontdesk.pipeline.receive({
        channel: sample.channel,
        from: { address: sample.from, ...(sample.channel === 'email' ? { email: sample.from } : {}) },
        text: sample.text,
        receivedAt: Date.now(),
        thread: {},
        attachments: [],
      });
      const reply = await received.reply;
      const tickets = await frontdesk.store.repo.listTickets({ conversationId: received.conversation.id });
      const route = reply?.route ?? '—';
      if (route === sample.expect) correct += 1;
      io.stdout.write(
        [
          `[${sample.channel}] ${sample.from}: ${sample.text.replace(/\s+/g, ' ')}`,
          `  → ${reply?.agentName ?? 'no reply'} (route ${route}, confidence ${reply?.confidence?.toFixed(2) ?? '—'}${tickets[0] ? `, ticket ${tickets[0].id} ${tickets[0].status}` : ''})`,
          ...(reply?.text ?? '').split('\n').map((line) => `    ${line}`),
          '',
        ].join('\n') + '\n',
      );
    }
    io.stdout.write(`${correct}/${sampleMessages.length} messages went to the expected route.\n`);
    return 0;
  } finally {
    await frontdesk.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
