CREATE TABLE "assignment_turns" (
	"id" integer PRIMARY KEY NOT NULL,
	"value" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_due_at" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_due_at" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_at" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "available" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" bigint;