/**
 * The top rows of an FTS5 index for OR-ed terms by bm25, computed in memory from a copy of the
 * index's postings: the same rows and the same scores, to the last bit, as FTS5's bm25() gives.
 *
 * Why: FTS5 scores a row in about half a microsecond and must visit every row that matches any
 * term, and customer questions are full of common words ("order" is in half the passages), so a
 * question scored 20,000–60,000 rows (5–15 ms). Pruning cannot skip them: the words are many and
 * weigh alike, so the threshold is reached late. Summing bm25 shares over arrays costs a few
 * nanoseconds a posting, so every match is still scored, only faster.
 *
 * bm25 (FTS5's, with its constants): for each phrase i of the query, in query order,
 *   idf_i × (f × (k1 + 1)) / (f + k1 × (1 − b + b × D / avgdl)),
 * where f is the phrase's occurrences in the row weighted by column, D the row's tokens, avgdl the
 * mean of D over the index, idf_i = ln((N − n_i + 0.5) / (n_i + 0.5)) floored at 10⁻⁶, n_i the
 * rows containing the phrase and N the index's rows. The share of a (term, row) depends only on
 * the index, so it is kept per posting; idf once per term and copy, with SQLite's ln(), the libm
 * call FTS5 makes, and the shares are added in query order as FTS5 adds them.
 *
 * Where it comes from: postings from an fts5vocab 'instance' table over the index (one term at a
 * time, when a query first asks for it), row sizes from the index's %_docsize table, N and avgdl
 * from its averages record, and the
 * question's words stemmed by a scratch FTS5 table with the same tokenizer (TEMP, one per
 * connection). The copy belongs to one kb_search_version token (migration 0017): any write to the
 * articles or passages replaces the token, and the next search starts a new copy.
 *
 * Returns null where this cannot answer exactly, and the caller ranks with FTS5 itself: a
 * connection without a TEMP schema or math functions, or a word the tokenizer does not turn into
 * exactly one token (FTS5 would search it as a phrase).
 */
import { sql, type SQL } from 'drizzle-orm';
import { bestOf } from '../best-of.ts';

/** Runs statements on one connection: `all` for those that return rows, `run` for the others. */
export interface Connection {
  all<T>(query: SQL): T[];
  run(query: SQL): void;
}

/** An FTS5 table and its bm25 weights, by column name. */
export interface FtsIndex {
  table: 'kb_fts' | 'kb_passage_fts';
  /** Column names in the table's order, with their weights as passed to bm25(). */
  weights: Readonly<Record<string, number>>;
}

export interface RowHit {
  rowid: number;
  score: number;
}

/** FTS5's bm25 constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;
/** FTS5 floors a phrase's IDF here when the phrase is in half the rows or more. */
const IDF_FLOOR = 1e-6;
/** The tokenizer of both knowledge indexes (migrations/sqlite/0001, 0003). */
const TOKENIZER = 'porter unicode61 remove_diacritics 2';
/** Postings kept per index copy; past this the terms read so far are dropped and read again on demand. */
const MAX_POSTINGS = 4_000_000;

/** One term's postings: the rows (as slots of the copy), their bm25 share without the IDF, and the IDF. */
interface Postings {
  slots: Int32Array;
  shares: Float64Array;
  /** Fixed by the copy: it depends only on N and the term's row count. */
  idf: number;
}

/** The copy of one index at one kb_search_version token. */
interface Copy {
  token: number;
  /** bm25's N and mean row size (see newCopy). */
  rows: number;
  avgdl: number;
  rowids: Float64Array;
  slotOf: Map<number, number>;
  sizes: Float64Array;
  postings: Map<string, Postings>;
  postingsKept: number;
  /** Per-slot running scores of the current query, zero between queries. */
  scores: Float64Array;
}

interface ConnectionState {
  /** Whether the TEMP tokenizer and vocabulary tables could be made (false: FTS5 ranks). */
  usable: boolean;
  copies: Map<string, Copy>;
  /** The tokens of words asked before: the tokenizer does not change (cleared when full). */
  tokensOf: Map<string, string[]>;
}

