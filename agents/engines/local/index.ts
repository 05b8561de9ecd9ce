/**
 * Builds the embedded engine of a deployment: the triage classifier is trained on the shipped
 * examples (config/triage), the graph's own examples and the route corrections humans made,
 * and cached on disk so restarts are instant.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentEngine, Store } from '../../../src/core/ports.ts';
import type { AgentGraph } from '../../graph.ts';
import type { Example } from './classifier/index.ts';
import { splitPassages } from '../../../src/core/passages.ts';
import { buildVocabulary } from './answerability.ts';
import { tokenize } from './classifier/index.ts';
import { createLocalEngine } from './engine.ts';
import { createKnowledgeEvidence } from './knowledge-evidence.ts';
import { detectLanguage } from './language.ts';
import { loadTriageModel } from './training/triage-model.ts';

export { createLocalEngine } from './engine.ts';

const DEFAULT_TRAINING_SET = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/triage/bitext-intents.jsonl');

export function readJsonlExamples(path: string): Example[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Example);
}

/** Training weight of a hand-written example relative to a shipped one. */
export const WRITTEN_EXAMPLE_WEIGHT = 4;

/** Every example the deployment's triage learns from. */
export async function triageExamples(graph: AgentGraph, store: Store | null, trainingSet = DEFAULT_TRAINING_SET): Promise<Example[]> {
  const shipped = readJsonlExamples(trainingSet);
  // Written for this deployment in its channels' own phrasing, they are few beside the templated
  // shipped rows: each counts as several so that it shapes the decision boundaries.
  const written = Object.entries(graph.triage.examples).flatMap(([label, texts]) =>
    texts.map((text) => ({ text, label, weight: WRITTEN_EXAMPLE_WEIGHT })),
  );
  // A correction names a route; routes are labels of their own (the engine maps them to themselves).
  // Corrections are real messages of this deployment too, so they weigh as much as written ones.
  const corrections = store
    ? (await store.repo.listRouteCorrections()).map((c) => ({ text: c.text, label: c.toRoute, weight: WRITTEN_EXAMPLE_WEIGHT }))
    : [];
  return [...shipped, ...written, ...corrections];
}

export async function createDeploymentEngine(opts: {
  graph: AgentGraph;
  store: Store;
  cacheDir: string | null;
  confidenceThreshold?: number;
}): Promise<AgentEngine> {
  const examples = await triageExamples(opts.graph, opts.store);
  const classifier = await loadTriageModel({ examples, cacheDir: opts.cacheDir });
  // Evidence from the articles in the store when the engine starts (`kb import` takes effect on restart).
  const articles = await opts.store.repo.listArticles();
  const knowledge = createKnowledgeEvidence(articles);
  const tagsBySlug = new Map(articles.map((a) => [a.slug, a.tags.join(' ')]));
  const passages = articles.flatMap((a) => splitPassages(a).map((p) => `${a.title} ${a.tags.join(' ')} ${p.heading ?? ''} ${p.text}`));
  // Every word the deployment has seen in its examples and articles: a message of none of them is unclear.
  const known = new Set<string>();
  for (const e of examples) for (const w of tokenize(e.text)) known.add(w);
  for (const a of articles) for (const w of tokenize(`${a.title} ${a.tags.join(' ')} ${a.body}`)) known.add(w);
  return createLocalEngine({
    graph: opts.graph,
    classify: (text) => classifier.predict(text),
    knowledge,
    vocabulary: buildVocabulary(passages, examples.map((e) => e.text)),
    tagsOf: (slug) => tagsBySlug.get(slug) ?? '',
    isKnownWord: (word) => tokenize(word).some((w) => known.has(w)),
    detectLanguage,
    confidenceThreshold: opts.confidenceThreshold,
  });
}
