/**
 * Why PostgreSQL could not be reached, in words that name DATABASE_URL and what to do. Without
 * this, a wrong DATABASE_URL surfaced as drizzle's "Failed query: CREATE SCHEMA …" stack trace.
 * The URL's password is never repeated.
 */
import type pg from 'pg';
import { ConfigError } from '../../core/errors.ts';

/** Asks the server one trivial question; a failure to connect becomes a ConfigError naming DATABASE_URL. */
export async function checkConnection(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (error) {
    throw connectError(error, url);
  }
}

/** The error as a ConfigError when it is about reaching the server; any other error unchanged. */
export function connectError(error: unknown, url: string): unknown {
  const code = (error as { code?: string } | null)?.code;
  const { host, port, database, user } = partsOf(url);
  const server = `${host}:${port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new ConfigError(`DATABASE_URL: nothing answers at ${server} (connection refused): start PostgreSQL there, or correct the host and port`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`DATABASE_URL: the host ${host} is not found: correct it (example: DATABASE_URL=postgres://frontdesk@localhost:5432/frontdesk)`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new ConfigError(`DATABASE_URL: no answer from ${server}: is the server up and reachable from here (firewall, network)?`);
    case '3D000':
      return new ConfigError(`DATABASE_URL: the database "${database}" does not exist on ${server}: create it (createdb ${database}) or name another`);
    case '28P01':
    case '28000':
      return new ConfigError(`DATABASE_URL: ${server} refused user "${user}": ${(error as Error).message}`);
    default:
      return error;
  }
}

function partsOf(url: string): { host: string; port: string; database: string; user: string } {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname || 'localhost',
      port: parsed.port || '5432',
      database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres',
      user: decodeURIComponent(parsed.username) || '(default)',
    };
  } catch {
    return { host: '?', port: '?', database: '?', user: '?' };
  }
}
