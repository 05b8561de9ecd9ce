import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerLogger } from './worker-logger.ts';

afterEach(() => vi.restoreAllMocks());

/** The JSON lines the logger hands to console.log/warn/error. */
function captureLines() {
  const lines: Record<string, unknown>[] = [];
  const keep = (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>);
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
  vi.spyOn(console, 'error').mockImplementation(keep);
  return lines;
}

describe('the Workers logger', () => {
  it('writes one JSON line per entry at or above its level, with its bindings', () => {
    const lines = captureLines();
    const logger = createWorkerLogger('info').child({ requestId: 'r1' });
    logger.debug('not written');
    logger.info({ messageId: 'm1' }, 'reply stored');
    logger.warn('slow');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, app: 'frontdesk', requestId: 'r1', messageId: 'm1', msg: 'reply stored' }),
      expect.objectContaining({ level: 40, msg: 'slow' }),
    ]);
  });

  it('never writes a credential field, at any depth, nor the values of a failed query', () => {
    const lines = captureLines();
    const error = Object.assign(new Error('Failed query: insert into contacts\nparams: +15551234567,ada@example.com'), { params: ['+15551234567'] });
    createWorkerLogger('info').error({ err: error, headers: { authorization: 'Bearer fdk_secret', cookie: 'fd_session=x' }, config: { sms: { authToken: 'tw-secret' } } }, 'ingest failed');
    const written = JSON.stringify(lines);
    for (const secret of ['fdk_secret', 'fd_session=x', 'tw-secret', '+15551234567', 'ada@example.com']) expect(written).not.toContain(secret);
    expect(lines[0]).toMatchObject({ headers: { authorization: '[redacted]', cookie: '[redacted]' }, err: { message: 'Failed query: insert into contacts\nparams: [redacted]' } });
  });
});
