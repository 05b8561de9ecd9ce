import { describe, expect, it } from 'vitest';
import { sharedRead } from './shared-reads.ts';

/** A load whose reads the test finishes one by one; `started` counts the reads begun. */
function controlledLoad() {
  const finishers: ((value: number) => void)[] = [];
  const failers: ((error: Error) => void)[] = [];
  let started = 0;
  const load = () =>
    new Promise<number>((resolve, reject) => {
      started += 1;
      finishers.push(resolve);
      failers.push(reject);
    });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { load, started: () => started, finish: (i: number, value: number) => finishers[i]!(value), fail: (i: number, error: Error) => failers[i]!(error), flush };
}

describe('sharedRead', () => {
  it('serves everyone who asked before a read began with that read, and who asks during it with the next', async () => {
    const c = controlledLoad();
    const read = sharedRead(c.load);
    const early = [read(), read(), read()];
    await c.flush();
    expect(c.started()).toBe(1);
    const late = [read(), read()]; // the first read has begun: these need one that begins after them
    await c.flush();
    expect(c.started()).toBe(1); // one at a time
    c.finish(0, 10);
    expect(await Promise.all(early)).toEqual([10, 10, 10]);
    await c.flush();
    expect(c.started()).toBe(2);
    c.finish(1, 20);
    expect(await Promise.all(late)).toEqual([20, 20]);
  });

  it('gives a failed read\'s error to those who joined it, and reads again for the next', async () => {
    const c = controlledLoad();
    const read = sharedRead(c.load);
    const failed = [read(), read()];
    await c.flush();
    c.fail(0, new Error('connection lost'));
    await expect(Promise.all(failed)).rejects.toThrow('connection lost');
    const again = read();
    await c.flush();
    c.finish(1, 30);
    expect(await again).toBe(30);
  });
});
