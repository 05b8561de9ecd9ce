/**
 * Knowledge and passage search on PostgreSQL from a copy of the per-lexeme rank tables
 * (kb_search_terms, kb_passage_search_terms) held in this server's memory: the same rows, scores
 * and order as kb_search() / kb_passage_search() (see knowledge-search.ts), without their reading
 * thousands of index entries per question.
 *
 * A row's rank for OR-ed single lexemes is the sum of its per-lexeme ranks up to float4 rounding
 * (relative error well under 1e-6). So the sums over every posting of the question's lexemes,
 * added here in a few nanoseconds a posting, find the top-th best sum θ; any row whose rank can
 * reach the top has a sum within the margin of θ, and only those rows are ranked, by ts_rank_cd of
 * the whole query on the row itself, ties in id order, as the functions rank them.
 *
 * One statement a question once warm, as with the functions: the ranking, with the current
 * kb_search_version token (migration 0022) beside it. Every transaction that writes the articles
 * or passages replaces the token (inside it, the functions rank); the copy belongs to one token
 * (postings are read with it in the same statement), and a ranking made from a copy whose token
 * is no longer current is thrown away and made again. Cold, the question's words go to the parser once (its lexemes are kept per word) and
 * the postings of lexemes not yet copied are read.
 *
 * Returns null where the functions must rank: a query that is not a plain OR of single lexemes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../repository.ts';
import { bestOf } from '../best-of.ts';

/** A rank table and how its rows are ranked. */
export interface RankTable {
  terms: 'kb_search_terms' | 'kb_passage_search_terms';
  key: 'article' | 'passage';
}

/** Rows whose sum is within this share of θ are ranked (float4 rounding is far below it). */
const MARGIN = 1e-5;
/** Postings kept per table; past this the lexemes read so far are dropped and read again on demand. */
const MAX_POSTINGS = 4_000_000;

interface Postings {
  slots: Int32Array;
  scores: Float64Array;
}

interface Copy {
  token: string;
  postings: Map<string, Postings>;
  kept: number;
  /** Row keys by slot, and slots by key: sums are kept in an array by slot. */
  keys: number[];
  slotOf: Map<number, number>;
  sums: Float64Array;
}

const copies = new WeakMap<Db, Map<string, Copy>>();

const newCopy = (token: string): Copy => ({ token, postings: new Map(), kept: 0, keys: [], slotOf: new Map(), sums: new Float64Array(1024) });

function slotFor(copy: Copy, key: number): number {
  let slot = copy.slotOf.get(key);
  if (slot === undefined) {
    slot = copy.keys.length;
    copy.keys.push(key);
    copy.slotOf.set(key, slot);
    if (slot >= copy.sums.length) {
      const grown = new Float64Array(copy.sums.length * 2);
      grown.set(copy.sums);
      copy.sums = grown;
    }
  }
  return slot;
}

/** Per search term: its lexeme (null: a stopword) and whether it is one lexeme as a tsquery too (kb_search's test). */
interface TermLexeme {
  lexeme: string | null;
  plain: boolean;
}

/** Terms seen before; what the parser makes of a word does not change. Cleared when full. */
const termLexemes = new Map<string, TermLexeme>();
const MAX_TERMS_KEPT = 50_000;

/**
 * The question's distinct lexemes, or null when it is not a plain OR of single lexemes: every term
 * one lexeme or none, in the tsvector and in the tsquery alike (kb_search's test, per term).
 */
async function lexemesOf(db: Db, terms: string[]): Promise<string[] | null> {
  const unknown = terms.filter((t) => !termLexemes.has(t));
  if (unknown.length > 0) {
    const result = await db.execute(
      sql`select term, tsvector_to_array(to_tsvector('english', term)) as lexemes, numnode(to_tsquery('english', term)) as nodes
          from unnest(${sql.param(unknown)}::text[]) term`,
    );
    if (termLexemes.size + unknown.length > MAX_TERMS_KEPT) termLexemes.clear();
    for (const row of result.rows as { term: string; lexemes: string[]; nodes: number }[]) {
      termLexemes.set(row.term, { lexeme: row.lexemes[0] ?? null, plain: row.lexemes.length <= 1 && Number(row.nodes) === row.lexemes.length });
    }
  }
  const known = terms.map((t) => termLexemes.get(t));
  if (known.some((k) => !k?.plain)) return null;
  return [...new Set(known.flatMap((k) => (k?.lexeme ? [k.lexeme] : [])))];
}

/**
 * Reads the postings of `lexemes` into the copy for the token they are read with; a copy whose
 * token that is not is replaced first (and every lexeme read into the new one).
 */
