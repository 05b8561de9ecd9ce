/**
 * `frontdesk eval` — measures triage and knowledge-base quality.
 *
 *   frontdesk eval routes --test FILE [--train FILE] [--val FILE] [--json]
 *   frontdesk eval kb --articles FILE --queries FILE [--json]
 *
 * Files: JSONL {"text","label"}, CSV (text,label | utterance,intent | text,category) or CLINC150
 * JSON (`file.json:val,oos_val` picks splits). Bad input → one line on stderr, exit code 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { trainClassifier, type Example, type TextClassifier } from '../../../agents/engines/local/classifier/index.ts';
import { DatasetError, readExamples } from '../../../agents/engines/local/training/datasets.ts';
import { triageExamples } from '../../../agents/engines/local/index.ts';
import { agentGraph } from '../../../config/agents.ts';
import { createSqliteStore } from '../../store/sqlite/index.ts';

/** Output streams of a command. */
export interface EvalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A bad command line: reported in one line, exit code 2. */
class UsageError extends Error {}

const USAGE = 'usage: frontdesk eval routes --test FILE [--train FILE] [--val FILE] [--json] | eval kb --articles FILE --queries FILE [--json]';

/** Runs `frontdesk eval …`; resolves to the process exit code. */
export async function runEval(args: string[], io: EvalIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'routes') return await evalRoutes(rest, io);
    if (sub === 'kb') return await evalKb(rest, io);
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

/** What `eval routes` evaluates: a classifier, and optionally a map from its labels to test labels. */
export interface EvaluatedClassifier {
  classifier: TextClassifier;
  /** Maps predicted labels onto the test's label space (e.g. intent → route). */
  mapLabel?: (label: string) => string;
  /** Labels the evaluated system can output (anything else in the test counts as out-of-scope). */
  labels: string[];
}

/**
 * The deployment's triage as `eval routes` sees it without `--train`. For now: a classifier
 * trained on the shipped examples (config/triage/bitext-intents.jsonl plus the graph's own),
 * with the graph's intent → route map, so a test file labelled with either intents or routes can
 * be scored. Point this at the live deployment's engine once it exposes its classifier.
 */
export async function deploymentClassifier(onProgress?: (done: number, total: number) => void): Promise<EvaluatedClassifier> {
  const classifier = trainClassifier(await triageExamples(agentGraph, null), { onProgress });
  return {
    classifier,
    labels: classifier.labels,
    mapLabel: (label) => label,
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
): Omit<RouteReport, 'train_ms' | 'classify_us'> {
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

async function evalRoutes(args: string[], io: EvalIo): Promise<number> {
  const opts = options(args, {
    test: { type: 'string' },
    train: { type: 'string' },
    val: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!opts.test) throw new UsageError(`missing --test FILE; ${USAGE}`);
  if (opts.val && !opts.train) throw new UsageError('--val needs --train');
  const test = readExamples(opts.test);
  if (test.length === 0) throw new UsageError(`no rows in ${opts.test}`);
  const train = opts.train ? readExamples(opts.train) : null;
  const val = opts.val ? readExamples(opts.val) : undefined;
  if (train && train.length === 0) throw new UsageError(`no rows in ${opts.train}`);

  const bar = progress(io.stderr, 'training');
  const t0 = performance.now();
  let evaluated: EvaluatedClassifier;
  if (train) {
    const classifier = trainClassifier(train, { validation: val, onProgress: bar.update });
    evaluated = { classifier, labels: classifier.labels };
  } else {
    evaluated = await deploymentClassifier(bar.update);
    if (routeLabelled(test, agentGraph.triage.intents)) {
      const intents = agentGraph.triage.intents;
      evaluated.mapLabel = (label) => intents[label] ?? label;
      evaluated.labels = [...new Set(Object.values(intents))];
    }
  }
  bar.stop();
  const trainMs = performance.now() - t0;

  const classifyBar = progress(io.stderr, 'classifying');
  const mapLabel = evaluated.mapLabel ?? ((l: string) => l);
  const pairs: { truth: string; predicted: string }[] = [];
  const t1 = performance.now();
  for (let i = 0; i < test.length; i++) {
    const e = test[i]!;
    pairs.push({ truth: e.label, predicted: mapLabel(evaluated.classifier.predict(e.text).label) });
    if (i % 200 === 0) classifyBar.update(i, test.length);
  }
  classifyBar.stop();
  const classifyUs = ((performance.now() - t1) * 1000) / test.length;
  const report: RouteReport = {
    ...scoreRoutes(pairs, new Set(evaluated.labels.filter((l) => l !== 'oos'))),
    train_ms: Math.round(trainMs),
    classify_us: Math.round(classifyUs * 10) / 10,
  };
  io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatRoutes(report, opts.train ?? 'deployment triage'));
  return 0;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

function formatRoutes(r: RouteReport, source: string): string {
  const width = Math.max(5, ...r.labels.map((l) => l.label.length));
  const lines = [
    `trained on ${source} in ${r.train_ms} ms; classify ${r.classify_us} µs/message`,
    `n=${r.n}  accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macro_f1)}  in-scope accuracy ${pct(r.in_scope_accuracy)}`,
    `out-of-scope: recall ${pct(r.oos_recall)}  precision ${pct(r.oos_precision)}`,
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

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${code ?? String(error)}`);
  }
}

async function evalKb(args: string[], io: EvalIo): Promise<number> {
  const opts = options(args, { articles: { type: 'string' }, queries: { type: 'string' }, json: { type: 'boolean' } });
  if (!opts.articles || !opts.queries) throw new UsageError(`missing --articles FILE or --queries FILE; ${USAGE}`);
  const articles = parseArticles(readText(opts.articles), opts.articles);
  const queries = readExamples(opts.queries);
  if (articles.length === 0 || queries.length === 0) throw new UsageError('no articles or no queries to evaluate');

  const store = createSqliteStore({ path: ':memory:' });
  try {
    await store.migrate();
    const now = Date.now();
    for (const a of articles) await store.repo.upsertArticle({ slug: a.id, title: a.title, body: a.body, tags: [], now });
    const bar = progress(io.stderr, 'searching');
    let hit1 = 0;
    let hit3 = 0;
    let rr = 0;
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const hits = await store.repo.searchKnowledge(q.text, 3);
      const rank = hits.findIndex((h) => h.article.slug === q.label);
      if (rank === 0) hit1++;
      if (rank >= 0) {
        hit3++;
        rr += 1 / (rank + 1);
      }
      bar.update(i + 1, queries.length);
    }
    bar.stop();
    const n = queries.length;
    const report = { n, articles: articles.length, recall_at_1: hit1 / n, recall_at_3: hit3 / n, mrr: rr / n };
    io.stdout.write(
      opts.json
        ? `${JSON.stringify(report)}\n`
        : `knowledge base: ${articles.length} articles, ${n} queries\nrecall@1 ${pct(report.recall_at_1)}  recall@3 ${pct(report.recall_at_3)}  MRR@3 ${report.mrr.toFixed(3)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
