CREATE TABLE "sign_in_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"rep_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"rep_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "artifacts" ADD COLUMN "verdict_reason" text;--> statement-breakpoint
ALTER TABLE "reps" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "reps" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "tier" text;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "reject_reason" text;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "brief_verdict" text;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "tier_verdict" text;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "final_content" jsonb;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "edit_distance" integer;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "edit_ratio" real;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "first_viewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sign_in_tokens" ADD CONSTRAINT "sign_in_tokens_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sign_in_tokens_rep_idx" ON "sign_in_tokens" USING btree ("rep_id");--> statement-breakpoint
CREATE INDEX "web_sessions_rep_idx" ON "web_sessions" USING btree ("rep_id");--> statement-breakpoint
CREATE INDEX "review_items_queue_idx" ON "review_items" USING btree ("owner_rep_id","status","run_id","tier");--> statement-breakpoint
-- Items filed before this migration get their tier from their prioritization artifact.
UPDATE "review_items" i SET "tier" = a."content"->>'tier' FROM "artifacts" a
  WHERE a."review_item_id" = i."id" AND a."workflow" = 'prioritization' AND i."tier" IS NULL AND a."content"->>'tier' IN ('A', 'B', 'C', 'D');
