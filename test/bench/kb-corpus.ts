/**
 * The knowledge base and questions of `npm run bench:kb` (test/bench/kb.ts), deterministic: the
 * articles beyond the real ones are paragraphs of the real articles recombined with product
 * sentences whose collection names, products and style codes follow a Zipf-like distribution, so
 * the index has a long-tailed vocabulary, and each article is as long as the real ones. Shared
 * with the tests that compare search against scoring every match on a realistic corpus.
 */
import { createRandom } from '../../agents/engines/local/classifier/random.ts';
import type { ArticleInput } from '../../src/core/knowledge.ts';

// ── deterministic randomness ────────────────────────────────────────────────

/** A seeded generator, so every run indexes and asks exactly the same text. */
export function seeded(seed: number) {
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

export const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** What one product sentence names; queries ask about the same things. */
export interface Catalogue {
  names: string[];
  nameRank: (random: Random) => number;
  productRank: (random: Random) => number;
}

export function catalogue(random: Random): Catalogue {
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
export function generatedArticles(size: number, real: ArticleInput[], shop: Catalogue): ArticleInput[] {
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
export function queryMix(real: ArticleInput[], shop: Catalogue): string[] {
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
