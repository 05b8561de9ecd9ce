/**
 * Builds the default triage training set of the demo store from the Bitext customer-service
 * files (CDLA-Sharing-1.0, see config/demo/training/README.md):
 *
 *   npx tsx agents/engines/local/training/build-training-set.ts [OUT_JSONL]
 *
 * Keeps the Bitext intent as the label (the intent → route map lives in the deployment's agents.yaml) and at
 * most {@link PER_INTENT} rows per intent, picked deterministically (seeded shuffle of the
 * de-duplicated utterances), so the committed file stays small and reproducible.
 *
 * Both Bitext files are read: the 20k utterances alone are lopsided (36 cancel_order rows beside
 * 350 check_cancellation_fee, 70 place_order), and a need with few rows loses every message that
 * shares words with a bigger one ("order cancellations" went to billing). The 4.5k responses
 * file asks the same intents in other words, about 150 each, and brings the small ones to par.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Example } from '../classifier/index.ts';
import { createRandom, shuffle } from '../classifier/random.ts';
import { parseCsvRecords } from './csv.ts';

/** Most rows kept per intent. */
export const PER_INTENT = 350;
const SEED = 20240;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where the shared data lives relative to the project root: the utterances and the responses file's questions. */
export const DEFAULT_SOURCES = ['utterances-20k.csv', 'responses-4.5k.csv'].map((f) => resolve(ROOT, '../shared/data/bitext', f));
/** The committed training set. */
export const DEFAULT_OUTPUT = resolve(ROOT, 'config/demo/training/bitext-intents.jsonl');

/**
 * Samples at most `perIntent` distinct utterances per intent from Bitext CSV texts (the
 * utterances file's `utterance` column, the responses file's `instruction` column).
 */
export function buildTrainingSet(csvs: string[], perIntent = PER_INTENT, seed = SEED): Example[] {
  const byIntent = new Map<string, Set<string>>();
  for (const csv of csvs) {
    const records = parseCsvRecords(csv);
    const column = ['utterance', 'instruction'].find((c) => records[0] && c in records[0]);
    if (!column || !('intent' in records[0]!)) {
      throw new Error('expected a Bitext CSV with an utterance (or instruction) and an intent column');
    }
    for (const r of records) {
      const text = r[column]!.trim().replace(/\s+/g, ' ');
      const intent = r.intent!.trim();
      if (!text || !intent) continue;
      if (!byIntent.has(intent)) byIntent.set(intent, new Set());
      byIntent.get(intent)!.add(text);
    }
  }
  const random = createRandom(seed);
  const out: Example[] = [];
  for (const intent of [...byIntent.keys()].sort()) {
    const texts = shuffle([...byIntent.get(intent)!].sort(), random).slice(0, perIntent);
    for (const text of texts) out.push({ text, label: intent });
  }
  return out;
}

/** Serialises examples as JSONL. */
export function toJsonl(examples: Example[]): string {
  return examples.map((e) => JSON.stringify({ text: e.text, label: e.label })).join('\n') + '\n';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const output = process.argv[2] ?? DEFAULT_OUTPUT;
  const examples = buildTrainingSet(DEFAULT_SOURCES.map((source) => readFileSync(source, 'utf8')));
  mkdirSync(dirname(output), { recursive: true });
  const jsonl = toJsonl(examples);
  writeFileSync(output, jsonl);
  const intents = new Set(examples.map((e) => e.label)).size;
  console.log(`wrote ${examples.length} rows, ${intents} intents, ${(jsonl.length / 1024).toFixed(0)} KB → ${output}`);
}
