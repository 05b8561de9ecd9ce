-- The inbox tabs' counts read these tallies instead of every conversation (countConversationsBy in
-- src/store/repository.ts): 100 ms and more at 100,000 conversations, on every inbox reload.
-- Triggers keep them in the transaction that writes the conversation; an update that changes none
-- of the tallied columns (the message path's, mostly) costs nothing.
CREATE TABLE `conversation_tallies` (
	`status` text NOT NULL,
	`owner` text NOT NULL,
	`channel` text NOT NULL,
	`route` text NOT NULL,
	`assignee_id` text NOT NULL,
	`shard` integer DEFAULT 0 NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`status`, `owner`, `channel`, `route`, `assignee_id`, `shard`)
);
--> statement-breakpoint
CREATE TRIGGER `conversations_tally_ai` AFTER INSERT ON `conversations` BEGIN
  INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
  VALUES (new.status, new.owner, new.channel, coalesce(new.route, ''), coalesce(new.assignee_id, ''), 1)
  ON CONFLICT (status, owner, channel, route, assignee_id, shard) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_tally_ad` AFTER DELETE ON `conversations` BEGIN
  INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
  VALUES (old.status, old.owner, old.channel, coalesce(old.route, ''), coalesce(old.assignee_id, ''), -1)
  ON CONFLICT (status, owner, channel, route, assignee_id, shard) DO UPDATE SET n = n - 1;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_tally_au` AFTER UPDATE OF status, owner, channel, route, assignee_id ON `conversations`
WHEN old.status IS NOT new.status OR old.owner IS NOT new.owner OR old.channel IS NOT new.channel OR old.route IS NOT new.route OR old.assignee_id IS NOT new.assignee_id
BEGIN
  INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
  VALUES (old.status, old.owner, old.channel, coalesce(old.route, ''), coalesce(old.assignee_id, ''), -1)
  ON CONFLICT (status, owner, channel, route, assignee_id, shard) DO UPDATE SET n = n - 1;
  INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
  VALUES (new.status, new.owner, new.channel, coalesce(new.route, ''), coalesce(new.assignee_id, ''), 1)
  ON CONFLICT (status, owner, channel, route, assignee_id, shard) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
INSERT INTO `conversation_tallies` (status, owner, channel, route, assignee_id, n)
SELECT status, owner, channel, coalesce(route, ''), coalesce(assignee_id, ''), count(*) FROM conversations GROUP BY 1, 2, 3, 4, 5;
