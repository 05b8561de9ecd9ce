/**
 * `frontdesk eval` — measures triage and knowledge-base quality.
 *
 *   frontdesk eval routes --test FILE [--train FILE [--val FILE] | --threshold P [--cache-dir DIR] | --engine openai] [--json]
 *   frontdesk eval routes [--threshold P] [--cache-dir DIR] [--json]   (a held-out fifth of the deployment's own examples)
 *   frontdesk eval routes --learning-curve --test FILE [--draws N] [--json]
 *   frontdesk eval kb --articles FILE|DIR --queries FILE [--json]
 *   frontdesk eval answers --test FILE [--cache-dir DIR] [--json]
 *
 * Files: JSONL {"text","label"}, CSV (text,label | utterance,intent | text,category) or CLINC150
 * JSON (`file.json:val,oos_val` picks splits; without them `--train` validates on the file's val
 * splits and `--test` reads its test splits). Bad input → one line on stderr, exit code 2.
 * `--engine openai` routes each test text through the model engine's triage agent (OPENAI_* env).
 * `--learning-curve` trains on 5–50 of the deployment's examples per label (learning-curve.ts).
 * `answers` runs a JSONL fixture of questions and dialogues through the real pipeline (eval-answers.ts).
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { trainClassifier, type Example, type TextClassifier } from '../../../agents/engines/local/classifier/index.ts';
import { DatasetError, readExamples, readTestData, readText, readTrainingData } from '../../../agents/engines/local/training/datasets.ts';
import { cleanForTriage } from '../../../agents/engines/local/clean-text.ts';
import { createTriage } from '../../../agents/engines/local/engine.ts';
import { createKnowledgeEvidence } from '../../../agents/engines/local/knowledge-evidence.ts';
import { triageExamples } from '../../../agents/engines/local/index.ts';
import { loadTriageModel } from '../../../agents/engines/local/training/triage-model.ts';
import { stratifiedSplit } from '../../../agents/engines/local/classifier/index.ts';
import { triagePriors } from '../../../agents/engines/local/index.ts';
import { formatCurve, learningCurve } from './learning-curve.ts';
import { loadDeployment, resolveDeploymentDir, type Deployment } from '../../../config/deployment/index.ts';
import { loadConfig } from '../../../config/env.ts';
import { createSqliteStore } from '../../store/sqlite/index.ts';
import { formatAnswerReport, readAnswerFixture, runAnswerEval } from './eval-answers.ts';
import { parseArticleFile } from '../../core/knowledge.ts';
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { filesOf } from '../article-files.ts';

/** Output streams of a command. */
export interface EvalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A bad command line: reported in one line, exit code 2. */
class UsageError extends Error {}

const USAGE = 'usage: frontdesk eval routes [--test FILE] [--train FILE [--val FILE] | --threshold P [--cache-dir DIR] | --engine openai | --learning-curve [--draws N]] [--json] | eval kb --articles FILE|DIR --queries FILE [--json] | eval answers --test FILE [--cache-dir DIR] [--json]';

