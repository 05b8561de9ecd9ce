-- Knowledge search without ranking every match (how and why: src/store/pg/knowledge-search.ts).
-- kb_search_terms holds each article's rank for each of its lexemes alone, kept in step with
-- kb_articles by triggers; articles get a small integer key for it. kb_search() ranks a query.
ALTER TABLE "kb_articles" ADD COLUMN "search_key" integer GENERATED ALWAYS AS IDENTITY;
--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_search_key_unique" UNIQUE ("search_key");
--> statement-breakpoint
-- lexeme in byte order ("C"): it is only ever compared, and the locale's comparison costs several
-- times more in the index lookups a search makes.
CREATE TABLE "kb_search_terms" (
	"article" integer NOT NULL,
	"lexeme" text COLLATE "C" NOT NULL,
	"score" real NOT NULL,
	PRIMARY KEY ("article", "lexeme")
);
--> statement-breakpoint
CREATE INDEX "kb_search_terms_score_idx" ON "kb_search_terms" ("lexeme", "score" DESC, "article");
--> statement-breakpoint
-- ts_rank_cd(search, <lexeme>, 1) for every lexeme of `search`; the lexeme is quoted for the
-- tsquery as tsquery input wants (quotes and backslashes doubled).
CREATE FUNCTION "kb_lexeme_scores"("search" tsvector) RETURNS TABLE ("lexeme" text, "score" real)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT t.lexeme, ts_rank_cd("search", ('''' || replace(replace(t.lexeme, E'\\', E'\\\\'), '''', '''''') || '''')::tsquery, 1)
	FROM unnest("search") t
$$;
--> statement-breakpoint
CREATE FUNCTION "kb_search_terms_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.search = OLD.search THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM kb_search_terms WHERE article = OLD.search_key;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO kb_search_terms (article, lexeme, score) SELECT NEW.search_key, s.lexeme, s.score FROM kb_lexeme_scores(NEW.search) s;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_search_terms_refresh" AFTER INSERT OR UPDATE OR DELETE ON "kb_articles"
FOR EACH ROW EXECUTE FUNCTION "kb_search_terms_refresh"();
--> statement-breakpoint
CREATE FUNCTION "kb_search_terms_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE kb_search_terms;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_search_terms_clear" AFTER TRUNCATE ON "kb_articles"
FOR EACH STATEMENT EXECUTE FUNCTION "kb_search_terms_clear"();
--> statement-breakpoint
INSERT INTO "kb_search_terms" ("article", "lexeme", "score")
SELECT a.search_key, s.lexeme, s.score FROM "kb_articles" a, "kb_lexeme_scores"(a.search) s;
--> statement-breakpoint
-- The top `top` articles for `query` (terms OR-ed as to_tsquery reads them: 'a | b | c'), ranked by
-- ts_rank_cd(search, query, 1) with ties in id order: what ranking every match returns.
-- Its statements keep one plan (planning them costs more than a typical search), and JIT is off:
-- the estimated cost can pass jit_above_cost while the search takes milliseconds, and compiling
-- would take tens of them.
CREATE FUNCTION "kb_search"("query" text, "top" integer, "probe_depth" integer, "cutoff_share" double precision)
RETURNS TABLE ("id" text, "score" real)
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_generic_plan AS $$
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
		RETURN QUERY SELECT a.id, ts_rank_cd(a.search, q, 1) FROM kb_articles a WHERE a.search @@ q ORDER BY 2 DESC, 1 LIMIT top;
		RETURN;
	END IF;
	RETURN QUERY
	WITH probe AS (
		-- each lexeme's best articles
		SELECT w.lexeme, b.article, b.score FROM unnest(lexemes) w(lexeme)
		CROSS JOIN LATERAL (
			SELECT s.article, s.score FROM kb_search_terms s WHERE s.lexeme = w.lexeme ORDER BY s.score DESC LIMIT depth
		) b
	),
	probed AS (
		SELECT p.article, (SELECT sum(s.score) FROM kb_search_terms s WHERE s.article = p.article AND s.lexeme = ANY (lexemes)) AS total
		FROM (SELECT DISTINCT probe.article FROM probe) p
	),
	-- θ: a score `top` articles reach, less rounding (sums of float4 ranks are within 1e-7 of the rank)
	threshold AS (
		SELECT coalesce((SELECT probed.total FROM probed ORDER BY probed.total DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 1e-6) AS theta
	),
	-- lexemes with more articles than the probe read, and the rank of the last one read
	deep AS (
		SELECT probe.lexeme, max(probe.score) AS best, min(probe.score) AS last FROM probe GROUP BY probe.lexeme HAVING count(*) = depth
	),
	-- cutoffs adding up to cutoff_share × θ; none when no unread article can reach θ
	shares AS (
		SELECT deep.lexeme, threshold.theta * cutoff_share * deep.best / sum(deep.best) OVER () AS cutoff FROM deep, threshold
		WHERE (SELECT sum(deep.last) FROM deep) * (1 + 1e-6) >= threshold.theta
	),
	-- and below each cutoff the best rank left unread: what an article missing from the list can add
	cutoffs AS (
		SELECT shares.lexeme, shares.cutoff, coalesce((
			SELECT s.score FROM kb_search_terms s WHERE s.lexeme = shares.lexeme AND s.score <= shares.cutoff ORDER BY s.score DESC LIMIT 1
		), 0) AS unread
		FROM shares
	),
	-- articles above a cutoff: the sum of the ranks read is a score they reach, and adding the
	-- best unread ranks of the lists they are missing from gives what they can score at most
	reached AS (
		SELECT r.article, sum(r.score) AS seen, sum(r.score) + (SELECT sum(cutoffs.unread) FROM cutoffs) - sum(c.unread) AS ceiling
		FROM cutoffs c
		CROSS JOIN LATERAL (SELECT s.article, s.score FROM kb_search_terms s WHERE s.lexeme = c.lexeme AND s.score > c.cutoff) r
		GROUP BY r.article
	),
	-- θ raised to the top-th best of what those articles reach, where that is higher
	raised AS (
		SELECT greatest(threshold.theta, coalesce((SELECT reached.seen FROM reached ORDER BY reached.seen DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 1e-6)) AS theta
		FROM threshold
	),
	contenders AS (
		SELECT c.article, (SELECT sum(s.score) FROM kb_search_terms s WHERE s.article = c.article AND s.lexeme = ANY (lexemes)) AS total
		FROM (
			SELECT reached.article FROM reached, raised WHERE reached.ceiling * (1 + 1e-6) >= raised.theta
			EXCEPT SELECT probed.article FROM probed
		) c
	),
	totals AS (SELECT probed.article, probed.total FROM probed UNION ALL SELECT contenders.article, contenders.total FROM contenders),
	-- within rounding of the top-th best sum: the articles ts_rank_cd has to order
	finalists AS (
		SELECT totals.article FROM totals
		WHERE totals.total >= coalesce((SELECT t.total FROM totals t ORDER BY t.total DESC OFFSET top - 1 LIMIT 1), 0) * (1 - 2e-6)
	)
	SELECT a.id, ts_rank_cd(a.search, q, 1) FROM finalists f JOIN kb_articles a ON a.search_key = f.article ORDER BY 2 DESC, 1 LIMIT top;
END
$$;
