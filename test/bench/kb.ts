/**
 * `npm run bench:kb`: knowledge-base retrieval — `searchKnowledge(query, 3)`, the agents' lookup, and
 * `searchPassages(query, 3)` on the same store (the "passages" lines; load time is the articles') —
 * with 10,000 articles, against the 34-article default knowledge base measured in the same run on
 * the same store. SQLite always; PostgreSQL as well when FRONTDESK_TEST_PG_URL or DATABASE_URL
 * names a server (a throwaway database is created there and dropped afterwards).
 *
 * The articles beyond the real ones are generated deterministically: paragraphs of the real
 * articles recombined with product sentences whose collection names, products and style codes
 * follow a Zipf-like distribution, so the index has a long-tailed vocabulary, and each article is
 * as long as the real ones. `BENCH_KB_ARTICLES` and `BENCH_KB_PASSES` change the run;
 * `BENCH_KB_STORE=sqlite` or `postgres` measures one store only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRandom } from '../../agents/engines/local/classifier/random.ts';
import { defaultArticles } from '../support/deployment.ts';
import type { ArticleInput } from '../../src/core/knowledge.ts';
import type { Repository, Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';

const ARTICLES = Number(process.env.BENCH_KB_ARTICLES ?? 10_000);
/** Timed passes over the query mix after one warm-up pass. */
const PASSES = Number(process.env.BENCH_KB_PASSES ?? 3);
const LIMIT = 3;
const TARGET_P99_MS = 5;
const ONLY = process.env.BENCH_KB_STORE;

// ── deterministic randomness ────────────────────────────────────────────────

/** A seeded generator, so every run indexes and asks exactly the same text. */
function seeded(seed: number) {
  const next = createRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]) => items[int(items.length)]! };
}
type Random = ReturnType<typeof seeded>;

/**
 * Draws ranks 0…n-1 with probability ∝ 1/(rank+1+shift)^s (Zipf–Mandelbrot): most names are rare,
 * a few common, and with a shift no single one appears in a tenth of the catalogue.
 */
function zipf(n: number, s: number, shift = 0) {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank++) cumulative.push((total += 1 / (rank + shift) ** s));
  return (random: Random) => {
    const x = random.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// ── vocabulary ──────────────────────────────────────────────────────────────

const PRODUCTS = (
  'jacket parka raincoat fleece hoodie sweater cardigan vest shirt blouse t-shirt polo jeans chinos trousers shorts ' +
  'leggings skirt dress jumpsuit coat blazer boots sneakers sandals loafers slippers hiking-boots socks beanie cap scarf ' +
  'gloves mittens belt backpack tote duffel wallet sunglasses umbrella tent sleeping-bag daypack base-layer thermals ' +
  'pyjamas robe swimsuit bikini trunks windbreaker gilet anorak overshirt joggers'
)
  .split(' ')
  .map((p) => p.replace(/-/g, ' '));
const MATERIALS = 'organic cotton,merino wool,recycled polyester,nylon ripstop,full-grain leather,suede,linen,cashmere,down fill,softshell,canvas,denim,bamboo viscose,waxed cotton,fleece'.split(',');
const COLOURS = 'black,navy,olive,sand,charcoal,forest green,rust,burgundy,stone,sky blue,mustard,cream,slate,ochre,plum'.split(',');
const SIZES = 'XXS XS S M L XL XXL 3XL'.split(' ');
const WAREHOUSES = 'Reno,Columbus,Allentown,Rotterdam,Leeds,Toronto,Melbourne'.split(',');
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const FITS = 'small,large,true to size,long in the sleeves,short in the body,narrow at the toe'.split(',');
const FEATURES = (
  'taped seams,two-way zip,pit zips,adjustable hood,storm flap,reinforced heel,cushioned footbed,brushed lining,' +
  'reflective trim,chest pocket,hand-warmer pockets,drawcord hem,articulated knees,gusseted crotch,flatlock stitching,' +
  'packable pouch,laptop sleeve,padded straps,hip belt,bottle holder,UPF 50 fabric,odour control,four-way stretch,' +
  'removable insole,lugged outsole,lace hooks,snap cuffs,fleece-lined collar,recycled trims,metal zips'
).split(',');
const CARE = [
  'machine wash cold and hang to dry',
  'hand wash only and dry flat',
  'wipe clean with a damp cloth',
  'dry clean only',
  'tumble dry low with dryer balls to keep the loft',
  're-proof with a waterproof spray once a season',
  'brush off dirt and use leather conditioner every few months',
];

const SYLLABLES = 'ka lo ri ven tor mi sa bel dor fin gra hal is jor kel lum mar nor ost pel quin ras sol tam ul vik wen yar zel bri cas dru eld fro gil hus ark'.split(' ');

/** Invented collection names ("Torvik", "Salumen"): a vocabulary as large as a real catalogue's. */
function collectionNames(count: number, random: Random): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const parts = Array.from({ length: 2 + random.int(2) }, () => random.pick(SYLLABLES)).join('');
    names.add(parts[0]!.toUpperCase() + parts.slice(1));
  }
  return [...names];
}

