/** Text folding shared by search, knowledge matching, slugs and the classifier. */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lowercase with accents removed ("Café" → "cafe"), so spellings with and without them meet. */
export function foldText(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
}
