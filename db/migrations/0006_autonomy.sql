CREATE TABLE "autonomy_levels" (
	"workflow" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"skill_version" text,
	"model" text,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"set_by" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autonomy_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow" text NOT NULL,
	"from_level" text NOT NULL,
	"to_level" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reasons" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
CREATE TABLE "autonomy_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow" text NOT NULL,
	"from_level" text NOT NULL,
	"to_level" text NOT NULL,
	"kind" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"evidence" jsonb,
	"actor" text NOT NULL,
	"proposal_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "autonomy_proposals" ADD CONSTRAINT "autonomy_proposals_decided_by_reps_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."reps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autonomy_transitions" ADD CONSTRAINT "autonomy_transitions_proposal_id_autonomy_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."autonomy_proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "autonomy_proposals_one_pending_uq" ON "autonomy_proposals" USING btree ("workflow") WHERE "autonomy_proposals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "autonomy_proposals_workflow_idx" ON "autonomy_proposals" USING btree ("workflow","created_at");--> statement-breakpoint
CREATE INDEX "autonomy_transitions_workflow_idx" ON "autonomy_transitions" USING btree ("workflow","at");