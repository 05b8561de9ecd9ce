/**
 * Fits the answerability model (agents/engines/local/answerability-model.json) on data:
 *
 *  - the tuning files of the answer fixture (test/fixtures/answers/dev*.jsonl; the held-out files
 *    are never read here): a question whose expected fact some passage of the demo knowledge base
 *    states is answerable by the passage the engine would pick among those; one marked for a
 *    person is not;
 *  - CLINC150 (../shared/data/clinc150) out-of-scope queries and queries of domains a shop's help
 *    centre does not cover (banking, travel, cooking, small devices), against the demo knowledge
 *    base: not answerable.
 *
 * Tried and left out: StackFAQ paraphrases (their articles share so many words that a query with
 * its article removed covers as much as with it), and Bitext requests (templated, with typos and
 * synonyms the articles never use: as positives they taught that coverage does not matter).
 *
 * Run: `npx tsx agents/engines/local/training/fit-answerability.ts` (prints the fit's figures).
 * The model has three weights and a bias, learnt from all rows; the threshold maximises accuracy
 * on the in-domain rows, which mix answerable and unanswerable questions about as customers ask
 * them (balanced accuracy gave the rare unanswerable ones as much say as all the rest, and sent
 * one answerable question in six to a person).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMarkdownArticle } from '../../../../src/core/knowledge.ts';
import { splitPassages } from '../../../../src/core/passages.ts';
import { loadDeployment } from '../../../../config/deployment/index.ts';
import { triageExamples, triagePriors } from '../index.ts';
import { createTriage } from '../engine.ts';
import { detectSmallTalk } from '../small-talk.ts';
import { loadTriageModel } from './triage-model.ts';
import { bestPassage, buildVocabulary, generalWordsOf, type CoverageFeatures, type PassageText } from '../answerability.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const data = resolve(root, '../shared/data');

interface Row {
  features: CoverageFeatures;
  answerable: boolean;
  source: string;
}

type Candidate = { passage: PassageText & { slug: string }; score: number };

/** Passages as the engine sees them: the article's title and tags stand for what the whole article is about. */
function passagesOf(articles: { slug: string; title: string; body: string; tags?: string[] }[]): Candidate[] {
  return articles.flatMap((a) =>
    splitPassages(a).map((p) => ({ passage: { slug: a.slug, title: `${a.title} ${(a.tags ?? []).join(' ')}`, heading: p.heading, text: p.text }, score: 1 })),
  );
}

/** CLINC150 intents a clothing shop's help centre could plausibly cover; the rest are negatives. */
const SHOP_LIKE = new Set(
  'order order_status cancel redeem_rewards rewards_balance card_declined greeting goodbye thank_you yes no maybe are_you_a_bot what_can_i_ask_you who_do_you_work_for international_fees transactions pay_bill bill_balance bill_due replacement_card_duration damaged_card report_lost_card lost_luggage shopping_list shopping_list_update accept_reservations how_busy'.split(
    ' ',
  ),
);