async function readPostings(db: Db, table: RankTable, byTable: Map<string, Copy>, lexemes: string[]): Promise<Copy> {
  const copy = byTable.get(table.terms);
  const wanted = copy ? lexemes.filter((l) => !copy.postings.has(l)) : lexemes;
  if (copy && wanted.length === 0) return copy;
  const result = await db.execute(
    sql`select v.token::text as token, s.lexeme, s.keys, s.scores from kb_search_version v
        left join lateral (select s.lexeme, array_agg(s.${sql.raw(table.key)}) as keys, array_agg(s.score) as scores
                           from ${sql.raw(table.terms)} s where s.lexeme = any(${sql.param(wanted)}::text[]) group by s.lexeme) s on true`,
  );
  const rows = result.rows as { token: string; lexeme: string | null; keys: number[] | null; scores: (number | string)[] | null }[];
  const token = rows[0]?.token ?? '';
  if (copy?.token === token) {
    keepPostings(copy, wanted, rows);
    return copy;
  }
  byTable.delete(table.terms);
  // Read with another token than the lexemes copied before: start again, reading them all.
  if (wanted.length < lexemes.length) return readPostings(db, table, byTable, lexemes);
  const fresh = newCopy(token);
  byTable.set(table.terms, fresh);
  keepPostings(fresh, wanted, rows);
  return fresh;
}

function keepPostings(copy: Copy, lexemes: string[], rows: { lexeme: string | null; keys: number[] | null; scores: (number | string)[] | null }[]) {
  if (copy.kept > MAX_POSTINGS) {
    copy.postings.clear();
    copy.kept = 0;
  }
  const found = new Map(rows.flatMap((r) => (r.lexeme ? [[r.lexeme, r] as const] : [])));
  for (const lexeme of lexemes) {
    const row = found.get(lexeme);
    const keys = row?.keys ?? [];
    const slots = new Int32Array(keys.length);
    const scores = new Float64Array(keys.length);
    keys.forEach((key, j) => {
      slots[j] = slotFor(copy, Number(key));
      scores[j] = Number(row!.scores![j]);
    });
    copy.postings.set(lexeme, { slots, scores });
    copy.kept += keys.length;
  }
}

/** The keys of the rows that can be in the top `top` for the OR of `lexemes`, by the copy. */
function contenders(copy: Copy, lexemes: string[], top: number): number[] {
  const { sums } = copy;
  const touched: number[] = [];
  for (const lexeme of lexemes) {
    const { slots, scores } = copy.postings.get(lexeme)!;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      if (sums[slot] === 0) touched.push(slot);
      sums[slot] = sums[slot]! + scores[j]!;
    }
  }
  const theta = touched.length > top ? sums[bestOf(touched, top, (a, b) => sums[a]! > sums[b]!)[top - 1]!]! * (1 - MARGIN) : 0;
  const keys = touched.filter((slot) => sums[slot]! >= theta).map((slot) => copy.keys[slot]!);
  for (const slot of touched) sums[slot] = 0;
  return keys;
}

/**
 * Ranks `terms` with `rank`, a statement over the given row keys that returns the ranked rows
 * (none when the keys are empty), in one round trip once the copy is warm; null when the database
 * functions must rank. The statement runs with the token read beside it: rows ranked from a copy
 * that a write has meanwhile made stale are thrown away and the copy read again.
 */
export async function rankFromCopy<T>(db: Db, table: RankTable, terms: string[], top: number, rank: (keys: number[]) => SQL): Promise<T[] | null> {
  const lexemes = await lexemesOf(db, terms);
  if (!lexemes) return null;
  let byTable = copies.get(db);
  if (!byTable) copies.set(db, (byTable = new Map()));
  for (let attempt = 0; attempt < 2; attempt++) {
    const copy = await readPostings(db, table, byTable, lexemes);
    const keys = contenders(copy, lexemes, top);
    const result = await db.execute(
      sql`select v.token::text as "copyToken", v.writer = txid_current_if_assigned() as "ownWrite", r.*
          from kb_search_version v left join lateral (${rank(keys)}) r on true`,
    );
    const rows = result.rows as (T & { copyToken: string; ownWrite: boolean | null; id: string | null })[];
    // This transaction wrote the knowledge base: the token stays the same until it ends, so it
    // cannot tell a copy made between two of its writes from a current one.
    if (rows[0]?.ownWrite) return null;
    if (rows[0]?.copyToken === copy.token) return rows.filter((r) => r.id !== null).map(({ copyToken: _, ownWrite: __, ...row }) => row as unknown as T);
    byTable.delete(table.terms);
  }
  return null;
}
