-- Knowledge and passage search rank their last candidates by the whole query's rank alone
-- (how and why: src/store/pg/knowledge-search.ts). Until now the probed rows and the contenders
-- had their per-lexeme ranks summed first, each by an index lookup per lexeme in the search terms
-- table, and the rows within rounding of the top-th best sum were then ranked again: two passes
-- where one does, and a lookup that costs more than ranking the row (about 15-50 µs against 10).
-- Same rows, same scores, same order (ties in id order); kb_search() and kb_passage_search() keep
-- their signatures and are written again from the template of 0014, changed only in those steps.
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
	-- the rows probed, ranked by the whole query
	probed AS (
		SELECT i.search_key AS key, i.id, %5$s AS total
		FROM (SELECT DISTINCT probe.key FROM probe) p JOIN %4$I i ON i.search_key = p.key
	),
	-- θ: a score `top` rows reach, less rounding (sums of float4 ranks, compared with it below, are
	-- within 1e-7 of the rank)
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
	-- the other rows that can still reach θ, ranked by the whole query
	contenders AS (
		SELECT i.search_key AS key, i.id, %5$s AS total
		FROM (
			SELECT reached.key FROM reached, raised WHERE reached.ceiling * (1 + 1e-6) >= raised.theta
			EXCEPT SELECT probed.key FROM probed
		) c JOIN %4$I i ON i.search_key = c.key
	)
	SELECT probed.id, probed.total FROM probed UNION ALL SELECT contenders.id, contenders.total FROM contenders ORDER BY 2 DESC, 1 LIMIT top;
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
