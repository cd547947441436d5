/** `bookrun web` — the review web app (pages, JSON API, bull-board for managers) as a long-running server. */
import { InvalidArgumentError, type Command } from 'commander';
import { checkDatabase, createDb } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { createRedis, pingRedis } from '../queue/connection.ts';
import { createQueues, type Queues } from '../queue/queues.ts';
import { startWebServer } from '../web/index.ts';
import type { CliContext } from './context.ts';
import { prose } from './prose.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0-65535; 0 picks a free one)');
  return n;
}

export function configureWebCommand(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .summary('serve the review web app (queue, items, JSON API, job board)')
    .description(
      prose([
        'Serves the review web app: each rep signs in with the one-time link from `bookrun reps add`, sees the',
        'drafts, briefs and tiers waiting for them, and accepts, edits or rejects them (the keyboard works',
        'throughout; press ? on any page). Managers see every rep’s items and the job queues at /admin/queues.',
        'The same operations are served as JSON under /api.',
        '',
        'Listens on 127.0.0.1:4300 unless BOOKRUN_WEB_HOST / BOOKRUN_WEB_PORT or the flags say otherwise; sign-in',
        'links are built on BOOKRUN_PUBLIC_URL. Put a TLS-terminating proxy in front before binding anything but',
        'loopback (with an https public URL the cookies are marked Secure).',
        '',
        'The first line on stdout is: bookrun web listening on http://HOST:PORT',
        '',
        'Stop with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish first.',
      ]),
    )
    .option('--port <n>', 'TCP port (default BOOKRUN_WEB_PORT, 4300; 0 picks a free one)', port)
    .option('--host <address>', 'address to bind (default BOOKRUN_WEB_HOST, 127.0.0.1)')
    .action(async (flags: { port?: number; host?: string }) => {
      const config = loadConfig();
      const handle = createDb(config.databaseUrl, { max: config.dbPool });
      let queues: Queues | undefined;
      let redis: ReturnType<typeof createRedis> | undefined;
      try {
        await checkDatabase(handle, config.databaseUrl);
        // The review pages need only Postgres; without Redis the job board is left out, not the app.
        let lastRedisError = '';
        redis = createRedis(config.redisUrl, (error) => {
          if (error.message === lastRedisError) return;
          lastRedisError = error.message;
          ctx.stderr(`redis: ${error.message}`);
        });
        try {
          await pingRedis(redis, config.redisUrl, 3_000);
          queues = createQueues(redis, config.queuePrefix, (e) => ctx.stderr(`queue: ${e.message}`));
        } catch (error) {
          ctx.stderr(`bookrun web: the job board (/admin/queues) is off: ${error instanceof Error ? error.message : String(error)}`);
          redis.disconnect();
          redis = undefined;
        }
        const server = await startWebServer(
          { db: handle.db, config, queues: queues ? [queues.run, queues.llm] : undefined, log: ctx.stderr },
          { port: flags.port ?? config.web.port, host: flags.host ?? config.web.host },
        );
        ctx.stdout(`bookrun web listening on ${server.url}`);
        ctx.stderr(`reps sign in with links from: bookrun reps add --email E --name N --role rep   (links open ${config.web.publicUrl})`);
        await ctx.untilSignal();
        await server.close();
      } finally {
        await queues?.close().catch(() => {});
        await redis?.quit().catch(() => {});
        await handle.close();
      }
    });
}
