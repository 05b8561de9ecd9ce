CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`shortcut` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_shortcut_unique` ON `canned_replies` (`shortcut`);--> statement-breakpoint
CREATE TABLE `contact_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`author_id` text,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `contact_notes_contact_idx` ON `contact_notes` (`contact_id`,`id`);--> statement-breakpoint
CREATE TABLE `conversation_labels` (
	`conversation_id` text NOT NULL,
	`label_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `label_id`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`label_id`) REFERENCES `labels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `conversation_labels_label_idx` ON `conversation_labels` (`label_id`,`conversation_id`);--> statement-breakpoint
CREATE TABLE `conversation_reads` (
	`user_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `conversation_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `labels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`color` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_name_unique` ON `labels` (`name`);--> statement-breakpoint
CREATE INDEX `conversations_activity_idx` ON `conversations` (`last_message_at`,`id`);--> statement-breakpoint
-- Inbox search over message text: FTS5, contentless (the text lives in messages), matched as word
-- prefixes (src/store/sqlite/message-search.ts). FTS5 keys rows by an integer; messages' rowid is
-- implicit and VACUUM may renumber it, so message_search hands each message a stable one (seq) and
-- carries its conversation for the search's answer. Both follow messages by the triggers below; a
-- deleted message (its conversation's cascade) takes its message_search row, which takes its
-- FTS row.
CREATE TABLE `message_search` (
	`seq` integer PRIMARY KEY,
	`message_id` text NOT NULL UNIQUE REFERENCES `messages`(`id`) ON DELETE cascade,
	`conversation_id` text NOT NULL
);
--> statement-breakpoint
-- Prefix indexes for 2 and 3 characters: a search's words are matched as prefixes, and without
-- them a short prefix ("nw" of NW-10003) reads the doclist of every word it begins.
CREATE VIRTUAL TABLE `message_fts` USING fts5(text, content='', contentless_delete=1, prefix='2 3', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `message_search_ai` AFTER INSERT ON `message_search` BEGIN
  INSERT INTO message_fts(rowid, text) SELECT new.seq, text FROM messages WHERE id = new.message_id;
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `message_search` BEGIN
  DELETE FROM message_fts WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_search_ai` AFTER INSERT ON `messages` BEGIN
  INSERT INTO message_search(message_id, conversation_id) VALUES (new.id, new.conversation_id);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_search_au` AFTER UPDATE OF `text`, `conversation_id` ON `messages` BEGIN
  DELETE FROM message_search WHERE message_id = old.id;
  INSERT INTO message_search(message_id, conversation_id) VALUES (new.id, new.conversation_id);
END;
--> statement-breakpoint
-- Messages stored before this migration, oldest first.
INSERT INTO `message_search` (`message_id`, `conversation_id`) SELECT `id`, `conversation_id` FROM `messages` ORDER BY `id`;