const states = new WeakMap<Connection, ConnectionState>();

function stateOf(conn: Connection): ConnectionState {
  let state = states.get(conn);
  if (!state) {
    state = { usable: prepareConnection(conn), copies: new Map(), tokensOf: new Map() };
    states.set(conn, state);
  }
  return state;
}

/** TEMP tables of this connection: the question tokenizer, and the index vocabularies read from. */
function prepareConnection(conn: Connection): boolean {
  try {
    conn.run(sql.raw(`create virtual table if not exists temp.kb_question_words using fts5(word, tokenize='${TOKENIZER}')`));
    conn.run(sql.raw(`create virtual table if not exists temp.kb_question_tokens using fts5vocab(temp, kb_question_words, 'instance')`));
    for (const table of ['kb_fts', 'kb_passage_fts']) {
      conn.run(sql.raw(`create virtual table if not exists temp.${table}_instances using fts5vocab(main, ${table}, 'instance')`));
    }
    conn.all(sql`select ln(2.0) as v`);
    return true;
  } catch {
    return false; // a Durable Object's SQLite, for one, allows no TEMP tables
  }
}

/** Words whose tokens a connection keeps; past this it forgets them and asks the tokenizer again. */
const MAX_WORDS_KEPT = 50_000;

/** Each word's single token, in order; null when a word has none or several. Only new words go to the tokenizer. */
function stems(conn: Connection, state: ConnectionState, words: string[]): string[] | null {
  const { tokensOf } = state;
  if (tokensOf.size > MAX_WORDS_KEPT) tokensOf.clear();
  const unknown = [...new Set(words.filter((word) => !tokensOf.has(word)))];
  if (unknown.length > 0) {
    conn.run(sql`delete from temp.kb_question_words`);
    conn.run(sql`insert into temp.kb_question_words(rowid, word) select key + 1, value from json_each(${JSON.stringify(unknown)})`);
    const tokens = conn.all<{ doc: number; term: string }>(sql`select doc, term from temp.kb_question_tokens`);
    for (const word of unknown) tokensOf.set(word, []);
    for (const t of tokens) tokensOf.get(unknown[t.doc - 1]!)!.push(t.term);
  }
  const result: string[] = [];
  for (const word of words) {
    const found = tokensOf.get(word)!;
    if (found.length !== 1) return null;
    result.push(found[0]!);
  }
  return result;
}