/** Runs `frontdesk eval …`; resolves to the process exit code. `env` supplies OPENAI_* for `--engine openai`. */
export async function runEval(args: string[], io: EvalIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'routes') return await evalRoutes(rest, io, env);
    if (sub === 'kb') return await evalKb(rest, io);
    if (sub === 'answers') return await evalAnswers(rest, io, env);
    throw new UsageError(sub ? `unknown eval target "${sub}"; ${USAGE}` : USAGE);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DatasetError) {
      io.stderr.write(`frontdesk eval: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
}

// ── progress ────────────────────────────────────────────────────────────────

/** A progress bar on stderr that only appears once the work has taken more than a second. */
function progress(stream: NodeJS.WritableStream, title: string) {
  const started = performance.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done: number, total: number) {
      if (!bar && performance.now() - started > 1000) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${title} [{bar}] {percentage}% {value}/{total}`, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

// ── routes ──────────────────────────────────────────────────────────────────

/** One answer of the evaluated system: a label and how sure it is. */
export interface EvaluatedAnswer {
  label: string;
  confidence: number;
  /** The label before a confidence threshold replaced it with a fallback (what a threshold table scores). */
  candidate?: string | null;
}

/** What `eval routes` evaluates: something that labels a text, and the labels it can output. */
export interface EvaluatedClassifier {
  predict(text: string): EvaluatedAnswer | Promise<EvaluatedAnswer>;
  /** Labels the evaluated system can output (anything else in the test counts as out-of-scope). */
  labels: string[];
  /** Texts predicted at once (a remote model); 1 when absent. */
  concurrency?: number;
}

/** The model engine's triage agent (`--engine openai`); the route is its transfer tool call. */
async function modelClassifier(env: Record<string, string | undefined>): Promise<EvaluatedClassifier> {
  const settings = loadConfig(env);
  const config = settings.openai;
  if (!config) throw new UsageError('--engine openai needs OPENAI_API_KEY (and OPENAI_BASE_URL / OPENAI_MODEL for other endpoints)');
  const { createModelRouter } = await import('../../../agents/engines/openai/route-eval.ts');
  const router = createModelRouter(config, { graph: loadDeployment(resolveDeploymentDir(settings.deploymentDir)).graph });
  return {
    async predict(text) {
      const decision = await router.route(text);
      return { label: decision.route, confidence: decision.confidence, candidate: decision.transferredTo ?? decision.route };
    },
    labels: router.labels,
    concurrency: router.concurrency,
  };
}

function fromClassifier(classifier: TextClassifier): EvaluatedClassifier {
  return { predict: (text) => classifier.predict(text), labels: classifier.labels };
}

/**
 * The deployment's triage as `eval routes` sees it without `--train`: the classifier trained on
 * the deployment's training/ examples (FRONTDESK_DEPLOYMENT, default the demo), read from the
 * deployment's model cache when `serve` or `train` put it there (trained and cached if not). A
 * test file labelled with routes is scored through the engine's own triage decision (text
 * cleaning, per-route probabilities, the confidence threshold, the knowledge-base evidence over
 * the deployment's kb/ articles, and the fallback route); a file labelled with intents
 * is scored on the classifier's intents.
 */
export async function deploymentClassifier(
  test: Example[],
  opts: { threshold?: number; cacheDir: string; deployment: Deployment; onProgress?: (done: number, total: number) => void },
): Promise<EvaluatedClassifier> {
  const { deployment } = opts;
  const agentGraph = deployment.graph;
  const examples = await triageExamples(deployment, null);
  const classifier = await loadTriageModel({ examples, priors: triagePriors(deployment), cacheDir: opts.cacheDir, deployment: deployment.name, onProgress: opts.onProgress });
  if (!routeLabelled(test, agentGraph.triage.intents)) return fromClassifier(classifier);
  const triage = createTriage(agentGraph, (text) => classifier.predict(text), opts.threshold, createKnowledgeEvidence(deployment.articles));
  return {
    predict(text) {
      const decision = triage(cleanForTriage(text));
      return { label: decision.route, confidence: decision.confidence, candidate: decision.predictedRoute };
    },
    labels: agentGraph.agents.map((a) => a.route),
  };
}

/** Per-label counts and the derived metrics of one evaluation. */
export interface RouteReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  in_scope_accuracy: number | null;
  oos_recall: number | null;
  oos_precision: number | null;
  train_ms: number;
  classify_us: number;
  /** Accuracy of the answers with confidence ≥ 0.8 (before any threshold), and their share of all answers. */
  calibration: { min_confidence: number; accuracy: number | null; coverage: number };
  /** Per confidence threshold: share of answers at or above it and their accuracy (for tuning). */
  thresholds: { threshold: number; coverage: number; accuracy: number | null }[];
  labels: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusions: { truth: string; predicted: string; count: number }[];
}

/**
 * Scores predictions against truths. A truth outside `known` (or equal to `oosLabel`) is
 * out-of-scope: it is right only when the prediction is `oosLabel`.
 */
export function scoreRoutes(
  pairs: { truth: string; predicted: string }[],
  known: Set<string>,
  oosLabel = 'oos',
): Omit<RouteReport, 'train_ms' | 'classify_us' | 'calibration' | 'thresholds'> {
  const norm = pairs.map(({ truth, predicted }) => ({
    truth: truth === oosLabel || !known.has(truth) ? oosLabel : truth,
    predicted,
  }));
  const n = norm.length;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const correct = norm.filter((p) => p.truth === p.predicted).length;
  const inScope = norm.filter((p) => p.truth !== oosLabel);
  const oos = norm.filter((p) => p.truth === oosLabel);
  const predictedOos = norm.filter((p) => p.predicted === oosLabel);
  const labelSet = [...new Set(norm.map((p) => p.truth))].sort();
  const labels = labelSet.map((label) => {
    const tp = norm.filter((p) => p.truth === label && p.predicted === label).length;
    const support = norm.filter((p) => p.truth === label).length;
    const predicted = norm.filter((p) => p.predicted === label).length;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const confusionCounts = new Map<string, number>();
  for (const p of norm) {
    if (p.truth === p.predicted) continue;
    const key = `${p.truth}\u0000${p.predicted}`;
    confusionCounts.set(key, (confusionCounts.get(key) ?? 0) + 1);
  }
  const confusions = [...confusionCounts]
    .map(([key, count]) => {
      const [truth, predicted] = key.split('\u0000') as [string, string];
      return { truth, predicted, count };
    })
    .sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth))
    .slice(0, 10);
  return {
    n,
    accuracy: n ? correct / n : 0,
    macro_f1: labels.length ? labels.reduce((s, l) => s + l.f1, 0) / labels.length : 0,
    in_scope_accuracy: ratio(inScope.filter((p) => p.truth === p.predicted).length, inScope.length),
    oos_recall: ratio(oos.filter((p) => p.predicted === oosLabel).length, oos.length),
    oos_precision: ratio(predictedOos.filter((p) => p.truth === oosLabel).length, predictedOos.length),
    labels,
    confusions,
  };
}

/** Whether a test set is labelled in the route space of the deployment rather than in intents. */
function routeLabelled(test: Example[], intents: Record<string, string>): boolean {
  const routes = new Set(Object.values(intents));
  const labels = new Set(test.map((e) => e.label));
  return [...labels].filter((l) => routes.has(l)).length > [...labels].filter((l) => l in intents).length;
}

const THRESHOLDS = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Accuracy and coverage of the answers at or above each confidence threshold: how many messages
 * a threshold would leave to the bots and how often those are right.
 */
export function thresholdTable(answers: { correct: boolean; confidence: number }[], thresholds = THRESHOLDS) {
  return thresholds.map((threshold) => {
    const kept = answers.filter((a) => a.confidence >= threshold);
    return {
      threshold,
      coverage: answers.length ? kept.length / answers.length : 0,
      accuracy: kept.length ? kept.filter((a) => a.correct).length / kept.length : null,
    };
  });
}

async function evalRoutes(args: string[], io: EvalIo, env: Record<string, string | undefined>): Promise<number> {
  const opts = options(args, {
    test: { type: 'string' },
    engine: { type: 'string' },
    train: { type: 'string' },
    val: { type: 'string' },
    threshold: { type: 'string' },
    'cache-dir': { type: 'string' },
    'learning-curve': { type: 'boolean' },
    draws: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (opts['learning-curve'] || opts.draws !== undefined) return runLearningCurve(opts, io, env);
  const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new UsageError('--threshold must be a number from 0 to 1');
  for (const flag of ['threshold', 'cache-dir'] as const) {
    if (opts[flag] !== undefined && opts.train) throw new UsageError(`--${flag} applies to the deployment triage (without --train)`);
  }
  if (!opts.test && (opts.train || opts.engine)) throw new UsageError(`missing --test FILE; ${USAGE}`);
  if (opts.val && !opts.train) throw new UsageError('--val needs --train');
  if (opts.engine !== undefined && opts.engine !== 'local' && opts.engine !== 'openai') throw new UsageError('--engine must be local or openai');
  const onModel = opts.engine === 'openai';
  if (onModel && (opts.train || threshold !== undefined || opts['cache-dir'] !== undefined)) throw new UsageError('--engine openai evaluates the model triage as deployed (no --train, --threshold or --cache-dir)');
  // Without --test: the deployment's own examples, a held-out fifth tested on a model trained on the rest.
  const ownSplit = opts.test ? null : heldOutSplit(loadDeployment(resolveDeploymentDir(loadConfig(env).deploymentDir)));
  const test = ownSplit ? ownSplit.test : readTestData(opts.test!);
  if (test.length === 0) throw new UsageError(ownSplit ? `the deployment has too few examples to hold some out (${USAGE})` : `no rows in ${opts.test}`);
  const trainingData = opts.train ? readTrainingData(opts.train) : null;
  const train = trainingData?.train ?? null;
  // --val wins over validation splits the training file brings (CLINC150's val, oos_val).
  const val = opts.val ? readExamples(opts.val) : trainingData?.validation;
  if (train && train.length === 0) throw new UsageError(`no rows in ${opts.train}`);

  const bar = progress(io.stderr, 'training');
  const t0 = performance.now();
  let evaluated: EvaluatedClassifier;
  if (onModel) {
    evaluated = await modelClassifier(env);
  } else if (train) {
    evaluated = fromClassifier(trainClassifier(train, { validation: val, onProgress: bar.update }));
  } else {
    const config = loadConfig(env);
    const cacheDir = opts['cache-dir'] ?? config.modelCacheDir;
    const deployment = ownSplit?.training ?? loadDeployment(resolveDeploymentDir(config.deploymentDir));
    evaluated = await deploymentClassifier(test, { threshold, cacheDir, deployment, onProgress: bar.update });
  }
  bar.stop();
  const trainMs = performance.now() - t0;

  const classifyBar = progress(io.stderr, 'classifying');
  const answers: { truth: string; predicted: string; candidate: string; confidence: number }[] = new Array(test.length);
  const t1 = performance.now();
  let next = 0;
  let done = 0;
  // Workers take the next row in turn; a local classifier runs them one at a time.
  const worker = async () => {
    while (next < test.length) {
      const i = next++;
      const e = test[i]!;
      const answer = await evaluated.predict(e.text);
      answers[i] = { truth: e.label, predicted: answer.label, candidate: answer.candidate ?? answer.label, confidence: answer.confidence };
      if (++done % (onModel ? 1 : 200) === 0) classifyBar.update(done, test.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, evaluated.concurrency ?? 1) }, worker));
  classifyBar.stop();
  const classifyUs = ((performance.now() - t1) * 1000) / test.length;
  const known = new Set(evaluated.labels.filter((l) => l !== 'oos'));
  // Scored on the label before any threshold: the table shows what each threshold would route.
  const scored = answers.map((a) => ({ correct: a.candidate === (known.has(a.truth) ? a.truth : 'oos'), confidence: a.confidence }));
  const high = thresholdTable(scored, [0.8])[0]!;
  const report: RouteReport = {
    ...scoreRoutes(answers, known),
    train_ms: Math.round(trainMs),
    classify_us: Math.round(classifyUs * 10) / 10,
    calibration: { min_confidence: 0.8, accuracy: high.accuracy, coverage: high.coverage },
    thresholds: thresholdTable(scored),
  };
  const source = onModel ? `model triage (${loadConfig(env).openai!.model})` : (opts.train ?? (ownSplit ? `deployment triage, tested on a held-out fifth of its examples (${test.length})` : 'deployment triage'));
  io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatRoutes(report, source));
  return 0;
}

/** The share of the deployment's own examples `eval routes` holds out without --test, and its fixed seed. */
const HELD_OUT_FRACTION = 0.2;
const HELD_OUT_SEED = 1;

/**
 * The deployment with a stratified fifth of its own examples (fixed seed) taken out, and those
 * examples as the test set, labelled as written (intents or routes).
 */
export function heldOutSplit(deployment: Deployment): { training: Deployment; test: Example[] } {
  const own = Object.entries(deployment.graph.triage.examples).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
  const [train, test] = stratifiedSplit(own, HELD_OUT_FRACTION, HELD_OUT_SEED);
  const examples: Record<string, string[]> = {};
  for (const e of train) (examples[e.label] ??= []).push(e.text);
  return { training: { ...deployment, graph: { ...deployment.graph, triage: { ...deployment.graph.triage, examples } } }, test };
}

async function runLearningCurve(opts: { test?: string; train?: string; engine?: string; threshold?: string; 'cache-dir'?: string; draws?: string; json?: boolean }, io: EvalIo, env: Record<string, string | undefined>): Promise<number> {
  if (!opts.test) throw new UsageError(`--learning-curve needs --test FILE (messages labelled with routes); ${USAGE}`);
  for (const flag of ['train', 'engine', 'threshold', 'cache-dir'] as const) {
    if (opts[flag] !== undefined) throw new UsageError(`--learning-curve trains the deployment's own triage (no --${flag})`);
  }
  const draws = opts.draws === undefined ? 3 : Number(opts.draws);
  if (!Number.isInteger(draws) || draws < 1 || draws > 20) throw new UsageError('--draws must be a whole number from 1 to 20');
  const test = readTestData(opts.test);
  if (test.length === 0) throw new UsageError(`no rows in ${opts.test}`);
  const deployment = loadDeployment(resolveDeploymentDir(loadConfig(env).deploymentDir));
  const bar = progress(io.stderr, 'training');
  const points = await learningCurve(deployment, test, { draws, onProgress: bar.update });
  bar.stop();
  io.stdout.write(opts.json ? `${JSON.stringify(points)}\n` : formatCurve(points, `${opts.test} (${test.length} messages), deployment ${deployment.name}`));
  return 0;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

function formatRoutes(r: RouteReport, source: string): string {
  const width = Math.max(5, ...r.labels.map((l) => l.label.length));
  const lines = [
    `trained on ${source} in ${r.train_ms} ms; classify ${r.classify_us} µs/message`,
    `n=${r.n}  accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macro_f1)}  in-scope accuracy ${pct(r.in_scope_accuracy)}`,
    `out-of-scope: recall ${pct(r.oos_recall)}  precision ${pct(r.oos_precision)}`,
    `calibration: confidence ≥ ${r.calibration.min_confidence} on ${pct(r.calibration.coverage)} of messages, ${pct(r.calibration.accuracy)} of them correct`,
    '',
    'confidence ≥   share  accuracy',
    ...r.thresholds.map((t) => `${t.threshold.toFixed(2).padStart(12)}  ${pct(t.coverage).padStart(7)}  ${pct(t.accuracy).padStart(8)}`),
    '',
    `${'label'.padEnd(width)}  precision  recall     F1  support`,
    ...r.labels.map(
      (l) =>
        `${l.label.padEnd(width)}  ${pct(l.precision).padStart(9)}  ${pct(l.recall).padStart(6)}  ${pct(l.f1).padStart(6)}  ${String(l.support).padStart(7)}`,
    ),
    '',
    'top confusions (truth → predicted):',
    ...(r.confusions.length ? r.confusions.map((c) => `  ${c.truth} → ${c.predicted}: ${c.count}`) : ['  none']),
  ];
  return `${lines.join('\n')}\n`;
}

// ── kb ──────────────────────────────────────────────────────────────────────

interface Article {
  id: string;
  title: string;
  body: string;
  /** From a knowledge-base directory; JSONL rows have none. */
  tags?: string[];
}

/** Reads articles JSONL rows `{id, question|title, answer|body}`. */
export function parseArticles(content: string, source = 'articles'): Article[] {
  return content
    .split(/\r?\n/)
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new DatasetError(`${source}:${i + 1}: not valid JSON`);
      }
      const id = row.id;
      const title = row.question ?? row.title;
      const body = row.answer ?? row.body;
      if (typeof id !== 'string' || typeof title !== 'string' || typeof body !== 'string') {
        throw new DatasetError(`${source}:${i + 1}: expected {"id", "question"|"title", "answer"|"body"}`);
      }
      return [{ id, title, body }];
    });
}

