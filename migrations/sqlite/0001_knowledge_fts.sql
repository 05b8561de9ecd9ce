-- Full-text index over knowledge articles (FTS5, external content kept in sync by triggers).
CREATE VIRTUAL TABLE `kb_fts` USING fts5(title, tags, body, content='kb_articles', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `kb_articles_ai` AFTER INSERT ON `kb_articles` BEGIN
  INSERT INTO kb_fts(rowid, title, tags, body) VALUES (new.rowid, new.title, new.tags, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_articles_ad` AFTER DELETE ON `kb_articles` BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title, tags, body) VALUES ('delete', old.rowid, old.title, old.tags, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_articles_au` AFTER UPDATE ON `kb_articles` BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title, tags, body) VALUES ('delete', old.rowid, old.title, old.tags, old.body);
  INSERT INTO kb_fts(rowid, title, tags, body) VALUES (new.rowid, new.title, new.tags, new.body);
END;
