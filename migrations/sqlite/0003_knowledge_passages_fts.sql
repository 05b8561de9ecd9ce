-- Full-text index over knowledge passages: FTS5 over the article's title, the passage's heading
-- and its text, with kb_fts's tokenizer. Contentless (the text lives in kb_passages and
-- kb_articles), keyed by kb_passages.seq and kept in step by the triggers below; an article's
-- passages are rewritten with it (upsertArticle) and deleted with it (foreign key cascade, which
-- fires kb_passages_ad). Passages of the articles already stored are written on the store's next
-- start (backfillPassages in src/store/passages.ts): cutting them is TypeScript, not SQL.
CREATE VIRTUAL TABLE `kb_passage_fts` USING fts5(title, heading, text, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `kb_passages_ai` AFTER INSERT ON `kb_passages` BEGIN
  INSERT INTO kb_passage_fts(rowid, title, heading, text)
  VALUES (new.seq, (SELECT title FROM kb_articles WHERE id = new.article_id), coalesce(new.heading, ''), new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_passages_ad` AFTER DELETE ON `kb_passages` BEGIN
  DELETE FROM kb_passage_fts WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `kb_passages_au` AFTER UPDATE ON `kb_passages` BEGIN
  DELETE FROM kb_passage_fts WHERE rowid = old.seq;
  INSERT INTO kb_passage_fts(rowid, title, heading, text)
  VALUES (new.seq, (SELECT title FROM kb_articles WHERE id = new.article_id), coalesce(new.heading, ''), new.text);
END;
