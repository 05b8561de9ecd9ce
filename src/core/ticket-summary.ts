/**
 * A ticket's summary says what the customer needs, for the person who picks the ticket up: the
 * case as people name it (from the ticket's category: "damaged_item" → "Damaged item"), the order
 * it concerns, and the customer's key sentence. The key sentence is the sentence of their recent
 * messages with the most content words (greetings, politeness and "let me talk to a person" do
 * not count), newest first on a tie; so "hi" or "a human please" never stands in for the problem
 * they described a message earlier. Without any such sentence the case alone is the summary.
 */

/** Words that say nothing about the problem: greetings, politeness, asking for a person, and the commonest function words. */
const FILLER = new Set(
  (
    'hi hello hey hiya dear good morning afternoon evening thanks thank you cheers please pls plz regards best kind ' +
    'human person agent someone somebody real representative rep staff support team speak talk chat connect transfer ' +
    'the and for but not are was were has have had can could would should will shall may might must does did done ' +
    'this that these those there here with from into onto about your yours mine our ours their they them what which who ' +
    'how why when where just also very really yes okay any some get got need want like help'
  ).split(' '),
);
const MAX_SENTENCE = 160;
const MAX_SUMMARY = 240;

/** "damaged_item" → "Damaged item"; a qualifier after a colon ("other_language:fr") is left out. */
export function caseName(category: string): string {
  const words = category.split(':')[0]!.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Support request';
}

function contentWords(sentence: string): number {
  const words = sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  return words.filter((w) => (w.length >= 3 || /\d/.test(w)) && !FILLER.has(w)).length;
}

/** The sentence that best says what the customer wants, from their messages newest first; null when none says anything. */
export function keySentence(customerTexts: string[]): string | null {
  let best: { sentence: string; score: number } | null = null;
  for (const text of customerTexts) {
    for (const raw of text.split(/(?<=[.!?])\s+|\n+/)) {
      const sentence = raw.replace(/\s+/g, ' ').trim();
      const score = contentWords(sentence);
      // At least two content words: "order late?" says something, "hi there" does not.
      if (score >= 2 && (!best || score > best.score)) best = { sentence, score };
    }
  }
  if (!best) return null;
  return best.sentence.length <= MAX_SENTENCE ? best.sentence : `${best.sentence.slice(0, MAX_SENTENCE - 1)}…`;
}

/** The customer's words in an agent run, newest first: the message answered, then earlier inbound ones. */
export function customerTextsOf(input: { message: { text: string }; history: { direction: string; internal: boolean; text: string }[] }): string[] {
  return [input.message.text, ...input.history.filter((m) => m.direction === 'inbound' && !m.internal).map((m) => m.text).reverse()];
}

/**
 * "Damaged item (order NW-10003): The Alpine jacket arrived with a torn zipper."
 * `customerTexts` are the customer's messages, newest first.
 */
export function summarizeNeed(input: { category: string; orderId?: string | null; customerTexts: string[] }): string {
  const head = `${caseName(input.category)}${input.orderId ? ` (order ${input.orderId})` : ''}`;
  const sentence = keySentence(input.customerTexts);
  const summary = sentence ? `${head}: ${sentence}` : head;
  return summary.length <= MAX_SUMMARY ? summary : `${summary.slice(0, MAX_SUMMARY - 1)}…`;
}
