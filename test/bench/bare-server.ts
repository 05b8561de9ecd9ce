/**
 * The baseline of the benchmark: the least a hono + better-sqlite3 endpoint can do per message
 * (parse JSON, insert one row, answer). Same runtime, same database settings as Frontdesk.
 */
import Database from 'better-sqlite3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';

const db = new Database(process.env.BARE_DB ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table if not exists messages (id text primary key, conversation_id text not null, text text not null, created_at integer not null)');
const insert = db.prepare('insert into messages (id, conversation_id, text, created_at) values (?, ?, ?, ?)');

const app = new Hono();
app.post('/v1/conversations/:id/messages', async (c) => {
  const body = (await c.req.json()) as { text: string };
  const id = randomUUID();
  insert.run(id, c.req.param('id'), body.text, Date.now());
  return c.json({ message: { id, text: body.text } });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => process.stdout.write('ready\n'));
