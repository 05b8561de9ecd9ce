-- Token buckets of the rate limits, shared by every replica (src/store/pg/rate-limits.ts). UNLOGGED:
-- a crash forgets who spent what, which only gives clients a fresh burst, and writes skip the WAL.
CREATE UNLOGGED TABLE IF NOT EXISTS "rate_limit_buckets" (
	"name" text NOT NULL,
	"key" text NOT NULL,
	"tokens" double precision NOT NULL,
	"at" bigint NOT NULL,
	"allowed" boolean NOT NULL,
	CONSTRAINT "rate_limit_buckets_pk" PRIMARY KEY ("name", "key")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "rate_limit_buckets_at_idx" ON "rate_limit_buckets" ("at");