// ── the knowledge base ──────────────────────────────────────────────────────

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** What one product sentence names; queries ask about the same things. */
interface Catalogue {
  names: string[];
  nameRank: (random: Random) => number;
  productRank: (random: Random) => number;
}

function catalogue(random: Random): Catalogue {
  const names = collectionNames(20_000, random);
  return { names, nameRank: zipf(names.length, 1, 10), productRank: zipf(PRODUCTS.length, 0.8, 2) };
}

function productSentence(random: Random, shop: Catalogue, name: string, product: string): string {
  const other = () => `${shop.names[shop.nameRank(random)]} ${PRODUCTS[shop.productRank(random)]}`;
  const templates = [
    () => `The ${name} ${product} is made from ${random.pick(MATERIALS)} and comes in ${random.pick(COLOURS)} and ${random.pick(COLOURS)}.`,
    () => `The ${name} ${product} is in stock from ${random.pick(SIZES.slice(0, 4))} to ${random.pick(SIZES.slice(4))}; ${random.pick(COLOURS)} is expected again in ${random.pick(MONTHS)}.`,
    () => `Care for the ${name} ${product}: ${random.pick(CARE)}.`,
    () => `The ${name} ${product} (style NW${100_000 + random.int(900_000)}) leaves our ${random.pick(WAREHOUSES)} warehouse within ${1 + random.int(3)} days.`,
    () => `Customers say the ${name} ${product} runs ${random.pick(FITS)}.`,
    () => `Features of the ${name} ${product}: ${random.pick(FEATURES)}, ${random.pick(FEATURES)} and ${random.pick(FEATURES)}.`,
    () => `The ${name} ${product} pairs well with the ${other()} and the ${other()}.`,
  ];
  return random.pick(templates)();
}

/**
 * One generated article: a real article's topic (its title, some tags, its paragraphs in turn)
 * retold for one product, with paragraphs of other articles and product sentences mixed in,
 * until it is about as long as a real article.
 */
function generatedArticle(index: number, real: ArticleInput[], paragraphs: string[][], lengths: number[], shop: Catalogue, random: Random): ArticleInput {
  const topicIndex = random.int(real.length);
  const topic = real[topicIndex]!;
  const own = paragraphs[topicIndex]!;
  const name = shop.names[shop.nameRank(random)]!;
  const product = PRODUCTS[shop.productRank(random)]!;
  const target = random.pick(lengths) * (0.8 + random.next() * 0.4);
  const body = [productSentence(random, shop, name, product)];
  let words = wordCount(body[0]!);
  let next = random.int(own.length);
  while (words < target) {
    const roll = random.next();
    const paragraph =
      roll < 0.6 ? own[next++ % own.length]! : roll < 0.8 ? random.pick(random.pick(paragraphs)) : productSentence(random, shop, name, product);
    body.push(paragraph);
    words += wordCount(paragraph);
  }
  const titles = [`${topic.title}: ${name} ${product}`, `${name} ${product} — ${topic.title.toLowerCase()}`, `${topic.title} (${product})`];
  const tags = [...topic.tags.filter(() => random.next() < 0.5), `${name} ${product}`];
  return { slug: `bench-${index}`, title: random.pick(titles), body: body.join('\n\n'), tags };
}

/** The articles beyond the real ones, up to `size` in all. */
function generatedArticles(size: number, real: ArticleInput[], shop: Catalogue): ArticleInput[] {
  const random = seeded(1);
  const paragraphs = real.map((a) => a.body.split(/\n{2,}/).filter((p) => p.trim()));
  const lengths = real.map((a) => wordCount(a.body));
  return Array.from({ length: Math.max(0, size - real.length) }, (_, i) => generatedArticle(i, real, paragraphs, lengths, shop, random));
}

// ── the query mix ───────────────────────────────────────────────────────────

