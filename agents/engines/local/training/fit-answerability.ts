/**
 * Fits the knowledge-answer model (agents/engines/local/answerability-model.json) on data, in two
 * steps, with candidates found as the engine finds them (the demo knowledge base in a SQLite
 * store, its passage search, the synonyms' second search, sections):
 *
 * 1. **Rank weights** (answerability.ts `RankFeatures`): for each tuning question whose expected
 *    fact some candidate section states, a softmax over the candidates is fitted to put those
 *    sections first (listwise, L2-regularised). Five-fold cross-validation reports how often the
 *    first candidate states the fact, against the weights in use before.
 * 2. **Answerability**: the section the fitted rank picks, described by its coverage features, is
 *    answerable when the question's fact is in the knowledge base and not when it is marked for a
 *    person; CLINC150 (../shared/data/clinc150) out-of-scope queries and queries of domains a
 *    shop's help centre does not cover add negatives. The threshold maximises balanced accuracy on
 *    the tuning questions.
 *
 * Tuning questions: the dev files of the answer fixture (test/fixtures/answers/dev*.jsonl); the
 * held-out files are never read here.
 *
 * Tried and left out: StackFAQ paraphrases (their articles share so many words that a query with
 * its article removed covers as much as with it), and Bitext requests (templated, with typos and
 * synonyms the articles never use: as positives they taught that coverage does not matter).
 *
 * Run: `npx tsx agents/engines/local/training/fit-answerability.ts` (prints the fit's figures).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDeployment } from '../../../../config/deployment/index.ts';
import { seedDeployment } from '../../../../src/entry/node.ts';
import { createSqliteStore } from '../../../../src/store/sqlite/index.ts';
import {
  RANK_FEATURES,
  answerabilityModel,
  contentWords,
  coverage,
  generalWordsOf,
  rankFeatures,
  rankScore,
  type CoverageFeatures,
  type RankFeatures,
  type RankWeights,
} from '../answerability.ts';
import { candidateSections } from '../knowledge-answers.ts';
import { buildKnowledgeSnapshot } from '../knowledge-snapshot.ts';
import { triageExamples } from '../index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const data = resolve(root, '../shared/data');
const fixtures = join(root, 'test/fixtures/answers');

/** One question's candidates: their rank features and which state the expected fact. */
interface RankGroup {
  text: string;
  features: RankFeatures[];
  coverages: CoverageFeatures[];
  states: boolean[];
}

interface Row {
  features: CoverageFeatures;
  answerable: boolean;
  source: string;
}

/** CLINC150 intents a clothing shop's help centre could plausibly cover; the rest are negatives. */
const SHOP_LIKE = new Set(
  'order order_status cancel redeem_rewards rewards_balance card_declined greeting goodbye thank_you yes no maybe are_you_a_bot what_can_i_ask_you who_do_you_work_for international_fees transactions pay_bill bill_balance bill_due replacement_card_duration damaged_card report_lost_card lost_luggage shopping_list shopping_list_update accept_reservations how_busy'.split(
    ' ',
  ),
);

/** Standalone tuning questions: single items and dialogues' first turns (later turns lean on memory). */
function tuningQuestions(): { text: string; expect?: RegExp[]; handoff: boolean }[] {
  const files = readdirSync(fixtures).filter((f) => /^dev.*\.jsonl$/.test(f));
  const questions = [];
  for (const file of files) {
    for (const line of readFileSync(join(fixtures, file), 'utf8').split('\n').filter(Boolean)) {
      const item = JSON.parse(line);
      const turn = item.turns ? item.turns[0] : item;
      // Order questions are answered from the order, not the knowledge base.
      if (typeof turn.text !== 'string' || /NW-?\d/i.test(turn.text)) continue;
      if (turn.handoff === true) questions.push({ text: turn.text, handoff: true });
      else if (Array.isArray(turn.expect)) questions.push({ text: turn.text, expect: turn.expect.map((re: string) => new RegExp(re, 'i')), handoff: false });
    }
  }
  return questions;
}

