/**
 * Builds the embedded engine of a deployment: the triage classifier is trained on the
 * deployment's training/ examples (its general base rows and its own, which weigh more) and the
 * route corrections humans made, and cached on disk so restarts are instant.
 */
import { readFileSync } from 'node:fs';
import type { AgentEngine, Store } from '../../../src/core/ports.ts';
import type { AgentGraph } from '../../graph.ts';
import type { Example } from './classifier/index.ts';
import { generalWordsOf } from './answerability.ts';
import { tokenize } from './classifier/index.ts';
import { createLocalEngine } from './engine.ts';
import { detectLanguage } from './language.ts';
import { createLiveKnowledge } from './live-knowledge.ts';
import type { TriagePriors } from './training/priors.ts';
import { loadTriageModel, type PrebuiltModel } from './training/triage-model.ts';

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
  /** The knowledge base's articles (their titles, headings and tags are priors). */
  articles?: { title: string; body: string; tags: string[] }[];
  training: {
    /** General phrasing rows (weight 1). */
    base: Example[];
    /** How many base rows one own example (or route correction) counts as. */
    weight: number;
    /** Learn also from priors (see {@link triagePriors}); off when absent. */
    priors?: boolean;
    /** General rows of another label set, borrowed for routes of the same meaning. */
    general?: Example[];
  };
}

/**
 * What the deployment already knows besides its examples, for few-shot training
 * (training/priors.ts), or null when its priors are off. A route's description rows take the
 * route's one label when its examples use one intent, else the route itself (a route is a label
 * of its own: triage adds up a route's labels).
 */
export function triagePriors(deployment: TriageTraining): TriagePriors | null {
  const { graph, training } = deployment;
  if (!training.priors) return null;
  const used = new Set([...Object.keys(graph.triage.examples), ...training.base.map((e) => e.label)]);
  const routeOf = (label: string) => graph.triage.intents[label] ?? label;
  const routes = graph.agents.map((agent) => {
    const labels = [...used].filter((l) => routeOf(l) === agent.route);
    return { label: labels.length === 1 ? labels[0]! : agent.route, description: agent.description };
  });
  return { routes, articles: deployment.articles ?? [], general: training.general ?? [], weight: training.weight };
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
  /** A model trained at build time for this deployment (Workers); trained here when it does not match. */
  prebuilt?: PrebuiltModel | null;
  /**
   * Learn from the route corrections stored by staff (default true). The Workers build turns it
   * off: a correction would change the model's inputs, and training inside a request there costs
   * more CPU than a request may use, so it keeps the model built at deploy time.
   */
  learnCorrections?: boolean;
  confidenceThreshold?: number;
  /** A failed refresh of the knowledge snapshot (the previous one stays in use). */
  onKnowledgeError?(error: unknown): void;
}): Promise<AgentEngine> {
  const { graph } = opts.deployment;
  const examples = await triageExamples(opts.deployment, opts.learnCorrections === false ? null : opts.store);
  const classifier = await loadTriageModel({ examples, priors: triagePriors(opts.deployment), cacheDir: opts.cacheDir, deployment: opts.deployment.name, prebuilt: opts.prebuilt });
  // Everything taken from the store's articles, rebuilt when they change (live-knowledge.ts).
  const knowledge = await createLiveKnowledge({
    store: opts.store,
    onError: opts.onKnowledgeError,
    generalWords: generalWordsOf(examples.map((e) => e.text)),
  });
  // Every word the deployment has seen in its examples and articles: a message of none of them is unclear.
  const exampleWords = new Set<string>();
  for (const e of examples) for (const w of tokenize(e.text)) exampleWords.add(w);
  const engine = createLocalEngine({
    graph,
    classify: (text) => classifier.predict(text),
    knowledge: knowledge.match,
    // A getter, read by the engine per run: an article change reaches the answers as well as triage.
    get vocabulary() {
      return knowledge.current().vocabulary;
    },
    tagsOf: (slug) => knowledge.current().tagsOf(slug),
    passagesOf: (slug) => knowledge.current().passagesOf(slug),
    isKnownWord: (word) => tokenize(word).some((w) => exampleWords.has(w) || knowledge.current().hasWord(w)),
    detectLanguage,
    confidenceThreshold: opts.confidenceThreshold,
  });
  knowledgeReloads.set(engine, knowledge.refresh);
  return engine;
}

const knowledgeReloads = new WeakMap<AgentEngine, () => Promise<void>>();

/**
 * Rebuilds the knowledge snapshot (evidence, vocabulary, tags, known words) of an engine made by createDeploymentEngine from the store's
 * current articles (call it after changing them); undefined for any other engine. Never rejects.
 */
export function knowledgeReload(engine: AgentEngine): (() => Promise<void>) | undefined {
  return knowledgeReloads.get(engine);
}
