/** Suggestions for a mistyped command, subcommand or option name. */

/** The candidate a typo most likely meant: within two edits, or the only one it begins. */
export function closest(word: string, candidates: string[]): string | null {
  const typed = word.toLowerCase();
  const scored = candidates.map((c) => ({ c, d: editDistance(typed, c) })).sort((a, b) => a.d - b.d);
  if (scored[0] && scored[0].d <= Math.min(2, Math.floor(word.length / 2))) return scored[0].c;
  if (word.length < 2) return null;
  const prefixed = candidates.filter((c) => c.startsWith(typed));
  return prefixed.length === 1 ? prefixed[0]! : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
