import { loadConfig } from '../../../config/env.ts';
import { checkCanListen } from '../../entry/listen-errors.ts';
import { createFrontdesk, listen, loadConfiguredDeployment } from '../../entry/node.ts';
import type { Io } from '../main.ts';

/** Serves until SIGINT/SIGTERM, then drains in-flight work and closes the database. */
export async function serve(_args: string[], io: Io): Promise<number> {
  const config = loadConfig(io.env);
  const deployment = loadConfiguredDeployment(config);
  // Before start-up spends its time (migrations, the first training of the triage model).
  await checkCanListen(config.port, config.host);
  const frontdesk = await createFrontdesk({ config, deployment });
  const server = await listen(frontdesk.app, config.port, config.host).catch(async (error) => {
    await frontdesk.stop();
    throw error;
  });
  await frontdesk.start();
  const listening = listeningOn(server, config.host, config.port);
  frontdesk.logger.info(
    { listening, publicUrl: config.publicUrl, database: config.database.kind, engine: frontdesk.engine.name, channels: frontdesk.adapters.map((a) => a.kind) },
    `Frontdesk is listening on ${listening} (public URL ${config.publicUrl})`,
  );
  const shutdown = async (signal: string) => {
    frontdesk.logger.info({ signal }, 'shutting down');
    server.close();
    await frontdesk.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}

/** HOST:PORT the socket is bound to (the port the OS picked when PORT is 0), IPv6 in brackets. */
export function listeningOn(server: { address(): unknown }, host: string, port: number): string {
  const bound = server.address() as { address: string; port: number } | string | null;
  if (!bound || typeof bound === 'string') return `${host}:${port}`;
  return bound.address.includes(':') ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
}
