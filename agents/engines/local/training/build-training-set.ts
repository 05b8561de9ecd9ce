/**
 * Builds the default triage training set of the demo store from the Bitext customer-service
 * utterances (CDLA-Sharing-1.0, see config/demo/training/README.md):
 *
 *   npx tsx agents/engines/local/training/build-training-set.ts [SOURCE_CSV] [OUT_JSONL]
 *
 * Keeps the Bitext intent as the label (the intent → route map lives in the deployment's agents.yaml) and at
 * most {@link PER_INTENT} rows per intent, picked deterministically (seeded shuffle of the
 * de-duplicated utterances), so the committed file stays small and reproducible.
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
/** Where the shared data lives relative to the project root. */
export const DEFAULT_SOURCE = resolve(ROOT, '../shared/data/bitext/utterances-20k.csv');
/** The committed training set. */
export const DEFAULT_OUTPUT = resolve(ROOT, 'config/demo/training/bitext-intents.jsonl');

/** Samples at most `perIntent` distinct utterances per intent from Bitext CSV text. */
export function buildTrainingSet(csv: string, perIntent = PER_INTENT, seed = SEED): Example[] {
  const records = parseCsvRecords(csv);
  if (records.length === 0 || !('utterance' in records[0]!) || !('intent' in records[0]!)) {
    throw new Error('expected the Bitext CSV with columns flags,utterance,category,intent');
  }
  const byIntent = new Map<string, Set<string>>();
  for (const r of records) {
    const text = r.utterance!.trim().replace(/\s+/g, ' ');
    const intent = r.intent!.trim();
    if (!text || !intent) continue;
    if (!byIntent.has(intent)) byIntent.set(intent, new Set());
    byIntent.get(intent)!.add(text);
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
  const source = process.argv[2] ?? DEFAULT_SOURCE;
  const output = process.argv[3] ?? DEFAULT_OUTPUT;
  const examples = buildTrainingSet(readFileSync(source, 'utf8'));
  mkdirSync(dirname(output), { recursive: true });
  const jsonl = toJsonl(examples);
  writeFileSync(output, jsonl);
  const intents = new Set(examples.map((e) => e.label)).size;
  console.log(`wrote ${examples.length} rows, ${intents} intents, ${(jsonl.length / 1024).toFixed(0)} KB → ${output}`);
}
