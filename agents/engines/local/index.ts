/**
 * Builds the embedded engine of a deployment: the triage classifier is trained on the
 * deployment's training/ examples (its general base rows and its own, which weigh more) and the
 * route corrections humans made, and cached on disk so restarts are instant.
 */
import { readFileSync } from 'node:fs';
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

export function readJsonlExamples(path: string): Example[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Example);
}

/** What a deployment trains its triage on (config/deployment's Deployment has this shape). */
export interface TriageTraining {
  /** The graph; its `triage.examples` are the deployment's own examples, by label. */
  graph: AgentGraph;
  training: {
    /** General phrasing rows (weight 1). */
    base: Example[];
    /** How many base rows one own example (or route correction) counts as. */
    weight: number;
  };
}

/** Every example the deployment's triage learns from. */
export async function triageExamples(deployment: TriageTraining, store: Store | null): Promise<Example[]> {
  const { graph, training } = deployment;
  // Written for this deployment in its channels' own phrasing, they are few beside the templated
  // base rows: each counts as several so that it shapes the decision boundaries.
  const written = Object.entries(graph.triage.examples).flatMap(([label, texts]) =>
    texts.map((text) => ({ text, label, weight: training.weight })),
  );
  // A correction names a route; routes are labels of their own (the engine maps them to themselves).
  // Corrections are real messages of this deployment too, so they weigh as much as written ones.
  const corrections = store
    ? (await store.repo.listRouteCorrections()).map((c) => ({ text: c.text, label: c.toRoute, weight: training.weight }))
    : [];
  return [...training.base, ...written, ...corrections];
}

export async function createDeploymentEngine(opts: {
  deployment: TriageTraining & { name: string };
  store: Store;
  cacheDir: string | null;
  confidenceThreshold?: number;
}): Promise<AgentEngine> {
  const { graph } = opts.deployment;
  const examples = await triageExamples(opts.deployment, opts.store);
  const classifier = await loadTriageModel({ examples, cacheDir: opts.cacheDir, deployment: opts.deployment.name });
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
    graph,
    classify: (text) => classifier.predict(text),
    knowledge,
    vocabulary: buildVocabulary(passages),
    tagsOf: (slug) => tagsBySlug.get(slug) ?? '',
    isKnownWord: (word) => tokenize(word).some((w) => known.has(w)),
    detectLanguage,
    confidenceThreshold: opts.confidenceThreshold,
  });
}
