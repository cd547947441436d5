ALTER TABLE "books" ADD COLUMN "budget_usd" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "books" ADD COLUMN "budget_tokens" bigint;