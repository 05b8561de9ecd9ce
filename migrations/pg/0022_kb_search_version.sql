-- Knowledge and passage search rank from a copy of kb_search_terms / kb_passage_search_terms held
-- in each server's memory (src/store/pg/postings-memory.ts). This row tells a copy it is stale:
-- a transaction that writes articles or passages gives it a new random token, so a copy is only
-- used with the data it was read from, on every replica. Once per transaction, not per statement:
-- updating one row again and again in one transaction makes each update walk all its earlier
-- versions (an import of 10,000 articles took three times as long). `writer` is the transaction
-- that set the token; a transaction that sees its own id there has written the knowledge base
-- and searches without the copy.
CREATE TABLE "kb_search_version" ("id" integer PRIMARY KEY CHECK ("id" = 1), "token" uuid NOT NULL, "writer" bigint);
--> statement-breakpoint
INSERT INTO "kb_search_version" ("id", "token") VALUES (1, gen_random_uuid());
--> statement-breakpoint
CREATE FUNCTION "kb_search_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE kb_search_version SET token = gen_random_uuid(), writer = txid_current() WHERE writer IS DISTINCT FROM txid_current();
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "kb_articles_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "kb_articles"
	FOR EACH STATEMENT EXECUTE FUNCTION "kb_search_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "kb_passages_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "kb_passages"
	FOR EACH STATEMENT EXECUTE FUNCTION "kb_search_version_bump"();
