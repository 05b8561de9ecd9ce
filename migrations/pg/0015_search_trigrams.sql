-- Conversation search matches the subject and who the customer is (name, email, addresses) as
-- parts of words: lower(column) LIKE '%…%' (conversationsFound in src/store/repository.ts). A
-- b-tree cannot serve that, so each was a scan of its whole table on every search; trigram
-- indexes can, for any part of three characters or more. pg_trgm ships with PostgreSQL and may
-- be created by a database's owner (a trusted extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "conversations_subject_trgm_idx" ON "conversations" USING gin (lower("subject") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "contacts_name_trgm_idx" ON "contacts" USING gin (lower("name") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "contacts_email_trgm_idx" ON "contacts" USING gin (lower("email") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "contact_identities_address_trgm_idx" ON "contact_identities" USING gin (lower("address") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "contact_identities_display_name_trgm_idx" ON "contact_identities" USING gin (lower("display_name") gin_trgm_ops);
