CREATE TABLE "kb_passages" (
	"id" text PRIMARY KEY NOT NULL,
	"article_id" text NOT NULL,
	"position" integer NOT NULL,
	"heading" text,
	"text" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "kb_passages" ADD CONSTRAINT "kb_passages_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "kb_passages_article_position_idx" ON "kb_passages" USING btree ("article_id","position");