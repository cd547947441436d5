/** drizzle-kit settings: `npm run db:generate` writes a new migration after a schema change. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
