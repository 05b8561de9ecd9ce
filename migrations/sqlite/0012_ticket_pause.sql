ALTER TABLE `tickets` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `paused_ms` integer DEFAULT 0 NOT NULL;