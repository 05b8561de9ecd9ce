/**
 * Reads that every message transaction makes and that seldom change (the active webhook
 * subscriptions), shared by the transactions that ask at about the same time: one read on a
 * connection of its own serves all who asked before it began. It begins after they asked, so
 * each sees what a read of its own would have seen: under READ COMMITTED every statement of a
 * transaction takes a fresh snapshot, and none of these transactions writes what it reads.
 * One read at a time; who asks during it joins the next. Its own connection: a transaction
 * waiting for it must not wait for the pool the transactions hold.
 */
export function sharedRead<T>(load: () => Promise<T>): () => Promise<T> {
  let running: Promise<unknown> = Promise.resolve();
  let next: Promise<T> | null = null;
  return () => {
    if (!next) {
      const read: Promise<T> = running.then(() => {
        next = null; // from here on, who asks waits for a read that begins after them
        return load();
      });
      next = read;
      running = read.catch(() => undefined);
    }
    return next;
  };
}