/** What a clothing and outdoor shop's customers ask, as they write it. */
const QUESTIONS = [
  'where is my order',
  'my parcel says delivered but it is not here',
  'how long does delivery take to texas',
  'can I change the address on my order?',
  'I want to cancel my order please',
  'how do I return something',
  'what is your return policy for sale items',
  'when will I get my refund',
  'refund still not on my credit card after 2 weeks',
  'do you ship to the UK? what about customs fees',
  'how much is express shipping',
  'is there free shipping over a certain amount',
  'can I pick up in store',
  'what are your opening hours on sunday',
  'I forgot my password and the reset email never came',
  'cant log in, it keeps asking for a verification code',
  'got a new phone and lost my 2FA',
  'how do I delete my account',
  'please unsubscribe me from your emails',
  'my promo code is not working',
  'do you have a student discount',
  'can I use two discount codes on one order',
  'my card was declined but I was charged',
  'I was charged twice for the same order',
  'do you take paypal or klarna',
  'can I pay in installments',
  'how do I check my gift card balance',
  'I lost my gift card',
  'can you gift wrap my order and add a message',
  'can I get my name embroidered on a jacket',
  'I need a VAT invoice for my company',
  'where can I download my receipt',
  'how do I change my email address',
  'what size should I get, I am between sizes',
  'do your jeans run small',
  'what is the inseam on the chinos',
  'the zipper on my jacket broke after a month',
  'the sole came off my boots, is that covered by warranty',
  'how do I wash a wool sweater without shrinking it',
  'is the down jacket machine washable',
  'when will the sold out boots be back in stock',
  'can I preorder the new collection',
  'the item I received is the wrong colour',
  'my package arrived damaged',
  'one item is missing from my box',
  'can I exchange for a different size',
  'the price dropped a day after I bought it, can I get the difference',
  'do you price match other stores',
  'how do rewards points work',
  'when does my gold tier expire',
  'what do you do with my personal data',
  'I want to leave a review',
  'I want to make a complaint about customer service',
  'can I talk to a real person',
  'what is your phone number',
  'tracking number not updating for 5 days',
  'which carrier do you use',
  'can I return an item bought in store online',
  'do I have to pay for return shipping',
  'is there a restocking fee',
];

const TAG_QUESTIONS = [(t: string) => `${t}?`, (t: string) => `hi, question about ${t}`, (t: string) => `I need help with ${t} please`, (t: string) => t];

const PRODUCT_QUESTIONS = [
  (n: string, p: string) => `is the ${n} ${p} waterproof?`,
  (n: string, p: string) => `how do I wash my ${n} ${p}`,
  (n: string, p: string) => `when is the ${n} ${p} back in stock in ${COLOURS[n.length % COLOURS.length]}`,
  (n: string, p: string) => `can I still return the ${n} ${p} I bought last month`,
  (n: string, p: string) => `what size ${p} should I order, does the ${n} run small`,
  (n: string, p: string) => `my ${n} ${p} arrived damaged, what now`,
  (_n: string, p: string) => `do you have the ${p} in ${SIZES[p.length % SIZES.length]}`,
];

/** Written questions, every real article's tags phrased as questions, and questions about products. */
function queryMix(real: ArticleInput[], shop: Catalogue): string[] {
  const random = seeded(2);
  const fromTags = real.flatMap((a) => a.tags.map((tag, i) => TAG_QUESTIONS[i % TAG_QUESTIONS.length]!(tag)));
  const aboutProducts = Array.from({ length: 150 }, (_, i) =>
    PRODUCT_QUESTIONS[i % PRODUCT_QUESTIONS.length]!(shop.names[shop.nameRank(random)]!, PRODUCTS[shop.productRank(random)]!),
  );
  const queries = [...QUESTIONS, ...fromTags, ...aboutProducts];
  // Shuffled so that consecutive queries do not share terms (and cache lines) more than real traffic would.
  for (let i = queries.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [queries[i], queries[j]] = [queries[j]!, queries[i]!];
  }
  return queries;
}

// ── measuring ───────────────────────────────────────────────────────────────

interface Timing {
  articles: number;
  loadMs: number;
  mean: number;
  p50: number;
  p99: number;
  qps: number;
  /** Share of queries with at least one hit (a sanity check that the mix matches the articles). */
  answered: number;
}

/** Loads articles the way `frontdesk kb import` does: one transaction. */
async function load(store: Store, articles: ArticleInput[]): Promise<number> {
  const started = performance.now();
  const now = Date.now();
  await store.transaction(async (repo) => {
    for (const article of articles) await repo.upsertArticle({ ...article, now });
  });
  return performance.now() - started;
}

/** What is timed: article search (the default) or passage search. */
type Search = (repo: Repository, query: string) => Promise<unknown[]>;
const articleSearch: Search = (repo, query) => repo.searchKnowledge(query, LIMIT);
const passageSearch: Search = (repo, query) => repo.searchPassages(query, LIMIT);

async function measure(repo: Repository, queries: string[], loadMs: number, search: Search = articleSearch): Promise<Timing> {
  for (const query of queries) await search(repo, query); // warm-up: JIT, statement cache, page cache
  const times: number[] = [];
  let answered = 0;
  const started = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const query of queries) {
      const t0 = performance.now();
      const hits = await search(repo, query);
      times.push(performance.now() - t0);
      if (pass === 0 && hits.length > 0) answered += 1;
    }
  }
  const elapsed = performance.now() - started;
  times.sort((a, b) => a - b);
  const percentile = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return {
    articles: await repo.countArticles(),
    loadMs,
    mean: times.reduce((s, t) => s + t, 0) / times.length,
    p50: percentile(0.5),
    p99: percentile(0.99),
    qps: times.length / (elapsed / 1000),
    answered: answered / queries.length,
  };
}