const store = createSqliteStore({ path: ':memory:' });
await store.migrate();
const deployment = loadDeployment();
await seedDeployment(store, { now: () => Date.now() }, deployment);
// Everyday support English, as the engine has it: the deployment's training examples.
const snapshot = buildKnowledgeSnapshot(await store.repo.listArticles(), generalWordsOf((await triageExamples(deployment, null)).map((e) => e.text)));
const search = (query: string, limit: number) => store.repo.searchPassages(query, limit);

async function groupOf(text: string, expect: RegExp[] = []): Promise<RankGroup | null> {
  const { sections } = await candidateSections(search, text, snapshot.vocabulary, snapshot.tagsOf);
  if (sections.length === 0 || contentWords(text).length === 0) return null;
  return {
    text,
    features: rankFeatures(text, sections, snapshot.vocabulary),
    coverages: sections.map((s) => coverage(contentWords(text), s.passage, snapshot.vocabulary)),
    states: sections.map((s) => expect.length > 0 && expect.every((re) => re.test(`${s.passage.heading ?? ''}\n${s.passage.text}`))),
  };
}

const firstOf = (g: RankGroup, w: RankWeights) => g.features.reduce((best, f, i) => (rankScore(f, w) > rankScore(g.features[best]!, w) ? i : best), 0);

/** Listwise softmax fit of the rank weights on groups where some but not all candidates state the fact. */
function fitRank(groups: RankGroup[]): RankWeights {
  let w = RANK_FEATURES.map(() => 0);
  const l2 = 0.01;
  for (let epoch = 0; epoch < 2_000; epoch++) {
    const g = w.map((v) => l2 * v);
    for (const group of groups) {
      const x = group.features.map((f) => RANK_FEATURES.map((k) => f[k]));
      const z = x.map((row) => row.reduce((s, v, i) => s + v * w[i]!, 0));
      const top = Math.max(...z);
      const e = z.map((v) => Math.exp(v - top));
      const all = e.reduce((a, b) => a + b, 0);
      const good = e.reduce((a, v, i) => a + (group.states[i] ? v : 0), 0);
      // d(-log P(good))/dz_i = p_i - p_i·[good_i]/P(good)
      x.forEach((row, i) => {
        const d = e[i]! / all - (group.states[i] ? e[i]! / good : 0);
        row.forEach((v, k) => (g[k]! += (d * v) / groups.length));
      });
    }
    w = w.map((v, k) => v - 0.5 * g[k]!);
  }
  return Object.fromEntries(RANK_FEATURES.map((k, i) => [k, Number(w[i]!.toFixed(4))])) as RankWeights;
}

const questions = tuningQuestions();
const groups: (RankGroup & { handoff: boolean })[] = [];
for (const q of questions) {
  const group = await groupOf(q.text, q.expect);
  if (group) groups.push({ ...group, handoff: q.handoff });
}
const rankable: RankGroup[] = groups.filter((g) => !g.handoff && g.states.some(Boolean));
const informative = rankable.filter((g) => !g.states.every(Boolean));
const rightShare = (gs: RankGroup[], w: (g: RankGroup) => RankWeights) => gs.filter((g) => g.states[firstOf(g, w(g))]).length / gs.length;

// Five folds, each question's weights fitted without it.
const FOLDS = 5;
const foldOf = new Map(rankable.map((g, i) => [g, i % FOLDS]));
const foldWeights = Array.from({ length: FOLDS }, (_, k) => fitRank(informative.filter((g) => foldOf.get(g) !== k)));
const rank = fitRank(informative);
console.log(`rank: ${rankable.length} questions with the fact in a candidate (${informative.length} where the choice matters)`);
console.log(`  first candidate states the fact: weights in use ${(100 * rightShare(rankable, () => answerabilityModel.rank)).toFixed(1)}%, fitted (5-fold cross-validation) ${(100 * rightShare(rankable, (g) => foldWeights[foldOf.get(g)!]!)).toFixed(1)}%`);
console.log(`  weights ${JSON.stringify(rank)}`);