/**
 * The articles to evaluate on: a JSONL file as {@link parseArticles} reads it, or a knowledge-base
 * directory (or file) of Markdown/JSON articles as `frontdesk kb import` reads it, slugs as ids.
 */
function readArticles(path: string): Article[] {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    throw new DatasetError(`${path}: no such file or directory`);
  }
  if (!directory && extname(path).toLowerCase() === '.jsonl') return parseArticles(readText(path), path);
  try {
    return filesOf(path).flatMap((file) => parseArticleFile(file, readText(file))).map((a) => ({ id: a.slug, title: a.title, body: a.body, tags: a.tags }));
  } catch (error) {
    throw new DatasetError((error as Error).message);
  }
}

/** The `expectText` regex of each JSONL query row (null where absent), in the order readExamples returns the rows. */
function expectedTexts(path: string, rows: number): (RegExp | null)[] {
  if (!/\.(jsonl|ndjson)$/i.test(path)) return new Array<null>(rows).fill(null);
  return readText(path)
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line, i) => {
      const expect = (JSON.parse(line) as { expectText?: unknown }).expectText;
      if (expect === undefined) return null;
      if (typeof expect !== 'string') throw new DatasetError(`${path}:${i + 1}: "expectText" must be a regular expression as a string`);
      try {
        return new RegExp(expect, 'u');
      } catch (error) {
        throw new DatasetError(`${path}:${i + 1}: "expectText" is not a valid regular expression (${(error as Error).message})`);
      }
    });
}

