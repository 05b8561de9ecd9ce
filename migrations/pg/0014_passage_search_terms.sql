-- Passage search without ranking every match, the way articles are searched (0002; how and why:
-- src/store/pg/knowledge-search.ts). kb_passage_search_terms holds each passage's weighted rank for
-- each of its lexemes alone, kept in step with kb_passages by triggers in the transaction that
-- writes the article; kb_passage_search() ranks a query. kb_search() and kb_passage_search() are
-- one ranking over different tables, so both are written here from one template.
--
-- ts_rank_cd weights for passages, in its order {D, C, B, A}: text (C) 0.5, heading (B) 1.0,
-- title (A) 0.3 (fitted on test/fixtures/kb/demo-questions.jsonl).
CREATE FUNCTION "kb_passage_weights"() RETURNS real[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT '{0.1, 0.5, 1.0, 0.3}'::real[] $$;
--> statement-breakpoint
ALTER TABLE "kb_passages" ADD COLUMN "search_key" integer GENERATED ALWAYS AS IDENTITY;
--> statement-breakpoint
ALTER TABLE "kb_passages" ADD CONSTRAINT "kb_passages_search_key_unique" UNIQUE ("search_key");
--> statement-breakpoint
CREATE TABLE "kb_passage_search_terms" (
	"passage" integer NOT NULL,
	"lexeme" text COLLATE "C" NOT NULL,
	"score" real NOT NULL,
	PRIMARY KEY ("passage", "lexeme")
);
--> statement-breakpoint
CREATE INDEX "kb_passage_search_terms_score_idx" ON "kb_passage_search_terms" ("lexeme", "score" DESC, "passage");
--> statement-breakpoint
-- ts_rank_cd(rank_weights, search, <lexeme>, 1) for every lexeme of `search` (kb_lexeme_scores
-- with weights; not named "weights", which unnest(tsvector) has as a column).
CREATE FUNCTION "kb_lexeme_scores"("search" tsvector, "rank_weights" real[]) RETURNS TABLE ("lexeme" text, "score" real)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT t.lexeme, ts_rank_cd("rank_weights", "search", ('''' || replace(replace(t.lexeme, E'\\', E'\\\\'), '''', '''''') || '''')::tsquery, 1)
	FROM unnest("search") t
$$;
--> statement-breakpoint
CREATE FUNCTION "kb_passage_search_terms_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.search = OLD.search THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM kb_passage_search_terms WHERE passage = OLD.search_key;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO kb_passage_search_terms (passage, lexeme, score)
		SELECT NEW.search_key, s.lexeme, s.score FROM kb_lexeme_scores(NEW.search, kb_passage_weights()) s;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_passage_search_terms_refresh" AFTER INSERT OR UPDATE OR DELETE ON "kb_passages"
FOR EACH ROW EXECUTE FUNCTION "kb_passage_search_terms_refresh"();
--> statement-breakpoint
CREATE FUNCTION "kb_passage_search_terms_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE kb_passage_search_terms;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_passage_search_terms_clear" AFTER TRUNCATE ON "kb_passages"
FOR EACH STATEMENT EXECUTE FUNCTION "kb_passage_search_terms_clear"();
--> statement-breakpoint
INSERT INTO "kb_passage_search_terms" ("passage", "lexeme", "score")
SELECT p.search_key, s.lexeme, s.score FROM "kb_passages" p, "kb_lexeme_scores"(p.search, kb_passage_weights()) s;
--> statement-breakpoint
-- The template: creates (or replaces) `fn`(query, top, probe_depth, cutoff_share), the top `top`
-- rows of `items` for `query` (terms OR-ed as to_tsquery reads them: 'a | b | c'), ranked by
-- `rank` (an expression of the row i and the tsquery q) with ties in id order: what ranking every
-- match returns, read from `terms` (per row key `key` and lexeme, the row's rank for that lexeme
-- alone). The steps are explained in src/store/pg/knowledge-search.ts. Its statements keep one
-- plan (planning them costs more than a typical search), and JIT is off: the estimated cost can
-- pass jit_above_cost while the search takes milliseconds, and compiling would take tens of them.
CREATE FUNCTION "kb_create_ranker"("fn" text, "terms" text, "key" text, "items" text, "rank" text) RETURNS void LANGUAGE plpgsql AS $template$
BEGIN
	EXECUTE format($body$
CREATE OR REPLACE FUNCTION %1$I("query" text, "top" integer, "probe_depth" integer, "cutoff_share" double precision)
RETURNS TABLE ("id" text, "score" real)
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
#variable_conflict use_column
DECLARE
	q tsquery := to_tsquery('english', query);
	depth integer := greatest(probe_depth, top + 1); -- one more than the top, so one lexeme's probe can settle it
	lexemes text[] COLLATE "C";
	plain boolean;
BEGIN
	-- Sums of per-lexeme ranks hold for a plain OR of single lexemes: every term one lexeme or
	-- none (a stopword), and q exactly their OR. Anything else is ranked by scoring every match.
	SELECT coalesce(array_agg(DISTINCT t.lexemes[1]) FILTER (WHERE cardinality(t.lexemes) = 1), '{}'),
		coalesce(bool_and(cardinality(t.lexemes) <= 1), true)
			AND numnode(q) = greatest(2 * count(*) FILTER (WHERE cardinality(t.lexemes) = 1) - 1, 0)
	INTO lexemes, plain
	FROM unnest(string_to_array(query, ' | ')) term, tsvector_to_array(to_tsvector('english', term)) t(lexemes);
	IF NOT plain THEN
		RETURN QUERY SELECT i.id, %5$s FROM %4$I i WHERE i.search @@ q ORDER BY 2 DESC, 1 LIMIT top;
		RETURN;
	END IF;
	RETURN QUERY
	WITH probe AS (
		-- each lexeme's best rows
		SELECT w.lexeme, b.key, b.score FROM unnest(lexemes) w(lexeme)
		CROSS JOIN LATERAL (
			SELECT s.%3$I AS key, s.score FROM %2$I s WHERE s.lexeme = w.lexeme ORDER BY s.score DESC LIMIT depth
		) b
	),
	probed AS (
		SELECT p.key, (SELECT sum(s.score) FROM %2$I s WHERE s.%3$I = p.key AND s.lexeme = ANY (lexemes)) AS total
		FROM (SELECT DISTINCT probe.key FROM probe) p
	),
	-- θ: a score `top` rows reach, less rounding (sums of float4 ranks are within 1e-7 of the rank)
	threshold AS (
		SELECT coalesce((SELECT probed.total FROM probed ORDER BY probed.total DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 1e-6) AS theta
	),
	-- lexemes with more rows than the probe read, and the rank of the last one read
	deep AS (
		SELECT probe.lexeme, max(probe.score) AS best, min(probe.score) AS last FROM probe GROUP BY probe.lexeme HAVING count(*) = depth
	),
	-- cutoffs adding up to cutoff_share × θ; none when no unread row can reach θ
	shares AS (
		SELECT deep.lexeme, threshold.theta * cutoff_share * deep.best / sum(deep.best) OVER () AS cutoff FROM deep, threshold
		WHERE (SELECT sum(deep.last) FROM deep) * (1 + 1e-6) >= threshold.theta
	),
	-- and below each cutoff the best rank left unread: what a row missing from the list can add
	cutoffs AS (
		SELECT shares.lexeme, shares.cutoff, coalesce((
			SELECT s.score FROM %2$I s WHERE s.lexeme = shares.lexeme AND s.score <= shares.cutoff ORDER BY s.score DESC LIMIT 1
		), 0) AS unread
		FROM shares
	),
	-- rows above a cutoff: the sum of the ranks read is a score they reach, and adding the best
	-- unread ranks of the lists they are missing from gives what they can score at most
	reached AS (
		SELECT r.key, sum(r.score) AS seen, sum(r.score) + (SELECT sum(cutoffs.unread) FROM cutoffs) - sum(c.unread) AS ceiling
		FROM cutoffs c
		CROSS JOIN LATERAL (SELECT s.%3$I AS key, s.score FROM %2$I s WHERE s.lexeme = c.lexeme AND s.score > c.cutoff) r
		GROUP BY r.key
	),
	-- θ raised to the top-th best of what those rows reach, where that is higher
	raised AS (
		SELECT greatest(threshold.theta, coalesce((SELECT reached.seen FROM reached ORDER BY reached.seen DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 1e-6)) AS theta
		FROM threshold
	),
	contenders AS (
		SELECT c.key, (SELECT sum(s.score) FROM %2$I s WHERE s.%3$I = c.key AND s.lexeme = ANY (lexemes)) AS total
		FROM (
			SELECT reached.key FROM reached, raised WHERE reached.ceiling * (1 + 1e-6) >= raised.theta
			EXCEPT SELECT probed.key FROM probed
		) c
	),
	totals AS (SELECT probed.key, probed.total FROM probed UNION ALL SELECT contenders.key, contenders.total FROM contenders),
	-- within rounding of the top-th best sum: the rows the whole query's rank has to order
	finalists AS (
		SELECT totals.key FROM totals
		WHERE totals.total >= coalesce((SELECT t.total FROM totals t ORDER BY t.total DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 2e-6)
	)
	SELECT i.id, %5$s FROM finalists f JOIN %4$I i ON i.search_key = f.key ORDER BY 2 DESC, 1 LIMIT top;
END
$fn$
$body$, fn, terms, key, items, rank);
END
$template$;
--> statement-breakpoint
SELECT "kb_create_ranker"('kb_search', 'kb_search_terms', 'article', 'kb_articles', 'ts_rank_cd(i.search, q, 1)');
--> statement-breakpoint
SELECT "kb_create_ranker"('kb_passage_search', 'kb_passage_search_terms', 'passage', 'kb_passages', 'ts_rank_cd(kb_passage_weights(), i.search, q, 1)');
--> statement-breakpoint
DROP FUNCTION "kb_create_ranker";
