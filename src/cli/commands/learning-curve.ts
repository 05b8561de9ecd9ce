/**
 * `frontdesk eval routes --learning-curve --test FILE`: how triage learns a deployment from few
 * examples. For 5, 10, 20 and 50 of the deployment's own examples per label (several seeded
 * draws, averaged) it trains the triage model with and without the priors (route descriptions,
 * articles, borrowed general rows) and scores the test file's messages by route: accuracy, and
 * how many answers reach confidence ≥ 0.8 and how often those are right.
 */
import type { Example } from '../../../agents/engines/local/classifier/index.ts';
import { createRandom, shuffle } from '../../../agents/engines/local/classifier/random.ts';
import { cleanForTriage } from '../../../agents/engines/local/clean-text.ts';
import { createTriage } from '../../../agents/engines/local/engine.ts';
import { triageExamples, triagePriors } from '../../../agents/engines/local/index.ts';
import { trainTriageModel } from '../../../agents/engines/local/training/triage-model.ts';
import type { Deployment } from '../../../config/deployment/index.ts';

export const CURVE_SIZES = [5, 10, 20, 50];
const HIGH_CONFIDENCE = 0.8;

/** One point of the curve: the mean over the draws. */
export interface CurvePoint {
  perLabel: number;
  priors: boolean;
  draws: number;
  accuracy: number;
  /** Share of the test messages answered with confidence ≥ 0.8. */
  highCoverage: number;
  /** Accuracy of those answers (1 when there are none). */
  highAccuracy: number;
}

/** Up to `perLabel` of the deployment's own examples of each label, drawn with `seed`. */
export function drawExamples(deployment: Deployment, perLabel: number, seed: number): Deployment {
  const random = createRandom(seed);
  const examples: Record<string, string[]> = {};
  for (const [label, texts] of Object.entries(deployment.graph.triage.examples).sort(([a], [b]) => a.localeCompare(b))) {
    examples[label] = shuffle([...texts], random).slice(0, perLabel);
  }
  return { ...deployment, graph: { ...deployment.graph, triage: { ...deployment.graph.triage, examples } } };
}

/** Route accuracy and high-confidence precision of a deployment's triage, trained as `frontdesk train` would (no corrections). */
export async function scoreTriage(deployment: Deployment, test: Example[], withPriors: boolean, seed = 1) {
  const training = { ...deployment.training, priors: withPriors && deployment.training.priors };
  const model = trainTriageModel(await triageExamples({ ...deployment, training }, null), triagePriors({ ...deployment, training }), { seed });
  // Threshold 0: every message gets its best route, with that route's probability as confidence.
  const triage = createTriage(deployment.graph, (text) => model.predict(text), 0);
  let correct = 0;
  let high = 0;
  let highCorrect = 0;
  for (const e of test) {
    // As the engine reads a message: without quoted history, greeting and signature.
    const decision = triage(cleanForTriage(e.text));
    const right = decision.route === e.label;
    if (right) correct++;
    if (decision.confidence >= HIGH_CONFIDENCE) {
      high++;
      if (right) highCorrect++;
    }
  }
  return { accuracy: correct / test.length, highCoverage: high / test.length, highAccuracy: high ? highCorrect / high : 1 };
}

/** The learning curve of `deployment` on `test` (labelled with routes). */
export async function learningCurve(
  deployment: Deployment,
  test: Example[],
  opts: { sizes?: number[]; draws?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<CurvePoint[]> {
  const sizes = opts.sizes ?? CURVE_SIZES;
  const draws = opts.draws ?? 3;
  const modes = deployment.training.priors ? [false, true] : [false];
  const total = sizes.length * draws * modes.length;
  let done = 0;
  const points: CurvePoint[] = [];
  for (const perLabel of sizes) {
    for (const priors of modes) {
      const runs: Awaited<ReturnType<typeof scoreTriage>>[] = [];
      for (let draw = 0; draw < draws; draw++) {
        runs.push(await scoreTriage(drawExamples(deployment, perLabel, 1000 + draw), test, priors));
        opts.onProgress?.(++done, total);
      }
      const mean = (key: 'accuracy' | 'highCoverage' | 'highAccuracy') => runs.reduce((s, r) => s + r[key], 0) / runs.length;
      points.push({ perLabel, priors, draws, accuracy: mean('accuracy'), highCoverage: mean('highCoverage'), highAccuracy: mean('highAccuracy') });
    }
  }
  return points;
}

/** The curve as a Markdown table (README-ready). */
export function formatCurve(points: CurvePoint[], source: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `learning curve on ${source} (mean of ${points[0]?.draws ?? 0} draws per size)`,
    '',
    '| examples per route | priors | routed right | confidence ≥ 0.8: share | confidence ≥ 0.8: right |',
    '|---:|:---:|---:|---:|---:|',
    ...points.map((p) => `| ${p.perLabel} | ${p.priors ? 'yes' : 'no'} | ${pct(p.accuracy)} | ${pct(p.highCoverage)} | ${pct(p.highAccuracy)} |`),
  ];
  return `${lines.join('\n')}\n`;
}
