import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.ts';
import { createSqliteStore } from '../../../src/store/sqlite/index.ts';
import { createLiveKnowledge, type LiveKnowledge } from './live-knowledge.ts';

const NOW = Date.UTC(2026, 10, 24, 12);
const QUESTION = 'can your workshop true my bicycle wheels';
const article = (slug: string, title: string, body: string) => ({ slug, title, body, tags: [], now: NOW });

let store: Store;
let clock = NOW;
let live: LiveKnowledge;
const errors: unknown[] = [];

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.repo.upsertArticle(article('returns', 'Returns', 'Send items back within 30 days for a refund.'));
  await store.repo.upsertArticle(article('shipping', 'Shipping', 'Parcels arrive in 3 to 5 working days.'));
  live = await createLiveKnowledge({ store, now: () => clock, checkEveryMs: 1_000, onError: (e) => errors.push(e) });
});
afterAll(async () => store.close());

describe('live knowledge evidence', () => {
  it('starts from the articles in the store', () => {
    expect(live.match('how many days do I have to send items back for a refund').slug).toBe('returns');
    expect(live.match(QUESTION).slug).toBeNull();
  });

  it('takes up a new article on refresh()', async () => {
    await store.repo.createArticle(article('workshop', 'Bicycle workshop', 'Our workshop trues bicycle wheels and adjusts brakes.'));
    expect(live.match(QUESTION).slug).toBeNull(); // no check due yet
    await live.refresh();
    expect(live.match(QUESTION).slug).toBe('workshop');
  });

  it('checks the store by itself once the interval has passed, and forgets a deleted article', async () => {
    await store.repo.deleteArticle('workshop');
    clock += 999;
    live.match(QUESTION); // too early: no check started
    expect(live.match(QUESTION).slug).toBe('workshop');
    clock += 1;
    live.match(QUESTION); // starts a background check
    await live.refresh(); // queued behind it
    expect(live.match(QUESTION).slug).toBeNull();
    expect(errors).toEqual([]);
  });

  it('rebuilds the passage vocabulary, tags and known words with the evidence', async () => {
    const before = live.current();
    expect(before.vocabulary.idf('saddle')).toBeUndefined();
    expect(before.hasWord('saddle')).toBe(false);
    expect(before.tagsOf('saddles')).toBe('');
    await store.repo.createArticle({ ...article('saddles', 'Saddle fitting', 'We fit a saddle to your riding position.'), tags: ['comfort', 'bike fit'] });
    await live.refresh();
    const after = live.current();
    expect(after.vocabulary.idf('saddle')).toBeGreaterThan(0);
    expect(after.hasWord('saddle')).toBe(true);
    expect(after.tagsOf('saddles')).toBe('comfort bike fit');
    expect(after.match('can you fit a saddle to my riding position').slug).toBe('saddles');
    await store.repo.deleteArticle('saddles');
    await live.refresh();
    expect(live.current().hasWord('saddle')).toBe(false);
    expect(live.current().vocabulary.idf('saddle')).toBeUndefined();
  });

  it('keeps the previous evidence when the store fails, and reports it', async () => {
    const other = createSqliteStore({ path: ':memory:' });
    await other.migrate();
    await other.repo.upsertArticle(article('returns', 'Returns', 'Send items back within 30 days for a refund.'));
    const broken = await createLiveKnowledge({ store: other, now: () => clock, onError: (e) => errors.push(e) });
    await other.close();
    await expect(broken.refresh()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(broken.match('how many days do I have to send items back for a refund').slug).toBe('returns');
  });
});
