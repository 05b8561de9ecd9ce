-- Knowledge and passage search rank from a copy of the full-text indexes' postings held in memory
-- (src/store/sqlite/postings-memory.ts). This row tells that copy it is stale: every write to the
-- articles or their passages gives it a new random token, in the writing transaction (a rolled
-- back write restores the old token, and a random token cannot come back by chance as a counter
-- could after a rollback).
CREATE TABLE `kb_search_version` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `token` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `kb_search_version` (`id`, `token`) VALUES (1, random());
--> statement-breakpoint
CREATE TRIGGER `kb_articles_version_ai` AFTER INSERT ON `kb_articles` BEGIN
  UPDATE kb_search_version SET token = random();
END;
--> statement-breakpoint
CREATE TRIGGER `kb_articles_version_au` AFTER UPDATE ON `kb_articles` BEGIN
  UPDATE kb_search_version SET token = random();
END;
--> statement-breakpoint
CREATE TRIGGER `kb_articles_version_ad` AFTER DELETE ON `kb_articles` BEGIN
  UPDATE kb_search_version SET token = random();
END;
--> statement-breakpoint
CREATE TRIGGER `kb_passages_version_ai` AFTER INSERT ON `kb_passages` BEGIN
  UPDATE kb_search_version SET token = random();
END;
--> statement-breakpoint
CREATE TRIGGER `kb_passages_version_au` AFTER UPDATE ON `kb_passages` BEGIN
  UPDATE kb_search_version SET token = random();
END;
--> statement-breakpoint
CREATE TRIGGER `kb_passages_version_ad` AFTER DELETE ON `kb_passages` BEGIN
  UPDATE kb_search_version SET token = random();
END;
