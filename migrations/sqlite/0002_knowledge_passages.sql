CREATE TABLE `kb_passages` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`article_id` text NOT NULL,
	`position` integer NOT NULL,
	`heading` text,
	`text` text NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_passages_id_unique` ON `kb_passages` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `kb_passages_article_position_idx` ON `kb_passages` (`article_id`,`position`);--> statement-breakpoint
ALTER TABLE `orders` ADD `contact_phone` text;