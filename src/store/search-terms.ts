/**
 * Turns free text into the terms both full-text engines search for (OR-ed, ranked by the engine).
 * Stopwords are dropped so that "how do I…" does not match every article.
 */
import { foldText } from '../core/text.ts';

const STOPWORDS = new Set(
  ('a about am an and any are as at be been but by can could did do does doing for from had has have ' +
    'hello hey hi how i if im in into is it its just me my of on or our please so some than thanks thank ' +
    'that the their them then there these they this to too us was we were what when where which who why ' +
    'will with would you your yours').split(' '),
);

const MAX_TERMS = 32;

export function searchTerms(query: string): string[] {
  const terms = foldText(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return [...new Set(terms)].slice(0, MAX_TERMS);
}
