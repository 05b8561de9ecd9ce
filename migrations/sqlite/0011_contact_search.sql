-- Conversation search finds who the customer is by any part of their name, email, addresses and
-- display names (contactsHoldingPart in src/store/part-match.ts). A LIKE '%…%' read every contact
-- and every address on each search; an FTS5 trigram index finds a part of three characters or
-- more directly (src/store/sqlite/contact-search.ts). One row per contact holding all of it,
-- separated by char(31) so that no part spans two values. As with message_search, contact_search
-- gives each contact a stable integer key for the index (VACUUM may renumber an implicit rowid),
-- and the triggers below keep the rows in step with contacts and contact_identities.
CREATE TABLE `contact_search` (
	`seq` integer PRIMARY KEY,
	`contact_id` text NOT NULL UNIQUE REFERENCES `contacts`(`id`) ON DELETE cascade
);
--> statement-breakpoint
CREATE VIEW `contact_search_text` AS
SELECT c.id AS contact_id,
	coalesce(c.name, '') || char(31) || coalesce(c.email, '') || coalesce((
		SELECT group_concat(char(31) || i.address || char(31) || coalesce(i.display_name, ''), '') FROM contact_identities i WHERE i.contact_id = c.id
	), '') AS text
FROM contacts c;
--> statement-breakpoint
CREATE VIRTUAL TABLE `contact_fts` USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `contact_search_ai` AFTER INSERT ON `contact_search` BEGIN
  INSERT INTO contact_fts(rowid, text) SELECT new.seq, text FROM contact_search_text WHERE contact_id = new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_search_ad` AFTER DELETE ON `contact_search` BEGIN
  DELETE FROM contact_fts WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO contact_search(contact_id) VALUES (new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_au` AFTER UPDATE OF `name`, `email` ON `contacts` BEGIN
  UPDATE contact_fts SET text = (SELECT text FROM contact_search_text WHERE contact_id = new.id)
  WHERE rowid = (SELECT seq FROM contact_search WHERE contact_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_identities_search_ai` AFTER INSERT ON `contact_identities` BEGIN
  UPDATE contact_fts SET text = (SELECT text FROM contact_search_text WHERE contact_id = new.contact_id)
  WHERE rowid = (SELECT seq FROM contact_search WHERE contact_id = new.contact_id);
END;
--> statement-breakpoint
-- An identity moved to another contact (a merge) leaves the one and joins the other.
CREATE TRIGGER `contact_identities_search_au` AFTER UPDATE ON `contact_identities` BEGIN
  UPDATE contact_fts SET text = (SELECT text FROM contact_search_text WHERE contact_id = old.contact_id)
  WHERE rowid = (SELECT seq FROM contact_search WHERE contact_id = old.contact_id);
  UPDATE contact_fts SET text = (SELECT text FROM contact_search_text WHERE contact_id = new.contact_id)
  WHERE rowid = (SELECT seq FROM contact_search WHERE contact_id = new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_identities_search_ad` AFTER DELETE ON `contact_identities` BEGIN
  UPDATE contact_fts SET text = (SELECT text FROM contact_search_text WHERE contact_id = old.contact_id)
  WHERE rowid = (SELECT seq FROM contact_search WHERE contact_id = old.contact_id);
END;
--> statement-breakpoint
-- Contacts stored before this migration, oldest first.
INSERT INTO `contact_search` (`contact_id`) SELECT `id` FROM `contacts` ORDER BY `id`;
