/**
 * `npx tsx test/bench/few-shot-dev.ts`: the development figures the few-example priors were tuned
 * on (agents/engines/local/training/priors.ts), never the telecom held-out set. For 5, 10 and 20
 * examples per route (SIZES=…, DRAWS=… to change) it trains the telecom deployment's triage on a
 * draw of its own examples, with priors, and scores it on the examples that draw left out; then
 * 5-fold cross-validation over the bike shop's examples. Minutes of training; a profile, not a test.
 */
import { crossValidationFolds, type Example } from '../../agents/engines/local/classifier/index.ts';
import { loadDeployment, type Deployment } from '../../config/deployment/index.ts';
import { drawExamples, scoreTriage } from '../../src/cli/commands/learning-curve.ts';

type Score = Awaited<ReturnType<typeof scoreTriage>>;

const own = (d: Deployment): Example[] => Object.entries(d.graph.triage.examples).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
const byRoute = (d: Deployment, rows: Example[]) => rows.map((e) => ({ ...e, label: d.graph.triage.intents[e.label] ?? e.label }));
const withExamples = (d: Deployment, rows: Example[]): Deployment => {
  const examples: Record<string, string[]> = {};
  for (const e of rows) (examples[e.label] ??= []).push(e.text);
  return { ...d, graph: { ...d.graph, triage: { ...d.graph.triage, examples } } };
};
const mean = (runs: Score[], key: keyof Score) => runs.reduce((s, r) => s + r[key], 0) / runs.length;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const report = (name: string, runs: Score[]) =>
  console.log(`${name}: ${pct(mean(runs, 'accuracy'))} routed right; confidence ≥ 0.8 on ${pct(mean(runs, 'highCoverage'))}, ${pct(mean(runs, 'highAccuracy'))} of them right`);

const telecom = loadDeployment('test/fixtures/deployments/telecom');
const sizes = (process.env.SIZES ?? '5,10,20').split(',').map(Number);
const draws = Number(process.env.DRAWS ?? 3);
for (const perRoute of sizes) {
  const runs: Score[] = [];
  for (let draw = 0; draw < draws; draw++) {
    // Other seeds than the learning curve's (1000…), so the draws differ from what it reports.
    const drawn = drawExamples(telecom, perRoute, 2000 + draw);
    const taken = new Set(own(drawn).map((e) => e.text));
    runs.push(await scoreTriage(drawn, byRoute(telecom, own(telecom).filter((e) => !taken.has(e.text))), true));
  }
  report(`telecom, ${perRoute} per route, tested on the rest`, runs);
}

const bike = loadDeployment('test/fixtures/deployments/bike-shop');
const runs: Score[] = [];
for (const fold of crossValidationFolds(own(bike), 5, 7)) {
  const held = new Set(fold);
  runs.push(await scoreTriage(withExamples(bike, own(bike).filter((e) => !held.has(e))), byRoute(bike, fold), true));
}
report('bike shop, 5-fold cross-validation', runs);