// Answerability rows: the section the fitted rank picks.
const rows: Row[] = [];
for (const g of groups) {
  if (!g.handoff && !g.states.some(Boolean)) continue;
  const pick = g.handoff ? firstOf(g, rank) : g.states.map((s, i) => (s ? i : -1)).filter((i) => i >= 0).reduce((best, i) => (rankScore(g.features[i]!, rank) > rankScore(g.features[best]!, rank) ? i : best));
  rows.push({ features: g.coverages[pick]!, answerable: !g.handoff, source: 'dev-fixture' });
}
const clinc = JSON.parse(readFileSync(join(data, 'clinc150/dev.json'), 'utf8')) as Record<string, [string, string][]>;
const negatives = [...clinc.oos_train!, ...clinc.oos_val!, ...clinc.val!.filter(([, intent]) => !SHOP_LIKE.has(intent)).filter((_, i) => i % 6 === 0)];
for (const [text] of negatives) {
  const g = await groupOf(text);
  if (g) rows.push({ features: g.coverages[firstOf(g, rank)]!, answerable: false, source: 'clinc' });
}
await store.close();

const vector = (f: CoverageFeatures) => [f.local + f.title, f.title, f.unknown];

/** Logistic regression by gradient descent, classes weighted to count equally. */
function fitAnswerability(rows: Row[]) {
  const positives = rows.filter((r) => r.answerable).length;
  const classWeight = (r: Row) => (r.answerable ? rows.length / (2 * positives) : rows.length / (2 * (rows.length - positives)));
  let w = [0, 0, 0];
  let b = 0;
  for (let epoch = 0; epoch < 1_500; epoch++) {
    const gw = [0, 0, 0];
    let gb = 0;
    for (const r of rows) {
      const x = vector(r.features);
      const p = 1 / (1 + Math.exp(-(b + x.reduce((s, v, i) => s + v * w[i]!, 0))));
      const g = (p - (r.answerable ? 1 : 0)) * classWeight(r);
      x.forEach((v, i) => (gw[i]! += g * v));
      gb += g;
    }
    w = w.map((v, i) => v - (2 * gw[i]!) / rows.length);
    b -= (2 * gb) / rows.length;
  }
  const probability = (r: Row) => 1 / (1 + Math.exp(-(b + vector(r.features).reduce((s, v, i) => s + v * w[i]!, 0))));
  // The weights learn from every row; the threshold is set where the questions of a support
  // conversation are decided best (the in-domain rows), not where other domains' queries are.
  const inDomain = rows.filter((r) => r.source === 'dev-fixture');
  const inPositives = inDomain.filter((r) => r.answerable).length;
  let best = { threshold: 0.5, balanced: 0 };
  for (let t = 0.05; t < 0.96; t += 0.01) {
    const tpr = inDomain.filter((r) => r.answerable && probability(r) >= t).length / inPositives;
    const tnr = inDomain.filter((r) => !r.answerable && probability(r) < t).length / (inDomain.length - inPositives);
    if ((tpr + tnr) / 2 > best.balanced) best = { threshold: Number(t.toFixed(2)), balanced: (tpr + tnr) / 2 };
  }
  return { weights: { covered: w[0]!, title: w[1]!, unknown: w[2]! }, bias: b, threshold: best.threshold, probability, balanced: best.balanced };
}

const model = fitAnswerability(rows);
for (const source of [...new Set(rows.map((r) => r.source))]) {
  const of = rows.filter((r) => r.source === source);
  const right = of.filter((r) => model.probability(r) >= model.threshold === r.answerable).length;
  console.log(`answerability: ${source.padEnd(12)} ${of.length} rows, ${of.filter((r) => r.answerable).length} answerable, decided right ${((100 * right) / of.length).toFixed(1)}%`);
}
console.log(`  balanced accuracy on the tuning questions ${(100 * model.balanced).toFixed(1)}% at threshold ${model.threshold}`);
const out = {
  rank,
  weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, Number(v.toFixed(4))])),
  bias: Number(model.bias.toFixed(4)),
  threshold: model.threshold,
  fittedOn: `rank: ${informative.length} tuning questions; answerability: ${rows.length} rows (tuning questions over the demo knowledge base, CLINC150 out-of-scope and other-domain queries)`,
};
writeFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../answerability-model.json'), `${JSON.stringify(out, null, 2)}\n`);
