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
 * Three statements a question once warm: the lexemes and the copy's token, the postings of
 * lexemes not yet copied (none once warm), the ranking. The copy belongs to one kb_search_version
 * token (migration 0019), which every write to the articles or passages replaces; postings are read
 * with the token in the same statement, so a copy never mixes two states of the tables.
 *
 * Returns null where the functions must rank: a query that is not a plain OR of single lexemes.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../repository.ts';

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

/** The question's distinct lexemes, whether it is a plain OR of single lexemes (as kb_search decides), and the current token. */
async function analyse(db: Db, query: string): Promise<{ lexemes: string[]; plain: boolean; token: string }> {
  const result = await db.execute(
    sql`select (select token::text from kb_search_version) as token,
          coalesce(array_agg(distinct t.lexemes[1]) filter (where cardinality(t.lexemes) = 1), '{}') as lexemes,
          coalesce(bool_and(cardinality(t.lexemes) <= 1), true)
            and numnode(to_tsquery('english', ${query})) = greatest(2 * count(*) filter (where cardinality(t.lexemes) = 1) - 1, 0) as plain
        from unnest(string_to_array(${query}, ' | ')) term, tsvector_to_array(to_tsvector('english', term)) t(lexemes)`,
  );
  const row = result.rows[0] as { token: string | null; lexemes: string[]; plain: boolean };
  return { lexemes: row.lexemes, plain: row.plain && row.token !== null, token: row.token ?? '' };
}

async function currentToken(db: Db): Promise<string> {
  const result = await db.execute(sql`select token::text as token from kb_search_version`);
  return (result.rows[0] as { token: string } | undefined)?.token ?? '';
}

/** Reads the postings of `lexemes` into the copy; false when the tables changed since the copy's token. */
async function readPostings(db: Db, table: RankTable, copy: Copy, lexemes: string[]): Promise<boolean> {
  const result = await db.execute(
    sql`select (select token::text from kb_search_version) as token, s.lexeme, array_agg(s.${sql.raw(table.key)}) as keys, array_agg(s.score) as scores
        from ${sql.raw(table.terms)} s where s.lexeme = any(${sql.param(lexemes)}::text[]) group by s.lexeme`,
  );
  const rows = result.rows as { token: string; lexeme: string; keys: number[]; scores: (number | string)[] }[];
  if (rows.some((r) => r.token !== copy.token)) return false;
  if (copy.kept > MAX_POSTINGS) {
    copy.postings.clear();
    copy.kept = 0;
  }
  const found = new Map(rows.map((r) => [r.lexeme, r]));
  for (const lexeme of lexemes) {
    const row = found.get(lexeme);
    const slots = new Int32Array(row?.keys.length ?? 0);
    const scores = new Float64Array(slots.length);
    row?.keys.forEach((key, j) => {
      slots[j] = slotFor(copy, Number(key));
      scores[j] = Number(row.scores[j]);
    });
    copy.postings.set(lexeme, { slots, scores });
    copy.kept += slots.length;
  }
  return true;
}

/**
 * The keys of the rows that can be in the top `top` for the OR of `lexemes`, or null when the copy
 * cannot be brought to the tables' current state (written to meanwhile, twice).
 */
async function contenders(db: Db, table: RankTable, lexemes: string[], token: string, top: number): Promise<number[] | null> {
  let byTable = copies.get(db);
  if (!byTable) copies.set(db, (byTable = new Map()));
  let copy = byTable.get(table.terms);
  for (let attempt = 0; ; attempt++) {
    if (copy?.token !== token) byTable.set(table.terms, (copy = newCopy(token)));
    const missing = lexemes.filter((l) => !copy!.postings.has(l));
    if (missing.length === 0 || (await readPostings(db, table, copy, missing))) break;
    if (attempt === 1) return null;
    token = await currentToken(db);
  }

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
  const theta = touched.length > top ? topthBest(sums, touched, top) * (1 - MARGIN) : 0;
  const keys = touched.filter((slot) => sums[slot]! >= theta).map((slot) => copy.keys[slot]!);
  for (const slot of touched) sums[slot] = 0;
  return keys;
}

/** The top-th highest sum among the touched slots (top ≥ 1, fewer than touched). */
function topthBest(sums: Float64Array, touched: number[], top: number): number {
  const best: number[] = []; // descending, at most `top`
  for (const slot of touched) {
    const sum = sums[slot]!;
    if (best.length === top && sum <= best[top - 1]!) continue;
    let at = best.length < top ? best.length : top - 1;
    if (best.length < top) best.push(sum);
    while (at > 0 && best[at - 1]! < sum) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = sum;
  }
  return best[top - 1]!;
}

/**
 * The rows to rank for `query` (terms joined by ' | '), or null when the database functions must
 * rank it. An empty list: nothing matches.
 */
export async function candidatesFor(db: Db, table: RankTable, query: string, top: number): Promise<number[] | null> {
  const { lexemes, plain, token } = await analyse(db, query);
  if (!plain) return null;
  if (lexemes.length === 0) return [];
  return contenders(db, table, lexemes, token, top);
}
