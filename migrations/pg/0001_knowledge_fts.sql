-- Full-text index over knowledge articles: a weighted tsvector (title > tags > body) with GIN.
ALTER TABLE "kb_articles" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english', coalesce("tags", '')), 'B') ||
  setweight(to_tsvector('english', coalesce("body", '')), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "kb_articles_search_idx" ON "kb_articles" USING gin ("search");
