/**
 * Generated article text for the knowledge-search tests: a seeded stream of words where word i
 * comes with probability ∝ 1/(i+1), so the first words are in most articles and most words in
 * few — the shape that makes ranking every match slow and pruning pay off.
 */
export { createRandom } from '../../agents/engines/local/classifier/random.ts';

const VOCABULARY = 400;

/** `count` words drawn from the Zipf vocabulary, joined by spaces. */
export function zipfWords(random: () => number): (count: number) => string {
  const weights = Array.from({ length: VOCABULARY }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((s, w) => s + w, 0);
  return (count) =>
    Array.from({ length: count }, () => {
      let x = random() * total;
      let i = 0;
      while ((x -= weights[i]!) > 0) i++;
      return `word${i}`;
    }).join(' ');
}
