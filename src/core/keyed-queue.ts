/**
 * Runs tasks one after another per key (per conversation), concurrently across keys, so two
 * quick messages in one conversation are answered in order and see each other's state.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** Whether a task for `key` is queued or running. */
    busy(key: string): boolean {
      return tails.has(key);
    },
    /** Resolves when every queued task has settled. */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
