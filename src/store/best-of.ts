/**
 * The few best of many (the top rows of a search among thousands of matches) in one pass: a
 * sorted array of at most `limit` items, each new item compared with the worst kept first.
 */

/** The `limit` best `items`, best first; `before(a, b)` says whether a strictly comes before b. */
export function bestOf<T>(items: Iterable<T>, limit: number, before: (a: T, b: T) => boolean): T[] {
  const best: T[] = [];
  if (limit < 1) return best;
  for (const item of items) {
    if (best.length === limit && !before(item, best[limit - 1]!)) continue;
    let at = best.length < limit ? best.length : limit - 1;
    if (best.length < limit) best.push(item);
    while (at > 0 && before(item, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = item;
  }
  return best;
}
