import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';

describe('configuration', () => {
  it('runs on defaults: SQLite, web only, embedded engine', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'sqlite', path: './data/frontdesk.db' });
    expect([config.sms, config.email, config.slack, config.openai]).toEqual([null, null, null, null]);
    expect(config.port).toBe(3000);
  });

  it('caches the trained triage model beside the SQLite file, else in the repository\'s data/', () => {
    expect(loadConfig({ SQLITE_PATH: '/srv/frontdesk/hub.db' }).modelCacheDir).toBe('/srv/frontdesk');
    const repoData = resolve(import.meta.dirname, '..', 'data');
    expect(loadConfig({ SQLITE_PATH: ':memory:' }).modelCacheDir).toBe(repoData);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).modelCacheDir).toBe(repoData);
  });

  it('turns a channel on only when its credentials are all there', () => {
    expect(loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }).sms).toBeNull();
    expect(loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 't' }).sms?.maxSegments).toBe(3);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database.kind).toBe('postgres');
    expect(loadConfig({ PORT: '' }).port).toBe(3000); // empty means unset
  });

  it('names the variable and an example when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*\(example: PORT=3000\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must start with postgres:\/\//);
    // Every problem is listed at once, not just the first.
    const both = () => loadConfig({ TWILIO_ACCOUNT_SID: 'nope', TRUST_PROXY: 'maybe' });
    expect(both).toThrow(/TWILIO_ACCOUNT_SID: must look like AC/);
    expect(both).toThrow(/TRUST_PROXY: /);
  });
});
