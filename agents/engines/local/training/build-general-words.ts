/**
 * Builds agents/engines/local/general-words.json: in how many of ~46,000 customer messages of
 * many businesses each word occurs (Bitext's 20k support utterances, Banking77's training split,
 * CLINC150's train and validation splits: ../shared/data), as stemmed by answerability.ts.
 *
 * The answerability model needs to tell a question's topic words from its everyday words: a word
 * the knowledge base never uses means a topic it does not cover ("wholesale") only when it is
 * rare in what customers write anywhere; "yesterday" or "roughly" say nothing about the topic.
 * Words met fewer than MIN_COUNT times are left out (they count as rare).
 *
 * Run: `npx tsx agents/engines/local/training/build-general-words.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentWords } from '../answerability.ts';
import { parseClinc, parseLabelledCsv } from './datasets.ts';

const here = dirname(fileURLToPath(import.meta.url));
const data = resolve(here, '../../../../../shared/data');
const MIN_COUNT = 3;

const read = (path: string) => readFileSync(resolve(data, path), 'utf8');
const texts = [
  ...parseLabelledCsv(read('bitext/utterances-20k.csv'), 'bitext'),
  ...parseLabelledCsv(read('banking77/train.csv'), 'banking77'),
  ...parseClinc(read('clinc150/dev.json'), ['train', 'val'], 'clinc150'),
].map((e) => e.text);

const counts = new Map<string, number>();
for (const text of texts) for (const w of contentWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
const kept = [...counts].filter(([, n]) => n >= MIN_COUNT).sort(([a], [b]) => (a < b ? -1 : 1));
const out = {
  source: 'Bitext utterances-20k (CDLA-Sharing-1.0), Banking77 train (CC BY 4.0), CLINC150 train+val (CC BY 3.0); see ../shared/data/README.md',
  messages: texts.length,
  documentFrequency: Object.fromEntries(kept),
};
writeFileSync(resolve(here, '../general-words.json'), `${JSON.stringify(out)}\n`);
console.log(`${texts.length} messages, ${kept.length} words kept (of ${counts.size})`);
