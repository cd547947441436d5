/** `bookrun db migrate` — create the database if missing and apply the committed migrations. */
import type { Command } from 'commander';
import { migrateDatabase } from '../../db/migrate.ts';
import { loadConfig } from '../config.ts';
import type { CliContext } from './context.ts';

/** Hides the password of a Postgres URL for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export function configureDbCommand(program: Command, ctx: CliContext): void {
  const db = program.command('db').summary('database maintenance').description('Database maintenance (PostgreSQL at DATABASE_URL).');
  db.command('migrate')
    .summary('create the database if missing and apply migrations')
    .description(
      [
        'Creates the database named in DATABASE_URL when it does not exist, then applies every committed',
        'migration that has not run yet. Safe to run repeatedly and from several processes at once.',
        '',
        'DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bookrun.',
      ].join('\n'),
    )
    .option('--json', 'print one JSON object on stdout')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const result = await migrateDatabase(config.databaseUrl).catch((error: unknown) => {
        throw new Error(`cannot migrate ${redactUrl(config.databaseUrl)}: ${error instanceof Error ? error.message : String(error)} (is Postgres running? try: bash scripts/services)`, { cause: error });
      });
      if (flags.json) ctx.stdout(JSON.stringify(result));
      else
        ctx.stdout(
          `${result.created ? 'created database' : 'database'} ${result.database}: ${result.applied} migration(s) applied, ${result.total} in all`,
        );
    });
}
