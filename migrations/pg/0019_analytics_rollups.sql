CREATE TABLE "conversation_rollups" (
	"day" bigint NOT NULL,
	"channel" text NOT NULL,
	"shard" smallint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "conversation_rollups_day_channel_shard_pk" PRIMARY KEY("day","channel","shard")
);
--> statement-breakpoint
CREATE TABLE "resolution_rollups" (
	"day" bigint NOT NULL,
	"channel" text NOT NULL,
	"assignee_id" text NOT NULL,
	"shard" smallint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "resolution_rollups_day_channel_assignee_id_shard_pk" PRIMARY KEY("day","channel","assignee_id","shard")
);
--> statement-breakpoint
CREATE TABLE "staff_first_responses" (
	"event_id" text NOT NULL,
	"message_id" text NOT NULL,
	"user_id" text NOT NULL,
	"channel" text NOT NULL,
	"created_at" bigint NOT NULL,
	"ms" double precision,
	CONSTRAINT "staff_first_responses_event_id_message_id_pk" PRIMARY KEY("event_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "staff_replies" (
	"message_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"channel" text NOT NULL,
	"created_at" bigint NOT NULL,
	"previous_at" bigint
);
--> statement-breakpoint
ALTER TABLE "staff_first_responses" ADD CONSTRAINT "staff_first_responses_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_first_responses" ADD CONSTRAINT "staff_first_responses_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_replies" ADD CONSTRAINT "staff_replies_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_first_responses_time_idx" ON "staff_first_responses" USING btree ("created_at","user_id","ms","channel");--> statement-breakpoint
CREATE INDEX "staff_replies_time_idx" ON "staff_replies" USING btree ("created_at","user_id","previous_at","channel");--> statement-breakpoint
CREATE INDEX "staff_replies_sequence_idx" ON "staff_replies" USING btree ("conversation_id","user_id","created_at","message_id");--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_idx" ON "tickets" USING btree ("first_response_due_at","first_response_at","conversation_id") WHERE "tickets"."first_response_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" USING btree ("resolution_due_at","resolved_at","paused_at","conversation_id") WHERE "tickets"."resolution_due_at" is not null;--> statement-breakpoint
-- Hand-written from here (drizzle-kit writes neither triggers nor data): the triggers that keep the
-- tables above in the statements that write what they summarise, each session in its own shard
-- (pg_backend_pid() % 8, as event_rollups), and their rows for what is already stored (shard 0).
CREATE FUNCTION "conversation_rollups_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "conversation_rollups" ("day", "channel", "shard", "count")
  SELECT "day", "channel", pg_backend_pid() % 8, sum("change") FROM (
    SELECT OLD."created_at" / 86400000 * 86400000, OLD."channel", -1 WHERE TG_OP <> 'INSERT'
    UNION ALL SELECT NEW."created_at" / 86400000 * 86400000, NEW."channel", 1 WHERE TG_OP <> 'DELETE'
  ) AS "changed" ("day", "channel", "change") GROUP BY 1, 2
  ON CONFLICT ("day", "channel", "shard") DO UPDATE SET "count" = "conversation_rollups"."count" + excluded."count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "conversation_rollups_keep" AFTER INSERT OR DELETE OR UPDATE OF "created_at", "channel" ON "conversations"
FOR EACH ROW EXECUTE FUNCTION "conversation_rollups_keep"();--> statement-breakpoint
-- A staff reply takes its place in its author's sequence in the conversation: after the reply
-- before it (by time, then id), and before the one after it, whose previous reply it becomes.
CREATE FUNCTION "staff_replies_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "staff_replies" ("message_id", "user_id", "conversation_id", "channel", "created_at", "previous_at")
  VALUES (NEW."id", NEW."author_id", NEW."conversation_id", NEW."channel", NEW."created_at", (
    SELECT max("created_at") FROM "staff_replies"
    WHERE "conversation_id" = NEW."conversation_id" AND "user_id" = NEW."author_id" AND ("created_at", "message_id") < (NEW."created_at", NEW."id")
  ));
  UPDATE "staff_replies" SET "previous_at" = NEW."created_at" WHERE "message_id" = (
    SELECT "message_id" FROM "staff_replies"
    WHERE "conversation_id" = NEW."conversation_id" AND "user_id" = NEW."author_id" AND ("created_at", "message_id") > (NEW."created_at", NEW."id")
    ORDER BY "created_at", "message_id" LIMIT 1
  );
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "staff_replies_add" AFTER INSERT ON "messages" FOR EACH ROW
WHEN (NEW."author_kind" = 'human' AND NEW."direction" = 'outbound' AND NOT NEW."internal" AND NEW."author_id" IS NOT NULL)
EXECUTE FUNCTION "staff_replies_add"();--> statement-breakpoint
CREATE FUNCTION "resolution_rollups_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "resolution_rollups" ("day", "channel", "assignee_id", "shard", "count")
  SELECT NEW."created_at" / 86400000 * 86400000, NEW."channel", "assignee_id", pg_backend_pid() % 8, 1 FROM "conversations"
  WHERE "id" = NEW."conversation_id" AND "assignee_id" IS NOT NULL
  ON CONFLICT ("day", "channel", "assignee_id", "shard") DO UPDATE SET "count" = "resolution_rollups"."count" + excluded."count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "resolution_rollups_add" AFTER INSERT ON "events" FOR EACH ROW
WHEN (NEW."type" = 'resolved' AND NEW."actor" = 'human') EXECUTE FUNCTION "resolution_rollups_add"();--> statement-breakpoint
-- A new assignee takes over the conversation's past human resolutions from the previous one.
CREATE FUNCTION "resolution_rollups_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "resolution_rollups" ("day", "channel", "assignee_id", "shard", "count")
  SELECT e."created_at" / 86400000 * 86400000, e."channel", "moved"."assignee_id", pg_backend_pid() % 8, sum("moved"."change")
  FROM "events" e CROSS JOIN (VALUES (OLD."assignee_id", -1), (NEW."assignee_id", 1)) AS "moved" ("assignee_id", "change")
  WHERE e."conversation_id" = NEW."id" AND e."type" = 'resolved' AND e."actor" = 'human' AND "moved"."assignee_id" IS NOT NULL
  GROUP BY 1, 2, 3
  ON CONFLICT ("day", "channel", "assignee_id", "shard") DO UPDATE SET "count" = "resolution_rollups"."count" + excluded."count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "resolution_rollups_move" AFTER UPDATE OF "assignee_id" ON "conversations" FOR EACH ROW
WHEN (OLD."assignee_id" IS DISTINCT FROM NEW."assignee_id") EXECUTE FUNCTION "resolution_rollups_move"();--> statement-breakpoint
INSERT INTO "conversation_rollups" ("day", "channel", "shard", "count")
SELECT "created_at" / 86400000 * 86400000, "channel", 0, count(*) FROM "conversations" GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO "staff_replies" ("message_id", "user_id", "conversation_id", "channel", "created_at", "previous_at")
SELECT "id", "author_id", "conversation_id", "channel", "created_at",
  lag("created_at") OVER (PARTITION BY "conversation_id", "author_id" ORDER BY "created_at", "id")
FROM "messages" WHERE "author_kind" = 'human' AND "direction" = 'outbound' AND NOT "internal" AND "author_id" IS NOT NULL;--> statement-breakpoint
INSERT INTO "resolution_rollups" ("day", "channel", "assignee_id", "shard", "count")
SELECT e."created_at" / 86400000 * 86400000, e."channel", c."assignee_id", 0, count(*) FROM "events" e JOIN "conversations" c ON c."id" = e."conversation_id"
WHERE e."type" = 'resolved' AND e."actor" = 'human' AND c."assignee_id" IS NOT NULL GROUP BY 1, 2, 3;--> statement-breakpoint
-- A human first response is given by the staff reply at its instant in its conversation: paired by
-- whichever of the two is written second (both, in one statement: the key keeps one pair).
CREATE FUNCTION "staff_first_responses_by_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "staff_first_responses" ("event_id", "message_id", "user_id", "channel", "created_at", "ms")
  SELECT NEW."id", "id", "author_id", NEW."channel", NEW."created_at", NEW."value" FROM "messages"
  WHERE "created_at" = NEW."created_at" AND "conversation_id" = NEW."conversation_id"
    AND "author_kind" = 'human' AND "direction" = 'outbound' AND NOT "internal" AND "author_id" IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "staff_first_responses_by_event" AFTER INSERT ON "events" FOR EACH ROW
WHEN (NEW."type" = 'first_response' AND NEW."actor" = 'human') EXECUTE FUNCTION "staff_first_responses_by_event"();--> statement-breakpoint
CREATE FUNCTION "staff_first_responses_by_message"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "staff_first_responses" ("event_id", "message_id", "user_id", "channel", "created_at", "ms")
  SELECT "id", NEW."id", NEW."author_id", "channel", "created_at", "value" FROM "events"
  WHERE "type" = 'first_response' AND "actor" = 'human' AND "created_at" = NEW."created_at" AND "conversation_id" = NEW."conversation_id"
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "staff_first_responses_by_message" AFTER INSERT ON "messages" FOR EACH ROW
WHEN (NEW."author_kind" = 'human' AND NEW."direction" = 'outbound' AND NOT NEW."internal" AND NEW."author_id" IS NOT NULL)
EXECUTE FUNCTION "staff_first_responses_by_message"();--> statement-breakpoint
INSERT INTO "staff_first_responses" ("event_id", "message_id", "user_id", "channel", "created_at", "ms")
SELECT e."id", m."id", m."author_id", e."channel", e."created_at", e."value" FROM "events" e
JOIN "messages" m ON m."conversation_id" = e."conversation_id" AND m."created_at" = e."created_at"
  AND m."author_kind" = 'human' AND m."direction" = 'outbound' AND NOT m."internal" AND m."author_id" IS NOT NULL
WHERE e."type" = 'first_response' AND e."actor" = 'human';
