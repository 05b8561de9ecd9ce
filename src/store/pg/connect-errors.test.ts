import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.ts';
import { ADMIN_URL, postgresUnavailable } from '../../../test/support/postgres.ts';
import { describeWithService } from '../../../test/support/services.ts';
import { ConfigError } from '../../core/errors.ts';
import { connectError } from './connect-errors.ts';
import { createPgStore } from './index.ts';

/** What migrate (the first contact with the server) rejects with for this DATABASE_URL. */
async function migrateFailure(url: string): Promise<unknown> {
  const store = createPgStore({ url });
  try {
    await store.migrate();
    return null;
  } catch (error) {
    return error;
  } finally {
    await store.close();
  }
}

describe('PostgreSQL that cannot be reached', () => {
  it('names DATABASE_URL, the address and what to do, never the password', async () => {
    const port = await freePort();
    const error = await migrateFailure(`postgres://frontdesk:hunter2-secret@127.0.0.1:${port}/frontdesk`);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`DATABASE_URL: nothing answers at 127.0.0.1:${port} (connection refused): start PostgreSQL there, or correct the host and port`);
  });

  it('leaves errors that are not about reaching the server as they are', () => {
    const other = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(connectError(other, 'postgres://u@h/db')).toBe(other);
  });
});

const reason = await postgresUnavailable();
describeWithService('PostgreSQL', reason)('PostgreSQL without the database named', () => {
  it('says the database does not exist and how to create it', async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = '/frontdesk_no_such_database';
    const error = await migrateFailure(url.toString());
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: the database "frontdesk_no_such_database" does not exist on .+: create it \(createdb frontdesk_no_such_database\) or name another$/);
  });
});
