ALTER TABLE "runs" ALTER COLUMN "budget_tokens" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "est_cost_usd" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "run_items" ADD COLUMN "deferred_step" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "budget_usd" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "generation" integer DEFAULT 0 NOT NULL;