/** SQLite's varints (FTS5's records): big-endian 7-bit groups, the ninth byte whole. */
function varints(blob: Uint8Array, count: number): number[] {
  const values: number[] = [];
  let at = 0;
  while (values.length < count && at < blob.length) {
    let value = 0;
    for (let i = 0; i < 9 && at < blob.length; i++) {
      const byte = blob[at++]!;
      if (i === 8) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    values.push(value);
  }
  return values;
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

function currentToken(conn: Connection): number | null {
  return conn.all<{ token: number }>(sql`select token from kb_search_version`)[0]?.token ?? null;
}

/**
 * A new copy of an index: every row's size and the index's totals; postings are read per term as
 * queries ask. N and the token total are bm25's own, from the index's averages record (FTS5's
 * record 1: the row count, then each column's tokens), not counted from the rows: deleting from a
 * contentless_delete index (kb_passage_fts) leaves them as they were, and bm25 uses them so.
 */
function newCopy(conn: Connection, index: FtsIndex, token: number): Copy {
  const columns = Object.keys(index.weights).length;
  const averages = conn.all<{ block: Uint8Array }>(sql.raw(`select block from ${index.table}_data where id = 1`))[0];
  const [rowCount = 0, ...columnTokens] = averages ? varints(averages.block, 1 + columns) : [];
  const rows = conn.all<{ id: number; sz: Uint8Array }>(sql.raw(`select id, sz from ${index.table}_docsize`));
  const rowids = new Float64Array(rows.length);
  const sizes = new Float64Array(rows.length);
  const slotOf = new Map<number, number>();
  rows.forEach((row, slot) => {
    rowids[slot] = row.id;
    sizes[slot] = sum(varints(row.sz, columns));
    slotOf.set(row.id, slot);
  });
  return {
    token,
    rows: rowCount,
    avgdl: sum(columnTokens) / rowCount,
    rowids,
    slotOf,
    sizes,
    postings: new Map(),
    postingsKept: 0,
    scores: new Float64Array(rows.length),
  };
}

function copyOf(conn: Connection, state: ConnectionState, index: FtsIndex): Copy | null {
  const token = currentToken(conn);
  if (token === null) return null;
  let copy = state.copies.get(index.table);
  if (copy?.token !== token) {
    copy = newCopy(conn, index, token);
    state.copies.set(index.table, copy);
  }
  return copy;
}

/** A term's postings with each row's bm25 share (without IDF), as FTS5 computes it. */
function postingsOf(conn: Connection, index: FtsIndex, copy: Copy, term: string): Postings {
  const kept = copy.postings.get(term);
  if (kept) return kept;
  const instances = conn.all<{ doc: number; col: string }>(sql`select doc, col from ${sql.raw(`temp.${index.table}_instances`)} where term = ${term}`);
  const slots: number[] = [];
  const freqs: number[] = [];
  let lastDoc = -1;
  for (const { doc, col } of instances) {
    if (doc !== lastDoc) {
      // A row deleted from a contentless_delete index leaves its postings behind a tombstone,
      // which the vocabulary table does not apply; its size row is gone with it.
      const slot = copy.slotOf.get(doc);
      if (slot === undefined) continue;
      slots.push(slot);
      freqs.push(0);
      lastDoc = doc;
    }
    freqs[freqs.length - 1]! += index.weights[col] ?? 1;
  }
  const shares = new Float64Array(slots.length);
  for (let j = 0; j < slots.length; j++) {
    const f = freqs[j]!;
    const D = copy.sizes[slots[j]!]!;
    shares[j] = (f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * D) / copy.avgdl));
  }
  const postings = { slots: Int32Array.from(slots), shares, idf: idfOf(conn, copy.rows, slots.length) };
  if (copy.postingsKept + slots.length > MAX_POSTINGS) {
    copy.postings.clear();
    copy.postingsKept = 0;
  }
  copy.postings.set(term, postings);
  copy.postingsKept += slots.length;
  return postings;
}

/**
 * A term's IDF as FTS5 computes it, for n of N rows: ln() taken by SQLite, the same libm log()
 * FTS5 calls, which Math.log need not match bit for bit.
 */
function idfOf(conn: Connection, rows: number, n: number): number {
  if (n === 0) return 0; // no postings: nothing to add it to
  const idf = conn.all<{ v: number }>(sql`select ln(${(rows - n + 0.5) / (n + 0.5)}) as v`)[0]!.v;
  return idf <= 0.0 ? IDF_FLOOR : idf;
}

/**
 * The `limit` best rows for the OR of `words` by bm25 (higher first; equal scores in rowid order),
 * or null when FTS5 must rank them itself (see above).
 */
export function topByBm25(conn: Connection, index: FtsIndex, words: string[], limit: number): RowHit[] | null {
  const state = stateOf(conn);
  if (!state.usable) return null;
  const terms = stems(conn, state, words);
  if (!terms) return null;
  const copy = copyOf(conn, state, index);
  if (!copy) return null;
  if (limit < 1 || copy.rows === 0) return [];

  const { scores } = copy;
  const touched: number[] = [];
  for (const term of terms) {
    const { slots, shares, idf } = postingsOf(conn, index, copy, term);
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      if (scores[slot] === 0) touched.push(slot);
      scores[slot] = scores[slot]! + idf * shares[j]!;
    }
  }
  const { rowids } = copy;
  // Equal scores to the lower rowid.
  const best = bestOf(touched, limit, (a, b) => scores[a]! > scores[b]! || (scores[a] === scores[b] && rowids[a]! < rowids[b]!));
  const hits = best.map((slot) => ({ rowid: rowids[slot]!, score: scores[slot]! }));
  for (const slot of touched) scores[slot] = 0;
  return hits;
}
