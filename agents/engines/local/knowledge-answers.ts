/**
 * Answering from the knowledge base: the section that answers a question (when one does, judged
 * by answerability.ts), quoted up to a screenful with the article it comes from.
 */
import type { AgentRunResult } from '../../../src/core/ports.ts';
import type { KnowledgePassage, PassageHit } from '../../../src/core/types.ts';
import { answerabilityModel, answerProbabilityFor, bestPassage, bestSentenceScore, buildVocabulary, expandQuery, withoutAnswerFraming, type Vocabulary } from './answerability.ts';
import type { EngineContext, Turn } from './engine-context.ts';
import { handoff, result } from './replies.ts';

/** Passages read from the store per question: enough to hold every section a question could mean. */
const PASSAGE_CANDIDATES = 10;
/** An answer quotes one section; its passages together stay about a screenful. */
const ANSWER_CHARS = 900;
/** A runner-up section of the same article ranked at least this share of the best one is quoted too. */
const SIBLING_SHARE = 0.5;
/** A runner-up of another article ranked at least this share of the best is quoted too: the ranker cannot tell them apart. */
const RUNNER_UP_SHARE = 0.8;
/** The two sections together stay within a screenful and a bit; on SMS within a few segments (longer replies are cut there). */
const SIBLING_CHARS = 1_200;
const SIBLING_CHARS_SMS = 600;
/** Preference for the passages of the article a follow-up continues (ranks are about 0–1.5): enough to settle an ambiguous "and on Sunday?", not to outweigh a follow-up whose own words point elsewhere ("… and the 2fa codes?"). */
const TOPIC_ARTICLE_BONUS = 0.1;

/** An answer found in the knowledge base: the quoted section, its article and how surely it answers. */
export interface KnowledgeAnswer {
  text: string;
  slug: string;
  probability: number;
}

/** The passage search the candidates come from (the store's, or the fitting scripts'). */
export type PassageSearch = (query: string, limit: number) => Promise<PassageHit[]>;

/**
 * The sections that could answer the query: the passages the search finds for it, for a
 * follow-up's own words (`ownWords`), and those only its synonyms find (expandQuery), grouped
 * into sections (sectionsOf).
 */
export async function candidateSections(search: PassageSearch, asked: string, vocabulary: Vocabulary | undefined, tagsOf?: (slug: string) => string, ownWords?: string) {
  // A full-text search for "long" finds every "as long as" ("how long does express take?" is about express).
  const query = withoutAnswerFraming(asked);
  const expanded = vocabulary ? expandQuery(query, vocabulary) : null;
  const ownQuery = ownWords && vocabulary ? (expandQuery(ownWords, vocabulary) ?? ownWords) : ownWords;
  const [found, more, own] = await Promise.all([
    search(query, PASSAGE_CANDIDATES),
    expanded ? search(expanded, PASSAGE_CANDIDATES) : Promise.resolve([]),
    ownQuery ? search(ownQuery, PASSAGE_CANDIDATES) : Promise.resolve([]),
  ]);
  const hits = new Map(found.map((h) => [h.passage.id, h]));
  // A follow-up's own words may point elsewhere than its topic ("… and the 2fa codes?" after the
  // reset link): what they find ranks as the search ranks it for them, on the topic search's scale.
  const top = Math.max(0, ...found.map((h) => h.score));
  const topOwn = Math.max(0, ...own.map((h) => h.score)) || 1;
  for (const h of own) {
    const score = (h.score / topOwn) * top;
    if (score > (hits.get(h.passage.id)?.score ?? -1)) hits.set(h.passage.id, { ...h, score });
  }
  // Passages only the synonyms find join as candidates, ranked by their match alone: the
  // engine's score for the expanded query would reward a synonym as much as the customer's word.
  for (const h of more) if (!hits.has(h.passage.id)) hits.set(h.passage.id, { ...h, score: 0 });
  const all = [...hits.values()];
  return { hits: all, sections: sectionsOf(all, tagsOf) };
}