async function demoRows(): Promise<Row[]> {
  const dir = join(root, 'config/demo/kb');
  const articles = readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => parseMarkdownArticle(f, readFileSync(join(dir, f), 'utf8')));
  const candidates = passagesOf(articles);
  // Everyday support English, as the engine has it: the deployment's training examples.
  const deployment = loadDeployment();
  const examples = await triageExamples(deployment, null);
  const general = generalWordsOf(examples.map((e) => e.text));
  // The engine judges answerability only where an answer may come from the knowledge base: not for
  // small talk, nor for a request triage sends to people ("talk to a human" is no unanswerable question).
  const classifier = await loadTriageModel({ examples, priors: triagePriors(deployment), cacheDir: join(root, 'data'), deployment: deployment.name });
  const triage = createTriage(deployment.graph, (text) => classifier.predict(text));
  const handoffRoutes = new Set(deployment.graph.agents.filter((a) => a.kind === 'handoff').map((a) => a.route));
  const judged = (text: string) => {
    const decision = triage(text);
    return detectSmallTalk(text, () => true) === null && !(decision.confident && handoffRoutes.has(decision.route));
  };
  const vocabulary = buildVocabulary(candidates.map((c) => `${c.passage.title} ${c.passage.heading ?? ''} ${c.passage.text}`), general);
  const rows: Row[] = [];
  const clinc = JSON.parse(readFileSync(join(data, 'clinc150/dev.json'), 'utf8')) as Record<string, [string, string][]>;
  const negatives = [...clinc.oos_train!, ...clinc.oos_val!, ...clinc.val!.filter(([, intent]) => !SHOP_LIKE.has(intent)).filter((_, i) => i % 6 === 0)];
  for (const [text] of negatives) {
    const best = bestPassage(text, candidates, vocabulary);
    if (best) rows.push({ features: best.features, answerable: false, source: 'clinc' });
  }
  // The tuning files of the answer fixture (the held-out files are never read here): a question whose
  // expected fact some passage states is answerable by that passage; one marked for a person is not.
  const fixtures = join(root, 'test/fixtures/answers');
  const fixture = readdirSync(fixtures)
    .filter((f) => /^dev.*\.jsonl$/.test(f))
    .flatMap((f) => readFileSync(join(fixtures, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  for (const item of fixture) {
    for (const turn of item.turns ?? [item]) {
      if (typeof turn.text !== 'string' || /NW-?\d/i.test(turn.text) || !judged(turn.text)) continue;
      if (turn.handoff === true) {
        const best = bestPassage(turn.text, candidates, vocabulary);
        if (best) rows.push({ features: best.features, answerable: false, source: 'dev-fixture' });
      } else if (Array.isArray(turn.expect) && !item.turns) {
        const stating = candidates.filter((c) => turn.expect.every((re: string) => new RegExp(re, 'i').test(c.passage.text)));
        if (stating.length === 0) continue;
        const best = bestPassage(turn.text, stating, vocabulary);
        if (best) rows.push({ features: best.features, answerable: true, source: 'dev-fixture' });
      }
    }
  }
  return rows;
}

const vector = (f: CoverageFeatures) => [f.local + f.title, f.title, f.unknown, f.focusMissing];

/** Logistic regression by gradient descent, classes weighted to count equally. */
function fit(rows: Row[]) {
  const positives = rows.filter((r) => r.answerable).length;
  const classWeight = (r: Row) => (r.answerable ? rows.length / (2 * positives) : rows.length / (2 * (rows.length - positives)));
  const size = vector(rows[0]!.features).length;
  let w: number[] = new Array(size).fill(0);
  let b = 0;
  for (let epoch = 0; epoch < 1_500; epoch++) {
    const gw: number[] = new Array(size).fill(0);
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
  let best = { threshold: 0.5, accuracy: 0 };
  for (let t = 0.05; t < 0.96; t += 0.01) {
    const accuracy = inDomain.filter((r) => probability(r) >= t === r.answerable).length / inDomain.length;
    if (accuracy > best.accuracy) best = { threshold: Number(t.toFixed(2)), accuracy };
  }
  return { weights: { covered: w[0]!, title: w[1]!, unknown: w[2]!, focusMissing: w[3]! }, bias: b, threshold: best.threshold, probability, accuracy: best.accuracy };
}

const rows = await demoRows();
const model = fit(rows);
for (const source of [...new Set(rows.map((r) => r.source))]) {
  const of = rows.filter((r) => r.source === source);
  const right = of.filter((r) => model.probability(r) >= model.threshold === r.answerable).length;
  console.log(`${source.padEnd(18)} ${of.length} rows, ${of.filter((r) => r.answerable).length} answerable, decided right ${((100 * right) / of.length).toFixed(1)}%`);
}
console.log(`accuracy on the in-domain rows ${(100 * model.accuracy).toFixed(1)}% at threshold ${model.threshold}`);
const out = {
  weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, Number(v.toFixed(4))])),
  bias: Number(model.bias.toFixed(4)),
  threshold: model.threshold,
  fittedOn: `${rows.length} rows: the tuning answer fixtures (dev*.jsonl) over the demo knowledge base, CLINC150 out-of-scope and other-domain queries`,
};
writeFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../answerability-model.json'), `${JSON.stringify(out, null, 2)}\n`);