const ms = (x: number) => `${x.toFixed(3)} ms`;
const line = (engine: string, t: Timing) =>
  `${engine.padEnd(10)} ${t.articles.toLocaleString('en-US').padStart(6)} articles  load ${Math.round(t.loadMs).toLocaleString('en-US').padStart(6)} ms   ` +
  `mean ${ms(t.mean)}  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  ${Math.round(t.qps).toLocaleString('en-US').padStart(6)} queries/s  answered ${(t.answered * 100).toFixed(0)}%`;

/**
 * The default knowledge base first (the baseline), then the generated articles on top of it in
 * the same store. `settle` runs after the bulk load: what the database would do on its own soon
 * after an import (PostgreSQL's autovacuum), so the figures are for steady state.
 */
async function bench(engine: string, store: Store, real: ArticleInput[], generated: ArticleInput[], queries: string[], settle?: () => Promise<void>) {
  await store.migrate();
  const small = await measure(store.repo, queries, await load(store, real));
  process.stdout.write(`${line(engine, small)}\n`);
  process.stdout.write(`${line('passages', await measure(store.repo, queries, 0, passageSearch))}\n`);
  const loadMs = await load(store, generated);
  await settle?.();
  const large = await measure(store.repo, queries, loadMs);
  process.stdout.write(`${line(engine, large)}\n`);
  process.stdout.write(`${line('passages', await measure(store.repo, queries, 0, passageSearch))}\n`);
  process.stdout.write(
    `${''.padEnd(10)} ratio ${large.articles.toLocaleString('en-US')} / ${small.articles} articles: mean ${(large.mean / small.mean).toFixed(2)}  ` +
      `p50 ${(large.p50 / small.p50).toFixed(2)}  p99 ${(large.p99 / small.p99).toFixed(2)}   ` +
      `p99 ≤ ${TARGET_P99_MS} ms: ${large.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}\n`,
  );
}

async function benchSqlite(real: ArticleInput[], generated: ArticleInput[], queries: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-kb-'));
  const store = createSqliteStore({ path: join(dir, 'kb.db') });
  try {
    await bench('SQLite', store, real, generated, queries);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(adminUrl: string, real: ArticleInput[], generated: ArticleInput[], queries: string[]) {
  // The contract tests' throwaway database; its helper reads the server from FRONTDESK_TEST_PG_URL.
  process.env.FRONTDESK_TEST_PG_URL = adminUrl;
  const { createTestDatabase } = await import('../support/postgres.ts');
  const db = await createTestDatabase();
  const store = createPgStore({ url: db.url });
  const vacuum = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // Every table, as autovacuum would: merges the GIN pending list, and gives kb_search_terms its
      // visibility map (index-only scans) and statistics.
      await client.query('vacuum analyze');
    } finally {
      await client.end();
    }
  };
  try {
    await bench('PostgreSQL', store, real, generated, queries, vacuum);
  } finally {
    await store.close();
    await db.drop();
  }
}

async function main() {
  const real = defaultArticles();
  const shop = catalogue(seeded(3));
  const generated = generatedArticles(ARTICLES, real, shop);
  const articles = [...real, ...generated];
  const queries = queryMix(real, shop);
  const meanWords = articles.reduce((s, a) => s + wordCount(a.body), 0) / articles.length;
  const vocabulary = new Set(articles.flatMap((a) => `${a.title} ${a.body}`.toLowerCase().split(/[^\p{L}\p{N}]+/u))).size;
  process.stdout.write(
    `Knowledge-base search: searchKnowledge(query, ${LIMIT}), ${queries.length} queries × ${PASSES} passes after a warm-up pass; ` +
      `${articles.length.toLocaleString('en-US')} articles (${real.length} from config/demo/kb), ${Math.round(meanWords)} words each on average, ${vocabulary.toLocaleString('en-US')} distinct words\n`,
  );
  if (ONLY !== 'postgres') await benchSqlite(real, generated, queries);
  const pgUrl = process.env.FRONTDESK_TEST_PG_URL || process.env.DATABASE_URL;
  if (ONLY === 'sqlite') process.stdout.write('PostgreSQL: not asked for (BENCH_KB_STORE=sqlite)\n');
  else if (pgUrl) await benchPostgres(pgUrl, real, generated, queries);
  else process.stdout.write('PostgreSQL: skipped (set FRONTDESK_TEST_PG_URL or DATABASE_URL to a server where a database may be created)\n');
}

await main();