/** The section of the knowledge base that answers the query, or null when none does. */
export async function findAnswer(ctx: EngineContext, turn: Turn, query: string): Promise<KnowledgeAnswer | null> {
  const vocabulary = ctx.deps.vocabulary;
  // A follow-up is searched with its topic's words before its own ("… reset link and the 2fa codes?").
  const context = query === turn.query ? turn.topicWords : undefined;
  const search: PassageSearch = async (q, n) => withTopicArticle(await turn.input.tools.searchPassages(q, n), turn.topicSlug ? (ctx.deps.passagesOf?.(turn.topicSlug) ?? []) : []);
  const { hits, sections: found } = await candidateSections(search, query, vocabulary, ctx.deps.tagsOf, context !== undefined ? turn.text : undefined);
  const sections = found.map((section) => ({ ...section, bonus: turn.topicSlug && section.members[0]!.slug === turn.topicSlug ? TOPIC_ARTICLE_BONUS : 0 }));
  const own = context !== undefined ? turn.text : query;
  const words = vocabulary ?? buildVocabulary(hits.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`));
  const chosen = bestPassage(own, sections, words, context);
  // "Sorry, my cat walked on the keyboard. Can I pick up my order at a store?": the section is chosen
  // on everything said, but whether it answers is judged on what is asked too, not on the story's words alone.
  const asked = questionsIn(own);
  if (chosen && asked) chosen.probability = Math.max(chosen.probability, answerProbabilityFor(asked, chosen.hit.passage, words, context));
  turn.trace.push({
    kind: 'tool',
    name: 'search_knowledge',
    data: { passages: hits.slice(0, 3).map((h) => h.passage.id), best: chosen?.hit.members[0]!.id ?? null, answerable: chosen ? Number(chosen.probability.toFixed(3)) : 0 },
    at: ctx.now(),
  });
  if (!chosen || chosen.probability < answerabilityModel.threshold) return null;
  const first = chosen.hit.members[0]!;
  const sibling = closeSibling(chosen, turn.input.conversation.channel === 'sms' ? SIBLING_CHARS_SMS : SIBLING_CHARS);
  const quoted = [chosen.hit, ...(sibling ? [sibling] : [])].map((section) => {
    const top = section.members[0]!;
    return `${top.heading ? `**${top.heading}**\n\n` : ''}${quoteOf(section.members, query, vocabulary)}`;
  });
  const titles = [...new Set([first.title, ...(sibling ? [sibling.members[0]!.title] : [])])].map((title) => `"${title}"`);
  const source = titles.length === 1 ? `article ${titles[0]}` : `articles ${titles.join(' and ')}`;
  return { text: `${quoted.join('\n\n')}\n\n(From our help ${source}.)`, slug: first.slug, probability: chosen.probability };
}

/**
 * The search's hits with every other passage of the article a follow-up continues, ranked as high
 * as that article's best hit: the search, led by the topic's words, may miss the section the
 * follow-up's own words ask for ("how long does standard take to get there?" after Canada and
 * duties: the international rates table), and among the article's sections those words choose.
 */
function withTopicArticle(hits: PassageHit[], topicPassages: KnowledgePassage[]): PassageHit[] {
  const topicHits = hits.filter((h) => topicPassages.some((p) => p.articleId === h.passage.articleId));
  if (topicPassages.length === 0 || topicHits.length === 0) return hits;
  const score = Math.max(...topicHits.map((h) => h.score));
  const found = new Set(hits.map((h) => h.passage.id));
  return [...hits, ...topicPassages.filter((p) => !found.has(p.id)).map((passage) => ({ passage, score }))];
}

/** The sentences of a longer message that ask something, when there are others beside them; else null. */
function questionsIn(text: string): string | null {
  const sentences = text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.trim());
  const questions = sentences.filter((sentence) => sentence.trim().endsWith('?'));
  return questions.length > 0 && questions.length < sentences.length ? questions.join(' ') : null;
}

/**
 * The section quoted beside the chosen one, when both fit on a screen: the best other section of
 * the same article when it ranks at least half as high (siblings such as "How to use a promo code"
 * and "Rules" are where a lexical ranker errs most), else a runner-up of another article that ranks
 * almost as high ("Transit times" and "Shipping costs" for "how much is next-day delivery?").
 * Quoting both costs the customer a few lines where picking wrongly costs the answer.
 */
function closeSibling(chosen: { hit: { members: KnowledgePassage[] }; alternatives: { hit: { members: KnowledgePassage[] }; share: number }[] }, budget: number) {
  const a = chosen.hit.members;
  const sameArticle = chosen.alternatives.find((alt) => alt.hit.members[0]!.articleId === a[0]!.articleId);
  const runnerUp = chosen.alternatives[0];
  const sibling = sameArticle && sameArticle.share >= SIBLING_SHARE ? sameArticle : runnerUp && runnerUp.share >= RUNNER_UP_SHARE ? runnerUp : null;
  if (!sibling) return null;
  const length = [...a, ...sibling.hit.members].reduce((n, p) => n + p.text.length, 0);
  return length <= budget ? sibling.hit : null;
}

/** The knowledge base's answer to the turn's query, or a person when it has none. */
export async function answerFromKnowledge(ctx: EngineContext, turn: Turn): Promise<AgentRunResult> {
  const answer = await findAnswer(ctx, turn, turn.query);
  if (!answer) return handoff(ctx, turn, 'unanswerable', ctx.replies.unanswerable);
  return answered(turn, answer);
}

/** The reply with a found answer; its article becomes the topic a follow-up continues. */
export function answered(turn: Turn, answer: { text: string; slug: string }): AgentRunResult {
  const topic = { route: turn.agent.route, intent: turn.intent, query: turn.query.slice(0, 500), slug: answer.slug };
  return result(turn, answer.text, { ...turn.memory, topic, awaiting: null });
}

/**
 * What to quote of a section: its passages up to a screenful, the one holding the sentence that
 * best matches the question first in, then shown in article order.
 */
function quoteOf(members: KnowledgePassage[], query: string, vocabulary: Vocabulary | undefined): string {
  if (members.length === 1 || !vocabulary) return members[0]!.text;
  const scores = new Map(members.map((p) => [p, bestSentenceScore(query, p, vocabulary)]));
  const best = [...members].sort((a, b) => scores.get(b)! - scores.get(a)!)[0]!;
  // The best passage, then the others from the section's start (where its steps and rules are) while they fit.
  const kept = new Set<KnowledgePassage>([best]);
  let length = best.text.length;
  for (const p of members) {
    if (kept.has(p) || length + p.text.length > ANSWER_CHARS) continue;
    kept.add(p);
    length += p.text.length;
  }
  return members.filter((p) => kept.has(p)).map((p) => p.text).join('\n\n');
}

/**
 * The candidates as whole sections: the passages of one article under one heading that came up
 * (a section split in two) are judged and quoted together, in article order, up to a screenful.
 */
function sectionsOf(hits: PassageHit[], tagsOf: ((slug: string) => string) | undefined) {
  const groups = new Map<string, PassageHit[]>();
  for (const h of hits) {
    const key = `${h.passage.articleId}\u0000${h.passage.heading ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  return [...groups.values()].map((group) => {
    const members = group.map((h) => h.passage).sort((a, b) => a.position - b.position);
    const title = tagsOf ? `${members[0]!.title} ${tagsOf(members[0]!.slug)}` : members[0]!.title;
    // Judged on everything the section showed; quoted up to a screenful (quoteOf).
    const text = members.map((p) => p.text).join('\n\n');
    return { members, score: Math.max(...group.map((h) => h.score)), passage: { title, heading: members[0]!.heading, text } };
  });
}
