-- Knowledge and passage search rank from a copy of kb_search_terms / kb_passage_search_terms held
-- in each server's memory (src/store/pg/postings-memory.ts). This row tells a copy it is stale:
-- every statement that writes articles or passages gives it a new random token, in the writing
-- transaction, so a copy is only used with the data it was read from, on every replica.
CREATE TABLE "kb_search_version" ("id" integer PRIMARY KEY CHECK ("id" = 1), "token" uuid NOT NULL);
--> statement-breakpoint
INSERT INTO "kb_search_version" ("id", "token") VALUES (1, gen_random_uuid());
--> statement-breakpoint
CREATE FUNCTION "kb_search_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE kb_search_version SET token = gen_random_uuid();
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_articles_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "kb_articles"
	FOR EACH STATEMENT EXECUTE FUNCTION "kb_search_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "kb_passages_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "kb_passages"
	FOR EACH STATEMENT EXECUTE FUNCTION "kb_search_version_bump"();
