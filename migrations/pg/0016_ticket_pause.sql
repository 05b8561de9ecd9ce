ALTER TABLE "tickets" ADD COLUMN "paused_at" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "paused_ms" bigint DEFAULT 0 NOT NULL;