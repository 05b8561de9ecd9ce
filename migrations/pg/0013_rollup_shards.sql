-- The column first (drizzle-kit wrote the key before it); existing rows are shard 0.
ALTER TABLE "event_rollups" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "event_rollups" DROP CONSTRAINT "event_rollups_day_channel_type_actor_pk";--> statement-breakpoint
ALTER TABLE "event_rollups" ADD CONSTRAINT "event_rollups_day_channel_type_actor_shard_pk" PRIMARY KEY("day","channel","type","actor","shard");
