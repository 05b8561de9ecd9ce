/**
 * Why the HTTP server could not listen, said so that someone starting Frontdesk for the first time
 * knows what to change (a stack trace of `listen EADDRINUSE` names neither the setting nor the fix).
 */
import { createServer } from 'node:net';
import { ConfigError } from '../core/errors.ts';

/** The listen error as a ConfigError naming PORT or HOST and what to do; other errors unchanged. */
export function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new ConfigError(`port ${port} is already in use on ${host} (another Frontdesk or another server): stop it, or choose a free port, e.g. PORT=${port === 65535 ? 3001 : port + 1}`);
  }
  if (code === 'EACCES') return new ConfigError(`not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges): choose another port, e.g. PORT=3000`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConfigError(`HOST=${host} is not an address of this machine: use HOST=0.0.0.0 (every interface) or HOST=127.0.0.1 (this machine only)`);
  }
  return error;
}

/**
 * Fails at once when the port cannot be listened on, before start-up spends its time (migrations,
 * the first training of the triage model). Another process may still take it in between; the
 * real listen reports that the same way.
 */
export function checkCanListen(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(error, port, host)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