async function evalKb(args: string[], io: EvalIo): Promise<number> {
  const opts = options(args, { articles: { type: 'string' }, queries: { type: 'string' }, json: { type: 'boolean' } });
  if (!opts.articles || !opts.queries) throw new UsageError(`missing --articles FILE or --queries FILE; ${USAGE}`);
  const articles = readArticles(opts.articles);
  const queries = readExamples(opts.queries);
  const expects = expectedTexts(opts.queries, queries.length);
  if (articles.length === 0 || queries.length === 0) throw new UsageError('no articles or no queries to evaluate');

  const store = createSqliteStore({ path: ':memory:' });
  try {
    await store.migrate();
    const now = Date.now();
    await store.transaction(async (repo) => {
      for (const a of articles) await repo.upsertArticle({ slug: a.id, title: a.title, body: a.body, tags: a.tags ?? [], now });
    });
    const bar = progress(io.stderr, 'searching');
    let hit1 = 0;
    let hit3 = 0;
    let rr = 0;
    let passage1 = 0;
    let passage3 = 0;
    let textChecked = 0;
    let text1 = 0;
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const hits = await store.repo.searchKnowledge(q.text, 3);
      const rank = hits.findIndex((h) => h.article.slug === q.label);
      if (rank === 0) hit1++;
      if (rank >= 0) {
        hit3++;
        rr += 1 / (rank + 1);
      }
      // Passage level: is the best passage from the expected article, and does it say the fact?
      const passages = await store.repo.searchPassages(q.text, 3);
      const passageRank = passages.findIndex((h) => h.passage.slug === q.label);
      if (passageRank === 0) passage1++;
      if (passageRank >= 0) passage3++;
      const expect = expects[i];
      if (expect) {
        textChecked++;
        if (passages[0] && expect.test(passages[0].passage.text)) text1++;
      }
      bar.update(i + 1, queries.length);
    }
    bar.stop();
    const n = queries.length;
    const report = {
      n,
      articles: articles.length,
      recall_at_1: hit1 / n,
      recall_at_3: hit3 / n,
      mrr: rr / n,
      passage_recall_at_1: passage1 / n,
      passage_recall_at_3: passage3 / n,
      /** Share of the queries with an `expectText` whose best passage matches it; null when none has one. */
      passage_text_at_1: textChecked ? text1 / textChecked : null,
      passage_text_checked: textChecked,
    };
    const textLine = report.passage_text_at_1 === null ? '' : `  best passage states the expected text ${pct(report.passage_text_at_1)} (${textChecked} queries)`;
    io.stdout.write(
      opts.json
        ? `${JSON.stringify(report)}\n`
        : `knowledge base: ${articles.length} articles, ${n} queries\n` +
            `articles: recall@1 ${pct(report.recall_at_1)}  recall@3 ${pct(report.recall_at_3)}  MRR@3 ${report.mrr.toFixed(3)}\n` +
            `passages (by article): recall@1 ${pct(report.passage_recall_at_1)}  recall@3 ${pct(report.passage_recall_at_3)}${textLine}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

// ── answers ─────────────────────────────────────────────────────────────────

async function evalAnswers(args: string[], io: EvalIo, env: Record<string, string | undefined>): Promise<number> {
  const opts = options(args, { test: { type: 'string' }, 'cache-dir': { type: 'string' }, json: { type: 'boolean' } });
  if (!opts.test) throw new UsageError(`missing --test FILE; ${USAGE}`);
  const items = readAnswerFixture(opts.test);
  if (items.length === 0) throw new UsageError(`no questions or dialogues in ${opts.test}`);
  const bar = progress(io.stderr, 'answering');
  const report = await runAnswerEval(items, {
    cacheDir: opts['cache-dir'] ?? loadConfig(env).modelCacheDir,
    env,
    onProgress: bar.update,
  });
  bar.stop();
  io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatAnswerReport(report, opts.test));
  return 0;
}
