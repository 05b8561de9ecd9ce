import { createServer, type Server } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { checkCanListen, listenError } from './listen-errors.ts';
import { listen } from './node.ts';

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A port some other server holds on 127.0.0.1. */
async function takenPort(): Promise<number> {
  const server = createServer();
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('listen errors', () => {
  it('names the port in use and a free one to choose, before start-up and at listen', async () => {
    const port = await takenPort();
    const message = new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1 .*PORT=${port + 1}`);
    await expect(checkCanListen(port, '127.0.0.1')).rejects.toThrow(message);
    const refused = listen(new Hono(), port, '127.0.0.1');
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(message);
  });

  it('passes a free port', async () => {
    const port = await takenPort();
    await new Promise((resolve) => open.pop()!.close(resolve));
    await expect(checkCanListen(port, '127.0.0.1')).resolves.toBeUndefined();
  });

  it('says what HOST may be when it is no address of this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never assigned to a machine.
    await expect(checkCanListen(3000, '192.0.2.1')).rejects.toThrow(/HOST=192\.0\.2\.1 is not an address of this machine: use HOST=0\.0\.0\.0/);
  });

  it('names a privileged port and leaves other errors as they are', () => {
    expect(String(listenError(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }), 80, '0.0.0.0'))).toMatch(/port 80 .*need privileges.*PORT=3000/);
    const other = Object.assign(new Error('boom'), { code: 'EMFILE' });
    expect(listenError(other, 3000, '0.0.0.0')).toBe(other);
  });
});
