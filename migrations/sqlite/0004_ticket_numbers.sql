CREATE TABLE `ticket_counter` (
	`id` integer PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
-- SQLite cannot add a NOT NULL column without a default; every insert sets the number (repository createTicket).
ALTER TABLE `tickets` ADD `number` integer NOT NULL DEFAULT 0;--> statement-breakpoint
-- Existing tickets are numbered in the order they were created.
UPDATE `tickets` SET `number` = (SELECT `ranked`.`n` FROM (SELECT `id`, row_number() OVER (ORDER BY `created_at`, `id`) AS `n` FROM `tickets`) AS `ranked` WHERE `ranked`.`id` = `tickets`.`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_idx` ON `tickets` (`number`);--> statement-breakpoint
INSERT INTO `ticket_counter` (`id`, `value`) SELECT 1, COALESCE(MAX(`number`), 0) FROM `tickets`;
