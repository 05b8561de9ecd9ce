CREATE TABLE "event_rollups" (
	"day" bigint NOT NULL,
	"channel" text NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"count" integer NOT NULL,
	"value_sum" double precision NOT NULL,
	"value_count" integer NOT NULL,
	CONSTRAINT "event_rollups_day_channel_type_actor_pk" PRIMARY KEY("day","channel","type","actor")
);
--> statement-breakpoint
CREATE INDEX "conversations_status_id_idx" ON "conversations" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "conversations_channel_id_idx" ON "conversations" USING btree ("channel","id");--> statement-breakpoint
CREATE INDEX "conversations_assignee_id_idx" ON "conversations" USING btree ("assignee_id","id");--> statement-breakpoint
CREATE INDEX "conversations_created_idx" ON "conversations" USING btree ("created_at","channel");--> statement-breakpoint
CREATE INDEX "tickets_status_id_idx" ON "tickets" USING btree ("status","id");--> statement-breakpoint
-- The rollups of the events already stored (hand-written: drizzle-kit does not move data).
INSERT INTO "event_rollups" ("day", "channel", "type", "actor", "count", "value_sum", "value_count")
SELECT "created_at" / 86400000 * 86400000, "channel", "type", "actor", count(*), coalesce(sum("value"), 0), count("value")
FROM "events" GROUP BY 1, 2, 3, 4;--> statement-breakpoint
-- Statistics for the new indexes, so the planner picks them on a database that already has data.
ANALYZE "conversations", "tickets", "event_rollups";
