/**
 * What a running engine knows from the articles (knowledge-snapshot.ts: evidence, passage
 * vocabulary, tags, known words), kept in step with the store: articles created, changed or
 * deleted (staff API, console, `frontdesk kb`, another replica) take effect without a restart.
 * Triage asks for evidence synchronously, so everything is read from the snapshot built last; a
 * cheap revision check (count and save times of the articles) runs in the background at most once
 * per `checkEveryMs` when the engine is used, and `refresh()` rebuilds at once when this process
 * made the change.
 */
import type { Store } from '../../../src/core/ports.ts';
import type { KnowledgeMatch } from './knowledge-evidence.ts';
import { buildKnowledgeSnapshot, type KnowledgeSnapshot } from './knowledge-snapshot.ts';

export interface LiveKnowledge {
  /** The article covering most of the message, over the articles of the latest refresh. */
  match(text: string): KnowledgeMatch;
  /** The snapshot of the latest refresh (starts a background check when one is due). */
  current(): KnowledgeSnapshot;
  /** Rebuilds the snapshot if the store's articles changed since it was built; never rejects. */
  refresh(): Promise<void>;
}

export interface LiveKnowledgeOptions {
  store: Store;
  /** Least time between two background revision checks (default 1 s). */
  checkEveryMs?: number;
  now?(): number;
  /** A failed check or rebuild (the previous snapshot stays in use). */
  onError?(error: unknown): void;
  /** Everyday words of the deployment, for the vocabulary (answerability.ts `generalWordsOf`). */
  generalWords?: ReadonlySet<string>;
}

export async function createLiveKnowledge(opts: LiveKnowledgeOptions): Promise<LiveKnowledge> {
  const { store } = opts;
  const now = opts.now ?? Date.now;
  const checkEveryMs = opts.checkEveryMs ?? 1_000;
  // The revision is read before the articles: a change in between only causes one extra rebuild.
  let revision = await store.repo.knowledgeRevision();
  let snapshot = buildKnowledgeSnapshot(await store.repo.listArticles(), opts.generalWords);
  let lastCheck = now();
  // One check at a time, in call order: a refresh asked for during a check runs after it, so it
  // sees every change made before it was asked for.
  let queue: Promise<void> = Promise.resolve();

  async function check() {
    try {
      const current = await store.repo.knowledgeRevision();
      if (current === revision) return;
      const articles = await store.repo.listArticles();
      snapshot = buildKnowledgeSnapshot(articles, opts.generalWords);
      revision = current;
    } catch (error) {
      opts.onError?.(error);
    }
  }

  function refresh(): Promise<void> {
    lastCheck = now();
    queue = queue.then(check);
    return queue;
  }

  function current(): KnowledgeSnapshot {
    if (now() - lastCheck >= checkEveryMs) void refresh();
    return snapshot;
  }

  return {
    match: (text) => current().match(text),
    current,
    refresh,
  };
}
