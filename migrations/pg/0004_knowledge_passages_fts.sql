-- Full-text index over knowledge passages: a weighted tsvector of the article's title (A), the
-- passage's heading (B) and its text (C) with a GIN index; ranking weighs the heading highest
-- (src/store/pg/passage-search.ts). The title lives in kb_articles, so the vector is computed by a
-- trigger rather than a generated column; an article's passages are rewritten with it
-- (upsertArticle), so a new title reaches them. Passages of the articles already stored are
-- written on the store's next start (backfillPassages in src/store/passages.ts): cutting them is
-- TypeScript, not SQL.
ALTER TABLE "kb_passages" ADD COLUMN "search" tsvector NOT NULL DEFAULT ''::tsvector;
--> statement-breakpoint
CREATE FUNCTION "kb_passages_search"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.search :=
		setweight(to_tsvector('english', coalesce((SELECT a.title FROM kb_articles a WHERE a.id = NEW.article_id), '')), 'A') ||
		setweight(to_tsvector('english', coalesce(NEW.heading, '')), 'B') ||
		setweight(to_tsvector('english', NEW.text), 'C');
	RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_passages_search" BEFORE INSERT OR UPDATE OF "article_id", "heading", "text" ON "kb_passages"
FOR EACH ROW EXECUTE FUNCTION "kb_passages_search"();
--> statement-breakpoint
CREATE INDEX "kb_passages_search_idx" ON "kb_passages" USING gin ("search");
