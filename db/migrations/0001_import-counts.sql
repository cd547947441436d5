ALTER TABLE "imports" ADD COLUMN "stale" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "duplicates" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "conflicts" integer DEFAULT 0 NOT NULL;