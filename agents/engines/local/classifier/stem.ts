/**
 * A light suffix stemmer for the classifier's word features. Training data name a need in some
 * word forms and customers in others: the Bitext rows say "cancel an order" where a customer asks
 * about "order cancellations", and the rows with "cancellation" are about fees. Exact words and
 * character n-grams keep those forms apart; a shared stem lets "cancel", "cancelling",
 * "cancelled" and "cancellations" count as one word. Consistency matters more than linguistics:
 * every form of a word must reach the same stem, whatever that stem looks like.
 */

/** Suffixes removed, first match only; -ication, -ies and -ied end in y ("modification", "modified" → "modify"). */
const SUFFIXES: [RegExp, string][] = [
  [/(?:ications?|ies|ied)$/, 'y'],
  [/(?:ations?|ments?|ings?)$/, ''],
  [/(?:ed|es)$/, ''],
  [/([^su])s$/, '$1'],
];
const DOUBLED = /([b-df-hj-np-tv-z])\1$/;
const SHORTEST = 3;

/** The stem of a lower-case word: inflections and -ation/-ment nouns of one verb meet. */
export function stem(word: string): string {
  if (word.length <= SHORTEST + 1) return word;
  let w = word;
  for (const [suffix, replacement] of SUFFIXES) {
    const cut = w.replace(suffix, replacement);
    if (cut !== w && cut.length >= SHORTEST) {
      w = cut;
      break;
    }
  }
  return w.replace(/e$/, '').replace(DOUBLED, '$1');
}
