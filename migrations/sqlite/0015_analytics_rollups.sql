CREATE TABLE `conversation_rollups` (
	`day` integer NOT NULL,
	`channel` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `resolution_rollups` (
	`day` integer NOT NULL,
	`channel` text NOT NULL,
	`assignee_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `channel`, `assignee_id`)
);
--> statement-breakpoint
CREATE TABLE `staff_first_responses` (
	`event_id` text NOT NULL,
	`message_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text NOT NULL,
	`created_at` integer NOT NULL,
	`ms` real,
	PRIMARY KEY(`event_id`, `message_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `staff_first_responses_time_idx` ON `staff_first_responses` (`created_at`,`user_id`,`ms`,`channel`);--> statement-breakpoint
CREATE TABLE `staff_replies` (
	`message_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`channel` text NOT NULL,
	`created_at` integer NOT NULL,
	`previous_at` integer,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `staff_replies_time_idx` ON `staff_replies` (`created_at`,`user_id`,`previous_at`,`channel`);--> statement-breakpoint
CREATE INDEX `staff_replies_sequence_idx` ON `staff_replies` (`conversation_id`,`user_id`,`created_at`,`message_id`);--> statement-breakpoint
CREATE INDEX `tickets_first_response_due_idx` ON `tickets` (`first_response_due_at`,`first_response_at`,`conversation_id`) WHERE "tickets"."first_response_due_at" is not null;--> statement-breakpoint
CREATE INDEX `tickets_resolution_due_idx` ON `tickets` (`resolution_due_at`,`resolved_at`,`paused_at`,`conversation_id`) WHERE "tickets"."resolution_due_at" is not null;--> statement-breakpoint
-- Hand-written from here (drizzle-kit writes neither triggers nor data): the triggers that keep the
-- tables above in the statements that write what they summarise, and their rows for what is
-- already stored.
CREATE TRIGGER `conversation_rollups_ai` AFTER INSERT ON `conversations` BEGIN
  INSERT INTO `conversation_rollups` (`day`, `channel`, `count`) VALUES (new.`created_at` / 86400000 * 86400000, new.`channel`, 1)
  ON CONFLICT (`day`, `channel`) DO UPDATE SET `count` = `count` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `conversation_rollups_au` AFTER UPDATE OF `created_at`, `channel` ON `conversations` BEGIN
  UPDATE `conversation_rollups` SET `count` = `count` - 1 WHERE `day` = old.`created_at` / 86400000 * 86400000 AND `channel` = old.`channel`;
  INSERT INTO `conversation_rollups` (`day`, `channel`, `count`) VALUES (new.`created_at` / 86400000 * 86400000, new.`channel`, 1)
  ON CONFLICT (`day`, `channel`) DO UPDATE SET `count` = `count` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `conversation_rollups_ad` AFTER DELETE ON `conversations` BEGIN
  UPDATE `conversation_rollups` SET `count` = `count` - 1 WHERE `day` = old.`created_at` / 86400000 * 86400000 AND `channel` = old.`channel`;
END;--> statement-breakpoint
-- A staff reply takes its place in its author's sequence in the conversation: after the reply
-- before it (by time, then id), and before the one after it, whose previous reply it becomes.
CREATE TRIGGER `staff_replies_ai` AFTER INSERT ON `messages`
WHEN new.`author_kind` = 'human' AND new.`direction` = 'outbound' AND new.`internal` = 0 AND new.`author_id` IS NOT NULL BEGIN
  INSERT INTO `staff_replies` (`message_id`, `user_id`, `conversation_id`, `channel`, `created_at`, `previous_at`)
  VALUES (new.`id`, new.`author_id`, new.`conversation_id`, new.`channel`, new.`created_at`, (
    SELECT max(`created_at`) FROM `staff_replies`
    WHERE `conversation_id` = new.`conversation_id` AND `user_id` = new.`author_id`
      AND (`created_at` < new.`created_at` OR (`created_at` = new.`created_at` AND `message_id` < new.`id`))
  ));
  UPDATE `staff_replies` SET `previous_at` = new.`created_at` WHERE `message_id` = (
    SELECT `message_id` FROM `staff_replies`
    WHERE `conversation_id` = new.`conversation_id` AND `user_id` = new.`author_id`
      AND (`created_at` > new.`created_at` OR (`created_at` = new.`created_at` AND `message_id` > new.`id`))
    ORDER BY `created_at`, `message_id` LIMIT 1
  );
END;--> statement-breakpoint
CREATE TRIGGER `resolution_rollups_ai` AFTER INSERT ON `events` WHEN new.`type` = 'resolved' AND new.`actor` = 'human' BEGIN
  INSERT INTO `resolution_rollups` (`day`, `channel`, `assignee_id`, `count`)
  SELECT new.`created_at` / 86400000 * 86400000, new.`channel`, `assignee_id`, 1 FROM `conversations`
  WHERE `id` = new.`conversation_id` AND `assignee_id` IS NOT NULL
  ON CONFLICT (`day`, `channel`, `assignee_id`) DO UPDATE SET `count` = `count` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `resolution_rollups_au` AFTER UPDATE OF `assignee_id` ON `conversations` WHEN old.`assignee_id` IS NOT new.`assignee_id` BEGIN
  UPDATE `resolution_rollups` SET `count` = `count` - moved.`n` FROM (
    SELECT `created_at` / 86400000 * 86400000 AS `day`, `channel`, count(*) AS `n` FROM `events`
    WHERE `conversation_id` = new.`id` AND `type` = 'resolved' AND `actor` = 'human' GROUP BY 1, 2
  ) AS moved
  WHERE `resolution_rollups`.`day` = moved.`day` AND `resolution_rollups`.`channel` = moved.`channel` AND `resolution_rollups`.`assignee_id` = old.`assignee_id`;
  INSERT INTO `resolution_rollups` (`day`, `channel`, `assignee_id`, `count`)
  SELECT `created_at` / 86400000 * 86400000, `channel`, new.`assignee_id`, count(*) FROM `events`
  WHERE `conversation_id` = new.`id` AND `type` = 'resolved' AND `actor` = 'human' AND new.`assignee_id` IS NOT NULL GROUP BY 1, 2
  ON CONFLICT (`day`, `channel`, `assignee_id`) DO UPDATE SET `count` = `count` + excluded.`count`;
END;--> statement-breakpoint
INSERT INTO `conversation_rollups` (`day`, `channel`, `count`)
SELECT `created_at` / 86400000 * 86400000, `channel`, count(*) FROM `conversations` GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO `staff_replies` (`message_id`, `user_id`, `conversation_id`, `channel`, `created_at`, `previous_at`)
SELECT `id`, `author_id`, `conversation_id`, `channel`, `created_at`,
  lag(`created_at`) OVER (PARTITION BY `conversation_id`, `author_id` ORDER BY `created_at`, `id`)
FROM `messages` WHERE `author_kind` = 'human' AND `direction` = 'outbound' AND `internal` = 0 AND `author_id` IS NOT NULL;--> statement-breakpoint
INSERT INTO `resolution_rollups` (`day`, `channel`, `assignee_id`, `count`)
SELECT e.`created_at` / 86400000 * 86400000, e.`channel`, c.`assignee_id`, count(*) FROM `events` e JOIN `conversations` c ON c.`id` = e.`conversation_id`
WHERE e.`type` = 'resolved' AND e.`actor` = 'human' AND c.`assignee_id` IS NOT NULL GROUP BY 1, 2, 3;--> statement-breakpoint
-- A human first response is given by the staff reply at its instant in its conversation: paired by
-- whichever of the two is written second.
CREATE TRIGGER `staff_first_responses_event_ai` AFTER INSERT ON `events` WHEN new.`type` = 'first_response' AND new.`actor` = 'human' BEGIN
  INSERT OR IGNORE INTO `staff_first_responses` (`event_id`, `message_id`, `user_id`, `channel`, `created_at`, `ms`)
  SELECT new.`id`, `id`, `author_id`, new.`channel`, new.`created_at`, new.`value` FROM `messages`
  WHERE `created_at` = new.`created_at` AND `conversation_id` = new.`conversation_id`
    AND `author_kind` = 'human' AND `direction` = 'outbound' AND `internal` = 0 AND `author_id` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `staff_first_responses_message_ai` AFTER INSERT ON `messages`
WHEN new.`author_kind` = 'human' AND new.`direction` = 'outbound' AND new.`internal` = 0 AND new.`author_id` IS NOT NULL BEGIN
  INSERT OR IGNORE INTO `staff_first_responses` (`event_id`, `message_id`, `user_id`, `channel`, `created_at`, `ms`)
  SELECT `id`, new.`id`, new.`author_id`, `channel`, `created_at`, `value` FROM `events`
  WHERE `type` = 'first_response' AND `actor` = 'human' AND `created_at` = new.`created_at` AND `conversation_id` = new.`conversation_id`;
END;--> statement-breakpoint
INSERT INTO `staff_first_responses` (`event_id`, `message_id`, `user_id`, `channel`, `created_at`, `ms`)
SELECT e.`id`, m.`id`, m.`author_id`, e.`channel`, e.`created_at`, e.`value` FROM `events` e
JOIN `messages` m ON m.`conversation_id` = e.`conversation_id` AND m.`created_at` = e.`created_at`
  AND m.`author_kind` = 'human' AND m.`direction` = 'outbound' AND m.`internal` = 0 AND m.`author_id` IS NOT NULL
WHERE e.`type` = 'first_response' AND e.`actor` = 'human';
